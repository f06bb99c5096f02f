"""The recommendation behind the app's policy screen: decisions, costs, export and acceptance.

With a catalog every row is decided (streamed through the same `Evaluator` as
`trackright evaluate`); without one, each chosen vertical is decided at the low end, the middle
and the high end of the founder's price range, so the founder sees where the method changes.
No textual here: the screen calls these from a worker and draws the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.advice.costs import CostReport
from advisor.advice.evaluate import EvaluatedRow, Evaluator, Summary
from advisor.advice.money import PriceCheck
from advisor.advice.profile import REGULATED_VERTICALS, BrandProfile
from advisor.advice.run import Collect, Sink, evaluate_file
from advisor.advice.writers import WRITERS
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.rulebook.load import Rulebook
from tracker import PolicySnapshot

Progress = Callable[[int, int], None]  # (done, total); total 0 while still counting
_POINTS = (("low end", 0.0), ("middle", 0.5), ("high end", 1.0))


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What the advisor proposes for one brand, and from what."""

    profile: BrandProfile
    rulebook_label: str
    base_currency: str
    rulebook_version: str
    items: tuple[EvaluatedRow | RejectedRow, ...]  # in input order, as the writers take them
    summary: Summary
    costs: CostReport
    catalog: str | None  # the catalog file, or None when decided from the answers alone
    labels: dict[int, str]  # row → what a representative row stands for ("Fashion, low end")
    currency: PriceCheck | None = None  # how the catalog's unlabelled prices were read

    @property
    def decided(self) -> list[EvaluatedRow]:
        return [i for i in self.items if isinstance(i, EvaluatedRow)]

    @property
    def rejected(self) -> list[RejectedRow]:
        return [i for i in self.items if isinstance(i, RejectedRow)]

    def label(self, row: EvaluatedRow) -> str:
        return self.labels.get(row.record.row, row.record.sku)


def profile_verticals(rulebook: Rulebook, profile: BrandProfile) -> tuple[str, ...]:
    """What the brand sells, from its answers: the verticals it chose, the ones its regulated
    products are sold in, and personalised goods when it makes them (without a catalog these
    answers are all the advisor has, so each must show up in the recommendation)."""
    known = rulebook.classification.verticals
    chosen = list(profile.verticals)
    chosen += [REGULATED_VERTICALS.get(r, r) for r in profile.regulated_products]
    if profile.customised_goods:
        chosen.append("customised_gifts")
    out = tuple(dict.fromkeys(v for v in chosen if v in known))
    return out or (rulebook.classification.fallback_vertical,)


def representative_records(rulebook: Rulebook, profile: BrandProfile) -> dict[int, SkuRecord]:
    """Stand-in SKUs for each vertical the brand sells at the ends and middle of its price range."""
    verticals = rulebook.classification.verticals
    ranges = {v: (lo, hi) for v, lo, hi in profile.price_ranges}
    out: dict[int, SkuRecord] = {}
    for vid in profile_verticals(rulebook, profile):
        v = verticals.get(vid)
        if v is None:
            continue
        low, high = ranges.get(vid) or _band_range(v.bands)
        seen: set[float] = set()
        for where, share in _POINTS:
            price = round(low + (high - low) * share, 2)
            if price in seen:
                continue
            seen.add(price)
            row = len(out) + 1
            out[row] = SkuRecord(
                row=row,
                sku=f"{vid}@{price:g}",
                title=f"{v.label}, {where} of your range",
                category=v.categories[0] if v.categories else v.label,
                price=price,
                currency=profile.currency,
            )
    return out


def _band_range(bands: tuple[tuple[str, float], ...]) -> tuple[float, float]:
    """Without a price answer: from the first band bound above zero to the top band's bound."""
    bounds = [b for _, b in bands if b > 0] or [1000.0]
    return bounds[0] / 2, bounds[-1]


def recommend_from_profile(rulebook: Rulebook, profile: BrandProfile) -> Recommendation:
    """Decide the representative SKUs of the profile's verticals."""
    records = representative_records(rulebook, profile)
    labels = {row: rec.title for row, rec in records.items()}
    return _evaluate(rulebook, profile, list(records.values()), None, labels)


def recommend_from_catalog(
    rulebook: Rulebook,
    profile: BrandProfile,
    path: str | Path,
    progress: Progress | None = None,
    *,
    rows: Sink | None = None,
    stream_split: int | None = None,
) -> Recommendation:
    """Decide every row of a catalog file, as `trackright evaluate` would (`evaluate_file`).

    `progress` hears (done, 0) as rows pass and (total, total) at the end. With `rows`, the
    rows go to that sink as they are decided (the app streams them out of a child process)
    and the recommendation comes back without them; with `stream_split` too, a generic CSV of
    at least that many bytes is decided on two cores (`evaluate_file`).
    """
    report = progress or (lambda done, total: None)
    keep = Collect()
    run = evaluate_file(
        Path(path),
        rulebook,
        profile,
        outputs=[rows or keep],
        jobs=None if rows is not None and stream_split is not None else 1,
        progress=lambda n: report(n, 0),
        stream_split=stream_split if rows is not None else None,
    )
    report(run.summary.rows_read, run.summary.rows_read)
    return Recommendation(
        profile,
        rulebook.label,
        rulebook.classification.base_currency,
        rulebook.tag,
        tuple(keep.items),
        run.summary,
        run.costs,
        str(path),
        {},
        run.currency,
    )


