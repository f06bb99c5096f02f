"""`trackright app` (and `trackright` alone): open the terminal app on a workspace store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from advisor.cli.options import RULES_OPTION
from advisor.commands.types import STORE_REF


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="TRACKRIGHT_STORE",
    type=STORE_REF,
    default=None,
    help="Workspace store (a file, or a PostgreSQL URL), the one `trackright track` uses "
    "[default: $TRACKRIGHT_STORE, else ./.trackright/store.json].",
)
@RULES_OPTION
def app(store: Path | str | None, rules_dir: Path | None) -> None:
    """Open the terminal app: answer a few questions about your brand, see what to serialise,
    batch or LPN-label and what it costs, then run receiving, shipping and the returns desk.

    Answers are saved in the store as you go; quit with ctrl+q and run it again to carry on.
    """
    from advisor.app.app import TrackrightApp
    from advisor.app.workspace import Workspace
    from tracker import TrackerError, default_store_path

    try:
        workspace = Workspace(store or default_store_path(), rules_dir)
    except TrackerError as err:  # a damaged, foreign or busy store: say so, never a traceback
        err.show()
        raise SystemExit(err.exit_code) from None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Drawn into a pipe or a CI log, the app would wait for keys that never come.
        from tracker import InputError

        raise InputError(
            "the trackright app needs an interactive terminal",
            hint="for scripts use the commands instead: trackright --help",
        )
    TrackrightApp(workspace).run()


__all__ = ["app"]
