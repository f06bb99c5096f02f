"""What a rulebook edit does to a catalog before it is saved: flips, their causes, the cost.

`diff_rulebooks` evaluates one catalog under an OLD and a NEW rulebook in lockstep (one pass
over the file, memory per flip group, not per row) and compares the decisions SKU by SKU:

    flips          method changed (serial → batch: N SKUs), with up to 3 example SKUs and the
                   rule pairs (old → new) behind them, each marked added / removed / changed /
                   unchanged, or the classification change (band, vertical) when no rule changed
    capture        same method, different captures (or return QC)
    rule only      same outcome, decided by a different rule
    cost           monthly cost of each rulebook's recommended plan (`advisor.advice.costs`)

`rule_changes` lists what differs between the two rulebooks themselves, independent of any
catalog: rules added, removed or changed (condition, outcome, priority, kind), the fallback,
and value-band bounds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from advisor.advice.profile import BrandProfile
from advisor.catalog.records import SkuRecord
from advisor.rulebook.conditions import Condition
from advisor.rulebook.load import Rulebook

EXAMPLES = 3


def _condition_key(c: Condition) -> tuple:
    """A condition without line numbers, so moving a rule in the file is not a change."""

    def norm(t):
        op, v = t.op, t.value
        if op in ("in", "not_in"):
            v = tuple(sorted(v))
            if len(v) == 1:
                op, v = ("eq" if op == "in" else "ne"), v[0]
        return t.fact, op, repr(v)

    def branch(b):
        return tuple(sorted(norm(t) for t in b))

    return branch(c.all_of), tuple(sorted(branch(b) for b in c.any_of))


@dataclass(frozen=True, slots=True)
class RuleChange:
    """One rule that differs between the rulebooks; `what` names the parts that changed."""

    rule: str
    status: str  # added | removed | changed
    what: tuple[str, ...]
    file: str
    line: int

    def text(self) -> str:
        if self.status == "changed":
            return f"{self.rule} changed ({', '.join(self.what)})"
        return f"{self.rule} {self.status}"


def rule_changes(old: Rulebook, new: Rulebook) -> list[RuleChange]:
    """Rules, fallback and band bounds that differ between two rulebooks."""
    out: list[RuleChange] = []
    for a_set, b_set in ((old.policy, new.policy), (old.returns, new.returns)):
        a = {r.id: r for r in a_set.rules}
        b = {r.id: r for r in b_set.rules}
        for rid, rule in b.items():
            if rid not in a:
                out.append(RuleChange(rid, "added", (), rule.file, rule.line))
                continue
            before = a[rid]
            what = []
            if _condition_key(before.condition) != _condition_key(rule.condition):
                what.append("when")
            if before.outcome != rule.outcome:
                what.append("then")
            if before.priority != rule.priority:
                what.append(f"priority {before.priority} → {rule.priority}")
            if before.kind != rule.kind:
                what.append(f"kind {before.kind} → {rule.kind}")
            if what:
                out.append(RuleChange(rid, "changed", tuple(what), rule.file, rule.line))
        for rid, rule in a.items():
            if rid not in b:
                out.append(RuleChange(rid, "removed", (), rule.file, rule.line))
        if a_set.fallback != b_set.fallback:
            out.append(RuleChange("fallback", "changed", ("then",), b_set.file, 1))
    cls_file = new.files[0] if new.files else "classification.yaml"
    for vid, vert in new.classification.verticals.items():
        before = old.classification.verticals.get(vid)
        if before is None:
            out.append(RuleChange(f"vertical {vid}", "added", (), cls_file, vert.line))
            continue
        if before.bands != vert.bands:
            changed = [
                (b, x, y)
                for (b, x), (_, y) in zip(before.bands, vert.bands, strict=False)
                if x != y
            ]
            moved = [f"{b} {x:g} → {y:g}" for b, x, y in changed]
            line = _band_line(cls_file, vid, changed[0][0]) if changed else vert.line
            out.append(
                RuleChange(
                    f"value bands of {vid}",
                    "changed",
                    tuple(moved) or ("bands",),
                    cls_file,
                    line or vert.line,
                )
            )
        signals = (before.hsn, before.categories, before.keywords)
        if signals != (vert.hsn, vert.categories, vert.keywords):
            out.append(
                RuleChange(
                    f"signals of {vid}",
                    "changed",
                    ("hsn/categories/keywords",),
                    cls_file,
                    vert.line,
                )
            )
    return out


def _band_line(file: str, vertical: str, band: str) -> int:
    """The line of `verticals.<vertical>.value_bands.<band>` in classification.yaml (0 if unknown)."""
    from advisor.rulebook.yamlsrc import load_located

    doc, _ = load_located(file)
    try:
        return doc["verticals"][vertical]["value_bands"].line_of(band)
    except (KeyError, TypeError, AttributeError):
        return 0


@dataclass
class FlipGroup:
    """All SKUs whose outcome moved the same way (e.g. serial → batch)."""

    old: str
    new: str
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    causes: Counter = field(default_factory=Counter)  # (old rule, new rule, why) → SKUs


@dataclass
class Impact:
    """The catalog-wide result of an edit."""

    rows: int = 0
    rejected: int = 0
    unchanged: int = 0
    flips: dict[tuple[str, str], FlipGroup] = field(default_factory=dict)
    capture_changes: dict[tuple[str, str], FlipGroup] = field(default_factory=dict)
    rule_only: int = 0
    changes: list[RuleChange] = field(default_factory=list)
    cost_old: float = 0.0
    cost_new: float = 0.0
    benefit_old: float = 0.0  # what each plan earns back a month (`advisor.advice.costs.price`)
    benefit_new: float = 0.0
    currency: str = ""
    monthly_units: float = 0.0
    old_version: str = ""
    new_version: str = ""

    @property
    def flip_count(self) -> int:
        return sum(g.count for g in self.flips.values())

    @property
    def capture_count(self) -> int:
        return sum(g.count for g in self.capture_changes.values())

    @property
    def cost_change(self) -> float:
        return self.cost_new - self.cost_old

    @property
    def net_change(self) -> float:
        return (self.benefit_new - self.cost_new) - (self.benefit_old - self.cost_old)

    def to_dict(self) -> dict[str, Any]:
        def groups(d: dict[tuple[str, str], FlipGroup]) -> list[dict[str, Any]]:
            return [
                {
                    "from": g.old,
                    "to": g.new,
                    "skus": g.count,
                    "examples": g.examples,
                    "causes": [
                        {"old_rule": o, "new_rule": n, "why": w, "skus": c}
                        for (o, n, w), c in g.causes.most_common()
                    ],
                }
                for g in sorted(d.values(), key=lambda g: -g.count)
            ]

        return {
            "old_rulebook": self.old_version,
            "new_rulebook": self.new_version,
            "rows": self.rows,
            "rejected": self.rejected,
            "unchanged": self.unchanged,
            "flips": self.flip_count,
            "flip_matrix": groups(self.flips),
            "capture_changes": self.capture_count,
            "capture_matrix": groups(self.capture_changes),
            "rule_only_changes": self.rule_only,
            "rule_changes": [
                {
                    "rule": c.rule,
                    "status": c.status,
                    "what": list(c.what),
                    "file": c.file,
                    "line": c.line,
                }
                for c in self.changes
            ],
            "cost": {
                "currency": self.currency,
                "monthly_units": self.monthly_units,
                "old": round(self.cost_old, 2),
                "new": round(self.cost_new, 2),
                "change": round(self.cost_change, 2),
                "benefit_old": round(self.benefit_old, 2),
                "benefit_new": round(self.benefit_new, 2),
                "net_change": round(self.net_change, 2),
            },
        }


def _label(outcome) -> str:
    cap = tuple(outcome.get("capture", ()))
    qc = " +QC" if outcome.get("return_qc") else ""
    return outcome["method"] + (f" [{', '.join(cap)}]" if cap else "") + qc


class DiffSink:
    """A sink for `advisor.advice.run.evaluate_file` under the NEW rulebook: each row is decided
    under the OLD one in lockstep (the same evaluator code, fed one row at a time) and compared.

    `finish(new_costs)` returns the `Impact`, with both rulebooks' monthly cost.
    """

    def __init__(
        self,
        old: Rulebook,
        new: Rulebook,
        profile: BrandProfile | None = None,
        as_of: dt.date | None = None,
        currency: str | None = None,
    ) -> None:
        from advisor.advice.evaluate import Evaluator, Summary

        self.profile = profile or BrandProfile()
        self.ev_old = Evaluator(old, self.profile, as_of, currency)
        self._queue: deque[Any] = deque()
        self._closed = False
        self._old = self.ev_old.run(self._feed(), Summary())
        changes = rule_changes(old, new)
        self.status = {c.rule: c for c in changes}
        self.impact = Impact(changes=changes, old_version=old.label, new_version=new.label)

    def _feed(self) -> Iterator[Any]:
        # Asked for its next item only after `write` queued one, or after `close`.
        while self._queue or not self._closed:
            yield self._queue.popleft()

    def write(self, b: Any) -> None:
        from advisor.advice.evaluate import EvaluatedRow

        self._queue.append(b.record if isinstance(b, EvaluatedRow) else b)
        a = next(self._old)
        impact = self.impact
        impact.rows += 1
        if not (isinstance(a, EvaluatedRow) and isinstance(b, EvaluatedRow)):
            impact.rejected += 1
            return
        da, db = a.decision, b.decision
        oa, ob = dict(da.outcome), dict(db.outcome)
        if da.method != db.method:
            table, key = impact.flips, (da.method, db.method)
        elif tuple(oa.get("capture", ())) != tuple(ob.get("capture", ())) or bool(
            oa.get("return_qc")
        ) != bool(ob.get("return_qc")):
            table, key = impact.capture_changes, (_label(oa), _label(ob))
        else:
            impact.unchanged += 1
            if da.rule != db.rule:
                impact.rule_only += 1
            return
        group = table.get(key)
        if group is None:
            group = table[key] = FlipGroup(*key)
        group.count += 1
        why = _why(a, b, da.rule, db.rule, self.status)
        group.causes[da.rule, db.rule, why] += 1
        if len(group.examples) < EXAMPLES:
            group.examples.append(_example(a.record, a, b))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            for _ in self._old:  # ends the old stream, so its tallies (and costs) are complete
                pass

    def finish(self, new_costs: Any) -> Impact:
        """The impact, once every row was written; `new_costs` is the NEW rulebook's report."""
        self.close()
        units = self.profile.monthly_units
        impact = self.impact
        old_costs = self.ev_old.cost_report(units)
        impact.cost_old, impact.benefit_old = old_costs.recommended, old_costs.benefit_recommended
        impact.cost_new, impact.benefit_new = new_costs.recommended, new_costs.benefit_recommended
        impact.currency = new_costs.currency
        impact.monthly_units = units
        self.ev_old.close()
        return impact


