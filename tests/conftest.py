"""Fixtures shared by the advisor tests: the bundled rulebook, an editable copy, the CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run `trackright ARGS` as a user would, in a subprocess."""
    full_env = dict(os.environ)
    full_env.pop("TRACKRIGHT_RULES", None)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env["COLUMNS"] = "120"
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli.main", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


@pytest.fixture
def cli():
    return run_cli
