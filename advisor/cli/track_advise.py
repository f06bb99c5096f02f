"""`trackright track advise`: the cost model re-run on what the tracker saw; SKUs to move.

A thin face over `advisor.advice.observed.advise`. Importing this module adds the command to the
`track` group (advisor/cli/track.py imports it at its end).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.cli.track import _tracker, guarded, track


@track.command("advise")
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The catalog the policy came from: unit values, value bands and regulatory floors "
    "(without it fakes are priced at 0 and no method is lowered).",
)
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Brand profile: fakes and swaps where the store cannot see them, channels, warehouses.",
)
@click.option(
    "--min-shipped",
    type=click.IntRange(min=1),
    help="Units a SKU must have shipped before it is judged [default: costs.yaml observed.min_shipped].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the advice as JSON.")
@click.option("--all", "show_all", is_flag=True, help="Also list the SKUs whose method stays.")
@click.pass_context
@guarded
def advise_cmd(
    ctx: click.Context,
    catalog: Path | None,
    profile_path: Path | None,
    min_shipped: int | None,
    as_json: bool,
    show_all: bool,
) -> None:
    """Which SKUs should be tracked another way, judged on the store's own returns.

    Each SKU's real return rate, the repeat returns and the fakes and swaps the returns desk
    caught are priced with the advisor's cost model (rules/costs.yaml); a SKU whose best method
    (the highest net a month, never below a regulation's floor) differs from its policy is
    listed with the evidence, the money, and the edit that would make it so.

    \b
    Examples:
      trackright track advise
      trackright track advise --catalog shop.csv --profile brand.yaml
      trackright track advise --json > advice.json
    """
    from advisor.advice.observed import advise
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(ctx.obj.get("rules"))
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    rows = None
    if catalog is not None:
        from advisor.advice.run import Collect, evaluate_file

        keep = Collect()
        evaluate_file(catalog, book, profile, outputs=[keep], jobs=1)
        rows = keep.items
    store = _tracker(ctx, readonly=True).store
    result = advise(store, book, profile, rows, min_shipped=min_shipped)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from advisor.render.observed import advice_panel
    from advisor.render.report import console

    console().print(advice_panel(result, show_all))


__all__ = ["advise_cmd"]
