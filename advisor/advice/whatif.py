"""What-if: change an assumption or a profile value and see how decisions and money move.

`parse_what_if(["bad_return_share=0.05", "channels=3"])` checks each KEY=VALUE: a profile field
(`monthly_orders`, `return_rate`, `counterfeit_incidents`, `channels`, `warranty_offered`, …) or
one of the cost model's own assumptions (`serial_per_unit`, `repeat_return_share`, `lot_size`,
`long_tail`, … — `advisor.advice.costs.MODEL_KEYS`). `what_if` then answers from what was
already evaluated: a change only the cost model reads is a re-pricing of the tally (instant);
a change the policy rules read (a profile fact such as `counterfeit_incidents` or `channels`)
decides the same rows again under the changed profile, from memory (`Redecide`), and lists the
SKUs whose method moves. Nothing here reads the catalog file.

    >>> w = parse_what_if(["bad_return_share=5%"])
    >>> w.profile, w.model
    ({'bad_return_share': 0.05}, {})
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from advisor.advice.costs import MODEL_KEYS, CostAccumulator, CostReport, assumptions, price
from advisor.advice.profile import BrandProfile, profile_from_mapping
from advisor.errors import TrackrightError
from advisor.rulebook.load import Rulebook

__all__ = [
    "PROFILE_KEYS",
    "Redecide",
    "WhatIf",
    "WhatIfError",
    "WhatIfResult",
    "parse_what_if",
    "what_if",
]

#: Profile fields a what-if may change (the others name the brand or how to read its files).
PROFILE_KEYS = (
    "monthly_orders",
    "units_per_order",
    "return_rate",
    "bad_return_share",
    "counterfeit_incidents",
    "channels",
    "warehouses",
    "warranty_offered",
    "customised_goods",
    "markets",
)
#: Profile fields → the policy facts they feed (a rule reading one means: decide again).
_FEEDS = {
    "monthly_orders": ("monthly_orders", "monthly_units"),
    "units_per_order": ("monthly_units",),
    "return_rate": ("return_rate",),
    "bad_return_share": (),
    "counterfeit_incidents": ("counterfeit_incidents",),
    "channels": ("multi_channel",),
    "warehouses": ("multi_warehouse", "warehouses"),
    "warranty_offered": ("warranty_offered", "warranty"),
    "customised_goods": ("customised_goods",),
    "markets": ("*",),  # which regulations apply: always decide again
}
_MODEL_ONLY = tuple(k for k in MODEL_KEYS if k not in PROFILE_KEYS)


class WhatIfError(TrackrightError, ValueError):
    """A what-if that names no known input or gives it an impossible value (exit 2)."""


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Checked what-if changes: profile fields and cost-model assumptions, as given."""

    given: tuple[str, ...] = ()
    profile: dict[str, Any] = field(default_factory=dict)
    model: dict[str, float] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.profile or self.model)

    def apply(self, profile: BrandProfile) -> BrandProfile:
        """The profile with this what-if's profile values in place."""
        if not self.profile:
            return profile
        data = profile.to_dict()
        data.update(self.profile)
        return profile_from_mapping(data, "--what-if")

    def decides_again(self, book: Rulebook) -> bool:
        """Whether a policy rule (or a regulation's scope) reads a fact this what-if changes."""
        read = _facts_read(book)
        for key in self.profile:
            feeds = _FEEDS.get(key, ())
            if "*" in feeds or read.intersection(feeds):
                return True
        return False


def _facts_read(book: Rulebook) -> set[str]:
    facts: set[str] = set()
    for rule in (*book.policy.rules, *book.regulations):
        cond = getattr(rule, "condition", None) or getattr(rule, "scope", None)
        if cond is None:
            continue
        facts.update(t.fact for t in cond.tests())
    return facts


_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{2,3})+|\d+)(\.\d+)?")


def _value(text: str) -> Any:
    """'5%' → 0.05, '5,000' → 5000, 'yes' → True, '0.05' → 0.05; anything else stays text."""
    raw = text.strip()
    low = raw.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    percent = raw.endswith("%")
    digits = raw[:-1].strip() if percent else raw
    if _NUMBER.fullmatch(digits):
        number = float(digits.replace(",", ""))
        if percent:
            return number / 100
        return int(number) if "." not in digits else number
    return raw


def parse_what_if(items: Sequence[str]) -> WhatIf:
    """Check KEY=VALUE changes; raises WhatIfError naming the key, what it expects and got."""
    profile: dict[str, Any] = {}
    model: dict[str, float] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key or not text.strip():
            raise WhatIfError(
                f"--what-if {item!r}: expected KEY=VALUE, such as bad_return_share=0.05"
            )
        value = _value(text)
        if key in PROFILE_KEYS:
            if key == "channels" and isinstance(value, int) and not isinstance(value, bool):
                value = [f"channel {i + 1}" for i in range(max(value, 1))]
            elif key == "markets" and isinstance(value, str):
                value = [m.strip().upper() for m in value.split(",") if m.strip()]
            elif key == "channels" and isinstance(value, str):
                value = [c.strip() for c in value.split(",") if c.strip()]
            try:
                profile_from_mapping({key: value}, "--what-if")
            except TrackrightError as err:
                raise WhatIfError(str(err)) from None
            profile[key] = value
            continue
        base = key.split(".", 1)[0]
        if base in _MODEL_ONLY:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise WhatIfError(
                    f"--what-if {key}: expects a number, 0 or more (a share as 0.05 or 5%), "
                    f"got {text.strip()!r}"
                )
            if base in ("lot_size", "lot_min_units", "lot_cover_months") and value <= 0:
                raise WhatIfError(
                    f"--what-if {key}: expects a number above 0, got {text.strip()!r}"
                )
            if key.endswith("_share") and value > 1:
                raise WhatIfError(f"--what-if {key}: a share is between 0 and 1, got {value:g}")
            model[key] = float(value)
            continue
        from advisor.rulebook.suggest import did_you_mean

        known = (*PROFILE_KEYS, *_MODEL_ONLY)
        raise WhatIfError(
            f"--what-if {key}: not an input of the advice{did_you_mean(key, known)}; "
            f"inputs: {', '.join(known)}"
        )
    return WhatIf(tuple(items), profile, model)


