"""YAML mistakes reported where they are (#14.6) and YAML 1.1 traps with a hint (#14.8)."""

from __future__ import annotations

from click.testing import CliRunner

from advisor.cli.main import cli


def check(root):
    return CliRunner().invoke(cli, ["rules", "check", str(root)])


def test_an_unclosed_quote_is_reported_where_it_opens_and_where_yaml_gave_up(minibook):
    """The quote opens on one line; PyYAML only fails many lines later. Both are named, the start first."""
    line = minibook.edit("policy.yaml", "reason: A warranty needs", 'reason: "A warranty needs')
    result = check(minibook.root)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert f"policy.yaml:{line}:" in first and "never closed" in first and "line 3" in first


def test_a_latin1_byte_is_reported_at_its_line(minibook):
    """A file saved as Latin-1 is named at the line of the first bad byte, with the character it was."""
    path = minibook.root / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("Cheap goods by lot")].count("\n") + 1
    path.write_bytes(text.replace("Cheap goods by lot", "Caf\u00e9 goods by lot").encode("latin-1"))
    result = check(minibook.root)
    assert result.exit_code == 1
    assert f"policy.yaml:{line}:" in result.stderr
    assert "0xE9" in result.stderr and "'é'" in result.stderr and "UTF-8" in result.stderr


def test_invisible_characters_are_named_with_their_column(minibook):
    """A non-breaking space in the indentation is named, with the column to find it at."""
    line = minibook.edit("policy.yaml", "    priority: 300", "   \u00a0priority: 300")
    result = check(minibook.root)
    assert f"policy.yaml:{line}:4: a non-breaking space (U+00A0) at column 4" in result.stderr


def test_yaml_11_traps_get_the_fix(minibook):
    """NO is false, 04 is 4, 10,000 in a block is text: each message says what to write."""
    minibook.edit("regulations.yaml", "    jurisdiction: EU", "    jurisdiction: NO")
    minibook.edit("classification.yaml", 'hsn: ["19", "20"]', 'hsn: [04, "20"]')
    minibook.edit("costs.yaml", "  return_loop_cost: 120", "  return_loop_cost: 1,200")
    err = check(minibook.root).stderr
    assert 'write "NO" in quotes' in err
    assert 'quote "04"' in err
    assert "drop the thousands separator: write 1200" in err