def diff_rulebooks(
    old: Rulebook,
    new: Rulebook,
    items: Iterable[Any],
    profile: BrandProfile | None = None,
    as_of: dt.date | None = None,
    default_currency: str | None = None,
) -> Impact:
    """Evaluate `items` (catalog rows) under both rulebooks and compare them SKU by SKU.

    The CLI does the same through `evaluate_file` with a `DiffSink`; this is for rows at hand.
    """
    from advisor.advice.evaluate import Evaluator, Summary

    profile = profile or BrandProfile()
    sink = DiffSink(old, new, profile, as_of, default_currency)
    ev_new = Evaluator(new, profile, as_of, default_currency)
    try:
        for b in ev_new.run(items, Summary()):
            sink.write(b)
        return sink.finish(ev_new.cost_report(profile.monthly_units))
    finally:
        ev_new.close()
        sink.ev_old.close()


def _why(a, b, old_rule: str, new_rule: str, status: dict[str, RuleChange]) -> str:
    """The change behind one SKU's flip, in words."""
    parts = []
    for rid in dict.fromkeys((old_rule, new_rule)):
        c = status.get(rid)
        if c is not None:
            parts.append(c.text())
    fa, fb = a.facts, b.facts
    if fa.vertical != fb.vertical:
        parts.append(f"vertical {fa.vertical} → {fb.vertical}")
    elif fa.value_band != fb.value_band:
        bands = status.get(f"value bands of {fb.vertical}")
        parts.append(
            f"value band {fa.value_band} → {fb.value_band}"
            + (f" ({', '.join(bands.what)})" if bands else "")
        )
    if fa.regulations != fb.regulations:
        parts.append("regulations " + (", ".join(fb.regulations) or "none"))
    if not parts:
        others = [c.text() for c in status.values() if c.status != "removed"]
        parts.append(
            "a higher-priority rule now matches or no longer matches"
            if old_rule != new_rule
            else "unchanged rule; other changes: " + (", ".join(others[:3]) or "none")
        )
    return "; ".join(parts)


def _example(rec: SkuRecord, a, b) -> dict[str, Any]:
    return {
        "row": rec.row,
        "sku": rec.sku,
        "title": rec.title,
        "unit_value": a.unit_value,  # this row's, not the first row of its decision's
        "old": {"rule": a.decision.rule, "outcome": _label(a.decision.outcome)},
        "new": {"rule": b.decision.rule, "outcome": _label(b.decision.outcome)},
    }


__all__ = ["DiffSink", "FlipGroup", "Impact", "RuleChange", "diff_rulebooks", "rule_changes"]
