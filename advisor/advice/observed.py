"""The loop closed: the cost model re-run on what the tracker saw, SKU by SKU.

The advice starts from assumptions (a vertical's return rate, a share of fake returns); the
tracker then records what really happens. `advise(store, rulebook, …)` reads the store's views
— shipped and returned per SKU (`return_figures`), units that came back again and again
(`watched_units`), and from the ledger the fakes and swaps its returns desk caught and the
months the records cover — and prices each SKU's own figures with `advisor.advice.costs`. A
SKU whose best method (the highest net a month, never below a regulation's floor) is not the
one it is tracked by is listed with its evidence, the money, and the edit that would make it
so: `trackright track policy set` for the store now, and the rule (or profile value) for the
next evaluation.

What each method lets the tracker see differs, and the advice says which figures are its own:
serial and LPN units show their repeat returns and the swaps and fakes caught; a batch SKU
shows its return rate and lot returns against the wrong order, while its repeat loops and the
fakes it lets through are the model's assumption (batch cannot see them — that is the point).

Without the catalog the tracker knows no prices, so the value at stake in a fake return is 0
and only repeat loops and mix-ups are priced; give the catalog (`rows`) for unit values, value
bands and regulatory floors. Without it no method is ever lowered (a floor may forbid it).

The app's dashboard calls `advise` from a worker; `trackright track advise` prints it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from advisor.advice.costs import Assumptions, PlanCost, assumptions
from advisor.advice.costs.plans import method_plan
from advisor.rulebook.load import METHODS, Rulebook
from tracker.vocabulary import METHOD_RANK

__all__ = ["Observation", "SkuAdvice", "TrackAdvice", "advise", "observe", "span_words"]

_DAYS_A_MONTH = 30.4375
_SWAP_FLAGS = ("swap_suspect", "not_shipped_suspect")


@dataclass(frozen=True, slots=True)
class Observation:
    """What the tracker saw of one SKU over `months`."""

    sku: str
    method: str
    vertical: str
    rule: str
    shipped: int
    returned: int
    repeat_loops: int  # returns of a unit beyond its first (serial / LPN only)
    repeat_units: int  # units that came back twice or more
    fakes: int  # returned items we never received (counterfeit suspects)
    swaps: int  # our own units (or lots) returned against an order they did not leave on
    months: float

    @property
    def return_rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0

    @property
    def sees_units(self) -> bool:
        """Serial and LPN see each unit come back; batch sees only quantities of a lot."""
        return self.method in ("serial", "lpn")

    def evidence(self) -> str:
        """The facts, in words: what was shipped and returned, and what the desk caught."""
        parts = [
            f"shipped {self.shipped:,} in {span_words(self.months)}, {self.returned:,} returned "
            f"({self.return_rate:.0%})"
        ]
        if self.sees_units:
            parts.append(
                f"{self.repeat_units:,} unit{'s' if self.repeat_units != 1 else ''} came back "
                f"twice or more ({self.repeat_loops:,} repeat loop{'s' if self.repeat_loops != 1 else ''})"
            )
        elif self.returned:
            parts.append("repeat loops unseen (batch cannot tell one unit from another)")
        caught = []
        if self.fakes:
            caught.append(f"{self.fakes:,} fake{'s' if self.fakes != 1 else ''}")
        if self.swaps:
            caught.append(f"{self.swaps:,} swap{'s' if self.swaps != 1 else ''}")
        parts.append(("caught " + " and ".join(caught)) if caught else "no fakes or swaps caught")
        return "; ".join(parts)


def span_words(months: float) -> str:
    """How long the records run, as people say it: "1 day", "12 days", "3.5 months"."""
    days = round(months * _DAYS_A_MONTH)
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{months:.1f} months"


@dataclass(frozen=True, slots=True)
class SkuAdvice:
    """One SKU priced on its own figures: every method's month, the best, and what to edit."""

    observation: Observation
    unit_value: float | None
    band: str
    floor: str
    plans: Mapping[str, PlanCost]
    best: str
    return_rate_used: float
    repeat_share_used: float
    bad_share_used: float
    figures_own: tuple[str, ...]  # which inputs are this SKU's own (the rest: assumptions)
    edit: str  # what to change so the advisor decides `best` next time
    command: str  # what to run to track it by `best` now

    @property
    def sku(self) -> str:
        return self.observation.sku

    @property
    def current(self) -> str:
        return self.observation.method

    @property
    def gain(self) -> float:
        """How much more a month `best` nets than the current method."""
        return self.plans[self.best].net - self.plans[self.current].net

    @property
    def changes(self) -> bool:
        return self.best != self.current


