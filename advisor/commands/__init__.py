"""The tracker's verbs, each parsed and run once, for every face: `trackright track …` and the desk.

A verb is a click command in one module of this package. It parses its arguments with the types
of `advisor.commands.types` (SKU:QTY, SKU:LOT, YYYY-MM-DD dates, bounded quantities,
identifiers, reasons), runs one tracker call in a `Session` (which store, which rules), and
returns a typed outcome, a dataclass, instead of printing. The faces draw outcomes: the CLI
(`advisor.cli.track`) with rich, the app's desk (`advisor.app.desk_screen`) in Textual. Both
show errors one way (`tracker.errors.as_error`, `TrackrightError.show`). This package imports
click, never rich or textual; the tracker itself knows nothing of click.

    base      Session, Outcome, verb(), VerbGroup (verbs loaded on first use)
    options   the options every verb takes (SESSION_OPTIONS) and the advisor's shared options
    types     the parameter types
    line      one typed command line (`receive X --serial S1`, a bare scan = trace), as the desk runs it
    policy, receive, ship, returns, holds, recall, transfer, trace, labels, export, advise,
    imports, store    the verbs

**Adding a verb** to both faces: write it with `@verb("name")` in a module and add one line to
`VERBS` below. **Adding an option to every verb**: one `SessionOption` in
`advisor.commands.options.SESSION_OPTIONS`.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["GROUPS", "TRACK_HELP", "VERBS", "build_group"]

#: Every verb, where it lives. "policy import" is the verb `import` of the sub-group `policy`.
VERBS: dict[str, str] = {
    "policy import": "advisor.commands.policy:policy_import",
    "policy set": "advisor.commands.policy:policy_set",
    "policy list": "advisor.commands.policy:policy_list",
    "receive": "advisor.commands.receive:receive",
    "ship": "advisor.commands.ship:ship",
    "return": "advisor.commands.returns:return_",
    "quarantine": "advisor.commands.holds:quarantine",
    "release": "advisor.commands.holds:release",
    "scrap": "advisor.commands.holds:scrap",
    "recall": "advisor.commands.recall:recall",
    "transfer": "advisor.commands.transfer:transfer",
    "trace": "advisor.commands.trace:trace",
    "stats": "advisor.commands.trace:stats",
    "labels": "advisor.commands.labels:labels",
    "export epcis": "advisor.commands.export:export_epcis",
    "export tinydb": "advisor.commands.export:export_tinydb",
    "advise": "advisor.commands.advise:advise",
    "import orders": "advisor.commands.imports:import_orders",
    "import returns": "advisor.commands.imports:import_returns",
    "store init": "advisor.commands.store:store_init",
    "store upgrade": "advisor.commands.store:store_upgrade",
    "store copy": "advisor.commands.store:store_copy",
}

#: The help of each sub-group.
GROUPS: dict[str, str] = {
    "policy": "Tracking decisions per SKU, taken from `trackright evaluate`.",
    "export": "Write the ledger or the store in a format other systems read.",
    "import": "Ship the shop's orders and take its returns from a file, line by line.",
    "store": "Set a store up (PostgreSQL: init, upgrade) or copy it between TinyDB and PostgreSQL.",
}

TRACK_HELP = (
    "Run stock tracking: receive, ship, return, recall and trace.\n\n"
    "The store lives in a workspace folder: ./.trackright/store.json by default, or the file "
    "given by --store or the TRACKRIGHT_STORE environment variable (a folder means "
    "FOLDER/store.json), or a PostgreSQL server given as a URL "
    "(postgresql://user@host:5432/db; set it up once with `track store init`). Start with `track policy import` on the output of "
    "`trackright evaluate`.\n\n"
    "Exit codes: 0 done, 1 refused (nothing changed), 2 unusable input or store."
)


def build_group(cls: type[click.Group] | None = None, **attrs: Any) -> click.Group:
    """The `track` group: the session options (before the verb) and every verb of `VERBS`.

    `cls` is a `VerbGroup` subclass; the CLI's draws each outcome. The verbs themselves are the
    same command objects for every group built.
    """
    from advisor.commands.base import Session, VerbGroup
    from advisor.commands.options import SESSION_OPTIONS

    def enter(**values: Any) -> None:
        session = click.get_current_context().ensure_object(Session)
        for option in SESSION_OPTIONS:
            setattr(session, option.name, values[option.name])

    group_cls = cls or VerbGroup
    return group_cls(  # type: ignore[call-arg]
        "track",
        VERBS,
        GROUPS,
        params=[o.before_verb() for o in SESSION_OPTIONS],
        callback=enter,
        help=TRACK_HELP,
        **attrs,
    )