class Redecide:
    """A sink: every evaluated row decided again under another profile, in lockstep.

    Fed the rows of a run (`write`) or a recommendation's rows from memory; `finish` gives the
    moves — (vertical, old method, new method) → SKUs — and the new decisions' cost tally.
    """

    def __init__(
        self,
        rulebook: Rulebook,
        profile: BrandProfile,
        as_of: dt.date | None = None,
        currency: str | None = None,
    ) -> None:
        from advisor.advice.evaluate import Evaluator, Summary

        self.evaluator = Evaluator(rulebook, profile, as_of, currency)
        self._queue: deque[Any] = deque()
        self._closed = False
        self._stream = self.evaluator.run(self._feed(), Summary())
        self.moves: Counter[tuple[str, str, str]] = Counter()

    def _feed(self) -> Iterator[Any]:
        while self._queue or not self._closed:
            yield self._queue.popleft()

    def write(self, item: Any) -> None:
        from advisor.advice.evaluate import EvaluatedRow

        if not isinstance(item, EvaluatedRow):
            return
        self._queue.append(item.record)
        again = next(self._stream)
        if isinstance(again, EvaluatedRow) and again.decision.method != item.decision.method:
            self.moves[item.facts.vertical, item.decision.method, again.decision.method] += 1

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            for _ in self._stream:  # ends the stream, so its tally is complete
                pass

    def finish(self) -> tuple[Counter[tuple[str, str, str]], CostAccumulator]:
        self.close()
        acc = self.evaluator._acc or CostAccumulator(self.evaluator.rulebook.costs)
        self.evaluator.close()
        return self.moves, acc


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """The figures before and after a what-if, and the decisions that moved."""

    what_if: WhatIf
    before: CostReport
    after: CostReport
    moves: tuple[tuple[str, str, str, int], ...] = ()  # vertical, from, to, SKUs
    decided_again: bool = False

    @property
    def moved(self) -> int:
        return sum(n for *_, n in self.moves)

    def move_lines(self, labels: Mapping[str, str] | None = None) -> list[str]:
        """The decisions that move, in words, then the groups whose best method changes."""
        out = []
        for vertical, old, new, n in self.moves:
            name = (labels or {}).get(vertical, vertical.replace("_", " "))
            out.append(f"{name}: {n:,} SKU{'s' if n != 1 else ''} {old} → {new} (the rules)")
        if self.decided_again and not self.moves:
            out.append("No decision moves: no rule's outcome depends on this change.")
        elif not self.decided_again:
            out.append("No decision moves: no rule reads this input, so only the money does.")
        before = {(g.vertical, g.band, g.method, g.floor): g.best for g in self.before.groups}
        for g in self.after.groups:
            old = before.get((g.vertical, g.band, g.method, g.floor))
            if old is not None and old != g.best:
                name = (labels or {}).get(g.vertical, g.vertical.replace("_", " "))
                out.append(
                    f"{name}, {g.band or 'any'} value ({g.skus:,} SKUs): the numbers now favour "
                    f"{g.best} (were {old})"
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        def totals(r: CostReport) -> dict[str, Any]:
            return {
                name: {
                    "cost": round(p.cost, 2),
                    "benefit": round(p.benefit, 2),
                    "net": round(p.net, 2),
                }
                for name, p in r.plans.items()
            }

        return {
            "given": list(self.what_if.given),
            "decided_again": self.decided_again,
            "moves": [{"vertical": v, "from": a, "to": b, "skus": n} for v, a, b, n in self.moves],
            "before": totals(self.before),
            "after": totals(self.after),
            "bad_return_share": {
                "before": round(self.before.bad_return_share, 8),
                "after": round(self.after.bad_return_share, 8),
            },
            "report": self.after.to_dict(),
        }


def what_if(
    book: Rulebook,
    profile: BrandProfile,
    before: CostReport,
    change: WhatIf,
    rows: Iterable[Any] | None = None,
    *,
    sink: Redecide | None = None,
    monthly_units: float | None = None,
    currency: str | None = None,
    as_of: dt.date | None = None,
) -> WhatIfResult:
    """Price (and if the rules read the change, decide again) what `before` was made from.

    `rows` are the evaluated rows (`EvaluatedRow`s, e.g. a recommendation's items); without
    them a change the rules read is only re-priced, and the result says so. `sink` is a
    `Redecide` that was fed the rows already (the CLI passes one to `evaluate_file`).
    """
    changed = change.apply(profile)
    moves: tuple[tuple[str, str, str, int], ...] = ()
    tally = before.tally
    again = change.decides_again(book) and (rows is not None or sink is not None)
    if again:
        if sink is None:
            sink = Redecide(book, changed, as_of, currency)
            for item in rows or ():
                sink.write(item)
        counted, acc = sink.finish()
        moves = tuple((v, a, b, n) for (v, a, b), n in sorted(counted.items()))
        tally = acc.tally()
    if {"monthly_orders", "units_per_order"} & set(change.profile):
        monthly_units = None  # the what-if's volume, not the one given beside it
    a = assumptions(book.costs, changed, monthly_units=monthly_units, overrides=change.model)
    return WhatIfResult(change, before, price(tally, a), moves, again)
