"""`advise`: the cost model re-run on what the tracker saw; the SKUs whose method should change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.options import profile_option

if TYPE_CHECKING:
    from advisor.advice.observed import TrackAdvice

__all__ = ["Advised", "advise"]


@dataclass(frozen=True)
class Advised(Outcome):
    """The store's advice: SKUs to move with their evidence, money and edit (`TrackAdvice`)."""

    verb: ClassVar[str] = "advise"
    result: TrackAdvice
    as_json: bool = False
    show_all: bool = False

    @property
    def summary(self) -> str:
        n = len(self.result.changes)
        if not n:
            return "Every judged SKU is tracked the way its own figures favour"
        return f"{n} SKU{'s' if n != 1 else ''} would be tracked better another way"

    def json(self) -> str:
        return json.dumps(self.result.to_dict(), indent=2, ensure_ascii=False)


@verb("advise")
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The catalog the policy came from: unit values, value bands and regulatory floors "
    "(without it fakes are priced at 0 and no method is lowered).",
)
@profile_option(
    "Brand profile: fakes and swaps where the store cannot see them, channels, warehouses."
)
@click.option(
    "--min-shipped",
    type=click.IntRange(min=1),
    help="Units a SKU must have shipped before it is judged [default: costs.yaml observed.min_shipped].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the advice as JSON.")
@click.option("--all", "show_all", is_flag=True, help="Also list the SKUs whose method stays.")
def advise(
    session: Session,
    catalog: Path | None,
    profile_path: Path | None,
    min_shipped: int | None,
    as_json: bool,
    show_all: bool,
) -> Advised:
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
    from advisor.advice.observed import advise as advise_store
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(session.rules)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    rows = None
    if catalog is not None:
        from advisor.advice.run import Collect, evaluate_file

        keep = Collect()
        evaluate_file(catalog, book, profile, outputs=[keep], jobs=1)
        rows = keep.items
    store = session.tracker(readonly=True).store
    result = advise_store(store, book, profile, rows, min_shipped=min_shipped)
    return Advised(result, as_json, show_all)