def _evaluate(
    rulebook: Rulebook,
    profile: BrandProfile,
    items: list[SkuRecord | RejectedRow],
    catalog: str | None,
    labels: dict[int, str],
    progress: Progress | None = None,
) -> Recommendation:
    evaluator = Evaluator(rulebook, profile)
    summary = Summary()
    out: list[EvaluatedRow | RejectedRow] = []
    total = len(items)
    step = max(total // 100, 1)
    try:
        for n, item in enumerate(evaluator.run(items, summary), 1):
            out.append(item)
            if progress is not None and (n % step == 0 or n == total):
                progress(n, total)
        costs = evaluator.cost_report()
    finally:
        evaluator.close()
    return Recommendation(
        profile,
        rulebook.label,
        rulebook.classification.base_currency,
        rulebook.tag,
        tuple(out),
        summary,
        costs,
        catalog,
        labels,
    )


def what_if_recommendation(rulebook: Rulebook, rec: Recommendation, items: Sequence[str]) -> Any:
    """The recommendation's figures with assumptions changed ("bad_return_share=0.05").

    Re-priced from what was evaluated (`advisor.advice.whatif.what_if`): instant when only the
    cost model reads the change; decided again from the rows in memory when a rule reads it.
    The catalog file is never read again. Raises `WhatIfError` for an unknown key or value.
    """
    from advisor.advice.whatif import parse_what_if, what_if

    change = parse_what_if(items)
    code = rec.currency.choice.code if rec.currency is not None else None
    return what_if(rulebook, rec.profile, rec.costs, change, rows=rec.items, currency=code)


def export_format(path: str | Path, fmt: str | None = None) -> str:
    """The writer `export_decisions` would use for `path` (its ending, else csv); ValueError
    names the endings it knows when it is none of them."""
    kind = (fmt or Path(path).suffix.lstrip(".") or "csv").lower()
    if kind not in WRITERS:
        raise ValueError(f"export format must be one of {', '.join(WRITERS)}, got {kind!r}")
    return kind


#: Rows written between two calls of an export's `progress`.
EXPORT_STEP = 2000


def export_decisions(
    rec: Recommendation,
    path: str | Path,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write every decision (and rejected row) as `trackright evaluate -o` would: csv/json/jsonl.

    The rows go to a file beside the target that replaces it only once complete: a failure, or
    `progress(done, total)` raising to stop the export, leaves an existing file as it was.
    """
    target = Path(path).expanduser()
    kind = export_format(target, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    total = len(rec.items)
    try:
        with partial.open("w", encoding="utf-8", newline="") as fh:
            writer = WRITERS[kind](fh, rec.base_currency, rec.rulebook_version)
            for n, item in enumerate(rec.items, 1):
                writer.write(item)
                if progress is not None and n % EXPORT_STEP == 0:
                    progress(n, total)
            writer.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total)
    return target


def export_profile(rec: Recommendation, path: str | Path) -> Path:
    """Save the brand profile as YAML that `trackright evaluate --profile` reads."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    rec.profile.save(target)
    return target


def policy_snapshots(rec: Recommendation) -> list[PolicySnapshot]:
    """The catalog's decisions as the tracker stores them (none without a catalog)."""
    if rec.catalog is None:
        return []
    version = rec.rulebook_version
    out = []
    for row in rec.items:
        if row.__class__ is not EvaluatedRow:
            continue
        # the shared facts' vertical, not `row.facts` (which copies the facts for each row's own
        # evidence text): the vertical is the same, and accepting 20,000 SKUs was 0.3 s faster
        shared = row.shared
        d = shared.decision
        out.append(
            PolicySnapshot(
                sku=row.record.sku,
                method=d.method,
                capture=d.capture,
                rule=d.rule,
                reason=d.reason,
                rulebook_version=version,
                vertical=shared.facts.vertical,
                return_qc=d.return_qc,
                gtin=row.record.gtin,
            )
        )
    return out


__all__ = [
    "EXPORT_STEP",
    "Recommendation",
    "export_decisions",
    "export_format",
    "export_profile",
    "policy_snapshots",
    "profile_verticals",
    "recommend_from_catalog",
    "recommend_from_profile",
    "representative_records",
    "what_if_recommendation",
]
