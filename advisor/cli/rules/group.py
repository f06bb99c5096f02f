"""The `trackright rules` group; its commands live in the sibling modules and load on first use."""

from __future__ import annotations

import click

from advisor.cli.main import LazyGroup

_COMMANDS = {
    "check": ("advisor.cli.rules.check", "check"),
    "test": ("advisor.cli.rules.testing", "test_cmd"),
    "lint": ("advisor.cli.rules.lint", "lint_cmd"),
    "diff": ("advisor.cli.rules.diff", "diff_cmd"),
    "explain": ("advisor.cli.rules.explain", "explain_cmd"),
    "schema": ("advisor.cli.rules.schema", "schema_cmd"),
    "init": ("advisor.cli.rules.schema", "init_cmd"),
    "history": ("advisor.cli.rules.history", "history_cmd"),
    "table": ("advisor.cli.rules.table", "table_cmd"),
}


@click.group(
    cls=LazyGroup, lazy=_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
def rules() -> None:
    """Check, test, lint, diff and explain the rulebook in rules/."""


__all__ = ["rules"]
