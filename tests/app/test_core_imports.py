"""The core never imports the UI: advisor (outside advisor.app) and tracker load without textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

from tui_helpers import ROOT

import advisor
import tracker


def core_modules() -> list[str]:
    names = ["advisor", "tracker"]
    for pkg in (advisor, tracker):
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if not info.name.startswith("advisor.app"):
                names.append(info.name)
    return names


def test_importing_the_core_does_not_import_textual():
    """Every advisor and tracker module imports in a fresh interpreter with textual absent."""
    modules = core_modules()
    assert (
        "advisor.engine.decide" in modules
        and "tracker.store" in modules
        and "advisor.cli.app" in modules
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_the_app_loads_textual_only_when_opened():
    """`trackright app --help` answers without importing textual (the app module is lazy)."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from advisor.cli.main import cli\n"
        "r = CliRunner().invoke(cli, ['app', '--help'])\n"
        "print(r.exit_code, 'textual' in sys.modules, '--store' in r.output)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["0", "False", "True"]
