"""`trackright rules history`: every rulebook the tracker accepted, and what changed each time."""

from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.cli.rules.group import rules
from advisor.errors import TrackrightError

STORE_OPTION = click.option(
    "--store",
    type=click.Path(path_type=Path),
    envvar="TRACKRIGHT_STORE",
    default=Path(".trackright") / "store.json",
    show_default=True,
    help="The tracker's store file or workspace folder (env TRACKRIGHT_STORE).",
)


@rules.command("history")
@STORE_OPTION
@click.option("--at", "at", metavar="DATE", help="Only the version in force at DATE (YYYY-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def history_cmd(store: Path, at: str | None, fmt: str) -> None:
    """List the rulebooks the tracker accepted: version, hash, date, and what changed.

    A version is recorded each time `trackright track policy import` or the app's accept
    stores decisions made by a rulebook different from the last one. Give a version to
    `rules diff` as OLD (or NEW) to see what it decides differently, e.g. `rules diff 2 rules/`.

    \b
    Examples:
      trackright rules history
      trackright rules history --at 2026-11-20      # which policy was in force that day
      trackright rules diff 1 rules/ --catalog shop.csv
    """
    from advisor.authoring.history import entries, history_folder, in_force

    folder = history_folder(store)
    found = entries(folder)
    if at is not None:
        one = in_force(folder, at)
        if one is None:
            raise TrackrightError(f"no rulebook was accepted on or before {at} ({folder})")
        found = [one]
    if fmt == "json":
        click.echo(
            json.dumps(
                [_as_dict(e) for e in found],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not found:
        click.echo(
            f"No rulebook recorded yet in {folder}: accept a policy first (track policy import)."
        )
        return
    for e in found:
        click.echo(f"v{e.n}  {e.accepted_at}  {e.tag}  ({e.source}; from {e.rules})")
        for c in e.changes:
            click.echo(f"      {c}")
    click.echo(f"{len(found)} version(s) in {folder}")


def _as_dict(e) -> dict:
    from dataclasses import asdict

    d = asdict(e)
    d["changes"] = list(e.changes)
    return d
