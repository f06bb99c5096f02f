"""`trackright rules …` and `trackright decide`: the rule author's commands, one module each.

`group` holds the click group (commands load on first use, so `--help` stays fast); `check`,
`testing`, `lint`, `diff`, `explain`, `schema` (with `init`), `history` and `table` hold one
command each, thin over `advisor.authoring`.
"""

from __future__ import annotations

from advisor.cli.options import AS_OF_OPTION, RULES_OPTION, profile_option
from advisor.cli.rules.group import rules


def __getattr__(name: str):
    if name == "decide":
        from advisor.cli.rules.decide import decide

        return decide
    if name == "json_schemas":
        from advisor.authoring.schemas import json_schemas

        return json_schemas
    raise AttributeError(name)


__all__ = ["AS_OF_OPTION", "RULES_OPTION", "decide", "json_schemas", "profile_option", "rules"]