@dataclass(frozen=True, slots=True)
class TrackAdvice:
    """The whole store's advice: the SKUs to move, biggest gain first, and what was skipped."""

    currency: str
    months: float
    changes: tuple[SkuAdvice, ...]
    kept: tuple[SkuAdvice, ...]
    too_few: tuple[Observation, ...]  # shipped fewer than `min_shipped`: not judged yet
    min_shipped: int
    priced_values: bool  # unit values came from the catalog

    def to_dict(self) -> dict[str, Any]:
        def one(a: SkuAdvice) -> dict[str, Any]:
            o = a.observation
            return {
                "sku": a.sku,
                "vertical": o.vertical,
                "band": a.band,
                "current": a.current,
                "best": a.best,
                "floor": a.floor,
                "gain": round(a.gain, 2),
                "unit_value": a.unit_value,
                "evidence": o.evidence(),
                "observed": {
                    "shipped": o.shipped,
                    "returned": o.returned,
                    "return_rate": round(o.return_rate, 4),
                    "repeat_loops": o.repeat_loops,
                    "repeat_units": o.repeat_units,
                    "fakes": o.fakes,
                    "swaps": o.swaps,
                    "months": round(o.months, 3),
                },
                "used": {
                    "return_rate": round(a.return_rate_used, 4),
                    "repeat_return_share": round(a.repeat_share_used, 4),
                    "bad_return_share": round(a.bad_share_used, 6),
                    "own": list(a.figures_own),
                },
                "plans": {
                    m: {
                        "cost": round(p.cost, 2),
                        "benefit": round(p.benefit, 2),
                        "net": round(p.net, 2),
                    }
                    for m, p in a.plans.items()
                },
                "edit": a.edit,
                "command": a.command,
            }

        return {
            "currency": self.currency,
            "months": round(self.months, 3),
            "min_shipped": self.min_shipped,
            "priced_values": self.priced_values,
            "changes": [one(a) for a in self.changes],
            "kept": [one(a) for a in self.kept],
            "too_few": [{"sku": o.sku, "shipped": o.shipped} for o in self.too_few],
        }


# --------------------------------------------------------------------------- observing


def observe(reader: Any, now: datetime | None = None) -> tuple[list[Observation], float]:
    """Every SKU with a policy or a shipment, as the store saw it, and the months observed.

    `reader` is a `tracker.store.StoreReader`. The months run from the first event to the last
    (or `now`), at least one day.
    """
    policies = {p.sku: p for p in reader.policies()}
    figures = {sku: (shipped, back) for sku, shipped, back in reader.return_figures()}
    loops: Counter[str] = Counter()
    units: Counter[str] = Counter()
    for u in reader.watched_units():
        if u.returns >= 2:
            loops[u.sku] += u.returns - 1
            units[u.sku] += 1
    fakes: Counter[str] = Counter()
    swaps: Counter[str] = Counter()
    first = last = None
    for e in reader.events():
        first = e.time if first is None or e.time < first else first
        last = e.time if last is None or e.time > last else last
        if e.op != "return-verdict" or not e.sku:
            continue
        flags = set(e.persistent_set)
        if "counterfeit_suspect" in flags:
            fakes[e.sku] += 1
        elif flags.intersection(_SWAP_FLAGS):
            swaps[e.sku] += 1
    months = _span(first, last, now)
    out = []
    for sku in sorted(set(policies) | set(figures)):
        p = policies.get(sku)
        shipped, back = figures.get(sku, (0, 0))
        out.append(
            Observation(
                sku,
                p.method if p else "batch",
                (p.vertical if p else "") or "",
                (p.rule if p else "") or "",
                shipped,
                back,
                loops[sku],
                units[sku],
                fakes[sku],
                swaps[sku],
                months,
            )
        )
    return out, months


def _span(first: str | None, last: str | None, now: datetime | None) -> float:
    if first is None:
        return 1.0
    start = datetime.fromisoformat(first)
    end = datetime.fromisoformat(last) if last else start
    if now is not None:
        end = max(end, now if now.tzinfo or not start.tzinfo else now.replace(tzinfo=start.tzinfo))
    days = max((end - start).total_seconds() / 86400, 1.0)
    return days / _DAYS_A_MONTH


# ---------------------------------------------------------------------------- advising


