"""Fixtures shared by the advisor tests: the bundled rulebook, an editable copy, the CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from advisor_helpers import MINIBOOK, ROOT, RULES


@pytest.fixture(scope="session")
def book():
    """The bundled rulebook, loaded once."""
    from advisor.rulebook.load import load_rulebook

    return load_rulebook(RULES)


class RulesCopy:
    """A writable copy of the bundled rules that a test can break on purpose."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def edit(self, name: str, old: str, new: str) -> int:
        """Replace `old` (which must occur once) by `new`; return the 1-based line where it starts."""
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        line = text[: text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, new), encoding="utf-8")
        return line

    def row(self, name: str, rule_id: str) -> str:
        """The line of a decision-table row (the rule `rule_id`), to edit or drop with `edit`."""
        text = (self.root / name).read_text(encoding="utf-8")
        found = re.findall(rf"^ +- +\[{re.escape(rule_id)}, .*\n", text, re.M)
        assert len(found) == 1, f"{len(found)} table rows of rule {rule_id} in {name}"
        return found[0]

    def append(self, name: str, text: str) -> int:
        """Append text to a file; return the line number of its first line."""
        path = self.root / name
        current = path.read_text(encoding="utf-8")
        if not current.endswith("\n"):
            current += "\n"
        path.write_text(current + text, encoding="utf-8")
        return current.count("\n") + 1


@pytest.fixture
def rules_copy(tmp_path: Path) -> RulesCopy:
    """A fresh copy of rules/ in a temp folder."""
    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst)
    return RulesCopy(dst)


@pytest.fixture
def minibook(tmp_path: Path) -> RulesCopy:
    """A fresh copy of the suite's own small rulebook (tests/data/minibook) in a temp folder."""
    dst = tmp_path / "minibook"
    shutil.copytree(MINIBOOK, dst)
    return RulesCopy(dst)


@dataclass
class Ran:
    """What a `trackright` command did: its exit code and its two streams (as a process has)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None
) -> Ran:
    """Run `trackright ARGS` as a user would, through click's runner (in this process).

    An exception the command did not turn into a message is put on stderr as its traceback, so
    a test asserting that no traceback reaches the user fails on it.
    """
    from click.testing import CliRunner

    from advisor.cli.main import cli as trackright

    environ = {"TRACKRIGHT_RULES": None, "COLUMNS": "120", **(env or {})}
    here = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(trackright, list(args), env=environ, input=input)
    finally:
        os.chdir(here)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback:\n" + "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def run_script(
    *args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run the installed `trackright` console script in a subprocess: a real user's shell."""
    full_env = dict(os.environ)
    full_env.pop("TRACKRIGHT_RULES", None)
    full_env["COLUMNS"] = "120"
    if env:
        full_env.update(env)
    script = Path(sys.executable).with_name("trackright")
    return subprocess.run(
        [str(script), *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


@pytest.fixture
def cli():
    """`trackright ARGS` through click's runner: `cli("evaluate", path).returncode`."""
    return run_cli


@pytest.fixture
def script():
    """`trackright ARGS` as a subprocess of the installed console script."""
    return run_script
