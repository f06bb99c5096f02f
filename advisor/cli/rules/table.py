"""`trackright rules table`: print a block of plain rules as a decision table, to paste in."""

from __future__ import annotations

import click

from advisor.cli.options import RULES_OPTION
from advisor.cli.rules.group import rules
from advisor.errors import TrackrightError


@rules.command("table")
@RULES_OPTION
@click.option("--priority", type=int, required=True, help="Tabulate the rules of this priority.")
@click.option("--name", default="", help="The table's name (default: priority-N).")
def table_cmd(rules_dir, priority: int, name: str) -> None:
    """Print the policy rules of one priority as a `table:` entry that compiles to the same rules.

    Paste it into policy.yaml in place of those rules and run `trackright rules check` and
    `trackright rules test`: the rows keep the rules' ids, so tests and history still match.

    \b
    Example:
      trackright rules table --priority 100 --name vertical-defaults
    """
    from advisor.authoring.tabulate import as_table
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    chosen = [
        r
        for r in book.policy.rules
        if r.kind == "business" and r.priority == priority and not r.table
    ]
    if not chosen:
        raise TrackrightError(f"no plain policy rule has priority {priority}")
    out = as_table(chosen, name or f"priority-{priority}", book.policy.facts)
    click.echo(out.yaml, nl=False)
    if out.skipped:
        click.echo(
            f"# left out (they use any:, which a row cannot say): {', '.join(out.skipped)}",
            err=True,
        )
