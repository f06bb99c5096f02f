"""`trackright app` (and `trackright` alone): open the terminal app on a workspace store."""

from __future__ import annotations

from pathlib import Path

import click

from advisor.cli_rules import RULES_OPTION


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="TRACKRIGHT_STORE",
    type=click.Path(path_type=Path),
    default=None,
    help="Workspace store, the one `trackright track` uses "
    "[default: $TRACKRIGHT_STORE, else ./.trackright/store.json].",
)
@RULES_OPTION
def app(store: Path | None, rules_dir: Path | None) -> None:
    """Open the terminal app: answer a few questions about your brand, see what to serialise,
    batch or LPN-label and what it costs, then run receiving, shipping and the returns desk.

    Answers are saved in the store as you go; quit with ctrl+q and run it again to carry on.
    """
    from advisor.tui.app import TrackrightApp
    from tracker import default_store_path

    TrackrightApp(store=store or default_store_path(), rules=rules_dir).run()


__all__ = ["app"]
