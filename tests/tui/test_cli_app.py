"""`trackright app`: a store it cannot use is one clear error line, never a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from advisor.cli import cli


def test_foreign_store_is_a_clear_error(tmp_path):
    """A file that is not a trackright store stops the app before it opens, with exit code 2."""
    bad = tmp_path / "store.json"
    bad.write_text("{}")
    result = CliRunner().invoke(cli, ["app", "--store", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "not a trackright store" in result.output
    assert "Traceback" not in result.output
