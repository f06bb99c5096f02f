"""`rules table`: a block of plain rules printed as a decision table compiles back to the same rules."""

from __future__ import annotations

import re

from click.testing import CliRunner

from advisor.cli.main import cli
from advisor.rulebook.load import load_rulebook


def _drop_rules(text: str, ids: set[str]) -> str:
    """policy.yaml without the entries of `ids` (each from `  - id: X` to the next entry)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        m = re.match(r"^  - id: (\S+)", line)
        if m:
            skipping = m.group(1) in ids
        elif re.match(r"^  (- |# )", line):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out)


def _same(a, b) -> bool:
    def strip(r):
        return tuple(tuple((t.fact, t.op, t.value) for t in br) for br in r.condition.branches())  # noqa: E731

    return (a.priority, a.outcome, a.reason, strip(a)) == (
        b.priority,
        b.outcome,
        b.reason,
        strip(b),
    )


def test_the_bundled_vertical_defaults_are_a_table(book):
    """Every priority-100 rule that a row can say is a row of `vertical-defaults`."""
    defaults = [r for r in book.policy.rules if r.priority == 100]
    assert [r.id for r in defaults if not r.table] == [r.id for r in defaults if r.condition.any_of]
    assert {r.table for r in defaults if r.table} == {"vertical-defaults"}


def test_a_block_of_rules_as_a_table_decides_the_same(rules_copy):
    """Print the priority-350 rules as a table, paste it in their place: the rules are unchanged."""
    result = CliRunner().invoke(
        cli,
        [
            "rules",
            "table",
            "--rules",
            str(rules_copy.root),
            "--priority",
            "350",
            "--name",
            "warranty",
        ],
    )
    assert result.exit_code == 0, result.output
    before = load_rulebook(rules_copy.root)
    ids = set(re.findall(r"^      -\s+\[([a-z0-9_.-]+),", result.stdout, re.M))
    assert len(ids) > 1 and ids == {
        r.id
        for r in before.policy.rules
        if r.priority == 350 and not r.condition.any_of and not r.table
    }
    path = rules_copy.root / "policy.yaml"
    text = _drop_rules(path.read_text(encoding="utf-8"), ids)
    text = text.replace("rules:\n", "rules:\n" + result.stdout + "\n", 1)
    path.write_text(text, encoding="utf-8")
    after = load_rulebook(rules_copy.root)
    a = {r.id: r for r in before.policy.rules}
    b = {r.id: r for r in after.policy.rules}
    assert a.keys() == b.keys()
    assert all(_same(a[k], b[k]) for k in a)
    assert all(b[k].table == "warranty" for k in ids)
    assert CliRunner().invoke(cli, ["rules", "test", str(rules_copy.root)]).exit_code == 0
