"""`trackright app`: a store it cannot use is one clear error line, never a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from advisor.cli.main import cli


def test_foreign_store_is_a_clear_error(tmp_path):
    """A file that is not a trackright store stops the app before it opens, with exit code 2."""
    bad = tmp_path / "store.json"
    bad.write_text("{}")
    result = CliRunner().invoke(cli, ["app", "--store", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "not a trackright store" in result.output
    assert "Traceback" not in result.output


def test_without_a_terminal_the_app_says_so_instead_of_hanging(tmp_path):
    """`trackright` in a pipe or CI log exits 2 with a pointer to the commands, not a frozen screen."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    for args in ([], ["app", "--store", str(tmp_path / "ws")]):
        r = subprocess.run(
            [sys.executable, "-m", "advisor.cli.main", *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
            env=env,
            timeout=30,
        )
        assert r.returncode == 2, args
        assert "needs an interactive terminal" in r.stderr and "Traceback" not in r.stderr