def advise(
    store: Any,
    rulebook: Rulebook,
    profile: Any = None,
    rows: Iterable[Any] | None = None,
    *,
    now: datetime | None = None,
    min_shipped: int | None = None,
) -> TrackAdvice:
    """Re-run the cost model on what `store` saw; list the SKUs whose method should change.

    `profile` (a `BrandProfile`) gives the share of fakes and swaps when the store cannot see
    them, and the channels and warehouses. `rows` are the catalog's `EvaluatedRow`s (from
    `evaluate_file` with a `Collect` sink): unit values, value bands and regulatory floors.
    """
    with store.reader() as r:
        seen, months = observe(r, now)
    a = assumptions(rulebook.costs, profile)
    need = rulebook.costs.min_shipped if min_shipped is None else min_shipped
    catalog: dict[str, tuple[float | None, str, str, str, str]] = {}
    for row in rows or ():
        d = getattr(row, "decision", None)
        if d is None:
            continue
        floors = [
            dict(m.outcome).get("method", "batch") for m in d.matched if m.kind == "regulatory"
        ]
        floor = max(floors, key=METHOD_RANK.__getitem__) if floors else "batch"
        f = row.facts
        catalog[row.record.sku] = (row.unit_value, f.value_band, floor, f.vertical, d.rule)
    changes, kept, too_few = [], [], []
    for o in seen:
        if o.shipped < need or o.method not in METHODS:
            if o.method in METHODS:
                too_few.append(o)
            continue
        value, band, floor, vertical, rule = catalog.get(o.sku, (None, "", "", o.vertical, o.rule))
        if vertical and vertical != o.vertical:
            o = replace(o, vertical=vertical)
        advice = _price(o, a, rulebook, value, band, floor or None, rule)
        (changes if advice.changes else kept).append(advice)
    changes.sort(key=lambda x: -x.gain)
    return TrackAdvice(
        a.currency, months, tuple(changes), tuple(kept), tuple(too_few), need, bool(catalog)
    )


def _price(
    o: Observation,
    a: Assumptions,
    book: Rulebook,
    value: float | None,
    band: str,
    floor: str | None,
    rule: str,
) -> SkuAdvice:
    own = ["return rate"]
    units = o.shipped / o.months
    r = o.return_rate
    returns = units * r
    if o.sees_units and o.returned:
        f_rep = o.repeat_loops / o.returned
        own.append("repeat returns")
    else:
        f_rep = a.repeat_return_share
    caught = o.fakes + o.swaps
    brand = a.brand_bad_return_share
    if brand is None:
        brand = a.bad_return_share
    if o.method == "serial" and o.returned:
        f_bad = caught / o.returned  # a serial sees every fake and swap
        own.append("fakes and swaps")
    elif o.method == "lpn" and o.returned and caught:
        f_bad = min(caught / o.returned / max(a.lpn_catch_share, 1e-9), 1.0)
        own.append("fakes and swaps (what an LPN caught ÷ its catch share)")
    else:
        f_bad = max(brand, caught / o.returned if o.returned else 0.0)
    at = replace(a, repeat_return_share=f_rep)
    size = a.lot_size(o.vertical)
    lot = min(size, max(min(a.lot_min_units, size), units * a.lot_cover_months))
    lines = units / lot if lot else 0.0
    plans = {m: method_plan(m, units, lines, returns, value or 0.0, f_bad, at) for m in METHODS}
    lowest = floor if floor is not None else o.method  # no catalog: never lower a method
    allowed = [m for m in METHODS if METHOD_RANK[m] >= METHOD_RANK[lowest]]
    best = max(allowed, key=lambda m: (round(plans[m].net, 6), -METHOD_RANK[m]))
    edit = _edit(o, book, best, band, rule, r, f_bad) if best != o.method else ""
    command = f"trackright track policy set {o.sku} --method {best}" if best != o.method else ""
    return SkuAdvice(
        o,
        value,
        band,
        floor or "",
        plans,
        best,
        r,
        f_rep,
        f_bad,
        tuple(own),
        edit,
        command,
    )


def _edit(
    o: Observation, book: Rulebook, best: str, band: str, rule: str, rate: float, f_bad: float
) -> str:
    """The rule edit (or profile value) that makes the advisor decide `best` next time."""
    where = ""
    for r in book.policy.rules:
        if r.id == rule:
            where = f" ({r.file.rsplit('/', 1)[-1]}:{r.line})"
            break
    what = o.vertical or "this vertical"
    cond = f"vertical: {o.vertical}" if o.vertical else f"sku: {o.sku}"
    if band:
        cond += f", value_band: {band}"
    if METHOD_RANK[best] > METHOD_RANK[o.method]:
        trigger = (
            f"return_rate: {{gte: {math.floor(rate * 100) / 100:g}}}"
            if rate >= 0.01
            else "counterfeit_incidents: {gte: 1}"
        )
        profile = (
            f"return_rate: {rate:.2f}"
            if "return_rate" in trigger
            else "counterfeit_incidents: <fakes and swaps a month>"
        )
        return (
            f"rules/policy.yaml: add `- id: {what}-{band or 'any'}-observed, priority: 260, "
            f"when: {{{cond}, {trigger}}}, then: {{method: {best}}}` and set `{profile}` in "
            f"the brand profile (rule {rule or 'manual'}{where} decides {o.method} today)"
        )
    return (
        f"rules/policy.yaml: rule {rule or 'manual'}{where} decides {o.method} for {what}"
        f"{' ' + band if band else ''}; its figures favour {best} (fakes and swaps "
        f"{f_bad:.2%} of returns, returns {rate:.0%}): lower its `then: method` to {best}"
    )
