"""Static analysis of a rulebook: rules that can never win, tests that never matter, and gaps.

`trackright rules check` refuses a rulebook that is wrong; lint reports one that is valid but
probably not what its author meant. Each finding has a severity:

    error    a rule that can never match (its tests contradict each other or the facts' range)
    warning  a rule that never wins (shadowed under the hit policy), an `any:` entry or a test
             that is always false or always true, a vertical × value band × regulated
             combination only the fallback decides, a catalog SKU only the fallback decides
    info     rules that overlap with different outcomes at different priorities (the hit
             policy at work), rules no SKU of a given catalog triggers

The "implies" check behind shadowing is conservative: a rule is reported as never winning only
when each of its branches on its own implies one branch of a single higher-priority rule, so
every warning is real, though a rule covered only by several rules together is not reported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.advice.profile import BrandProfile
from advisor.authoring.explain import STEP, show_test
from advisor.catalog.records import SkuRecord
from advisor.engine.decide import PolicyEngine
from advisor.rulebook.analysis import (
    _branch_satisfiable,
    branch_implies,
    domain_tests,
    implies,
    may_overlap,
    negate,
)
from advisor.rulebook.conditions import Test
from advisor.rulebook.load import Rule, Rulebook, RuleSet

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding, located at the rule (or catalog row) it is about."""

    severity: str
    file: str
    line: int
    subject: str  # "rule <id>", "fallback" or "sku <code>"
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.subject}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "subject": self.subject,
            "code": self.code,
            "message": self.message,
        }


# ------------------------------------------------------------------ the checks


def _subject(r: Rule) -> str:
    return f"rule {r.id}"


def _competitors(rs: RuleSet) -> list[Rule]:
    """The rules that compete under the hit policy (policy floors stand apart)."""
    return [r for r in rs.rules if r.kind == "business"]


def _rule_checks(rs: RuleSet, dom: tuple[Test, ...]) -> Iterable[Finding]:
    facts = rs.facts
    rules = _competitors(rs)
    order = {r.id: i for i, r in enumerate(rules)}
    dead: set[str] = set()
    for r in rules:
        branches = r.condition.branches()
        live = [b for b in branches if _branch_satisfiable(b + dom, facts)]
        if not live:
            dead.add(r.id)
            bad = [t for t in r.condition.tests() if not _branch_satisfiable((t, *dom), facts)]
            why = (
                "; ".join(f"{show_test(t)} (line {t.line}) can never hold" for t in bad)
                if bad
                else "its tests contradict each other"
            )
            yield Finding(
                "error", r.file, r.line, _subject(r), "never-matches", f"can never match: {why}"
            )
            continue
        for i, alt in enumerate(r.condition.any_of):
            if not _branch_satisfiable(r.condition.all_of + alt + dom, facts):
                line = alt[0].line if alt else r.line
                yield Finding(
                    "warning",
                    r.file,
                    line,
                    _subject(r),
                    "dead-branch",
                    f"`any:` entry {i + 1} can never hold together with the rule's other tests",
                )
        for t in r.condition.tests():
            alone = _branch_satisfiable((t, *dom), facts)
            if not alone:
                yield Finding(
                    "warning",
                    r.file,
                    t.line,
                    _subject(r),
                    "always-false",
                    f"test {show_test(t)} can never hold",
                )
                continue
            neg = negate(t)
            if neg and not any(_branch_satisfiable(n + dom, facts) for n in neg):
                yield Finding(
                    "warning",
                    r.file,
                    t.line,
                    _subject(r),
                    "always-true",
                    f"test {show_test(t)} always holds; remove it or fix the value",
                )
    for r in rules:
        if r.id in dead:
            continue
        higher = [
            a
            for a in rules
            if a.id != r.id
            and a.id not in dead
            and (
                a.priority > r.priority or (a.priority == r.priority and order[a.id] < order[r.id])
            )
        ]
        live = [b for b in r.condition.branches() if _branch_satisfiable(b + dom, facts)]
        covering: list[Rule] = []
        for b in live:
            by = next(
                (
                    a
                    for a in higher
                    if any(branch_implies(b + dom, ab, facts) for ab in a.condition.branches())
                ),
                None,
            )
            if by is None:
                covering = []
                break
            if by not in covering:
                covering.append(by)
        if covering:
            names = ", ".join(f"{a.id} (priority {a.priority}, line {a.line})" for a in covering)
            same = all(a.outcome == r.outcome for a in covering)
            tail = (
                " — it decides the same, so this rule is redundant"
                if same
                else "; raise its priority or narrow the other rule"
            )
            yield Finding(
                "warning",
                r.file,
                r.line,
                _subject(r),
                "shadowed",
                f"never wins: every SKU it matches is also matched by {names}{tail}",
            )
            dead.add(r.id)
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if a.id in dead or b.id in dead or a.priority == b.priority or a.outcome == b.outcome:
                continue
            if not may_overlap(a.condition, b.condition, facts, dom):
                continue
            hi, lo = (a, b) if a.priority > b.priority else (b, a)
            yield Finding(
                "info",
                lo.file,
                lo.line,
                _subject(lo),
                "overlap",
                f"overlaps rule {hi.id} (line {hi.line}) with a different outcome; "
                f"where both match, {hi.id} wins (priority {hi.priority} > {lo.priority})",
            )


def _fallback_line(rs: RuleSet) -> int:
    try:
        text = Path(rs.file).read_text(encoding="utf-8")
    except OSError:
        return 1
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"^fallback\s*:", line):
            return n
    return 1


def _gaps(book: Rulebook, engine: PolicyEngine) -> Iterable[Finding]:
    """Vertical × value band × regulated combinations that only the fallback decides."""
    from advisor.advice.classify import Classifier

    classifier = Classifier(book, BrandProfile())
    base = classifier.profile_facts()
    thresholds = sorted(
        {
            v
            for r in book.policy.rules
            for t in r.condition.tests()
            if t.fact == "unit_value"
            for v in (t.value if t.op == "between" else (t.value,))
        }
    )
    costs = book.costs
    fb = book.policy
    line = _fallback_line(fb)
    outcome = dict(fb.fallback)
    fallback_text = outcome["method"] + (
        f" [{', '.join(outcome['capture'])}]" if outcome.get("capture") else ""
    )
    for vid, vert in book.classification.verticals.items():
        regs = frozenset(g.id for g in book.regulations if vid in g.verticals)
        bounds = [b for _, b in vert.bands] + [math.inf]
        gaps: list[str] = []
        for (band, lo), hi in zip(vert.bands, bounds[1:], strict=False):
            values = {lo} | {x for t in thresholds for x in (t - STEP, t) if lo <= x < hi}
            for regulated in (False, True) if regs else (False,):
                missed = []
                for value in sorted(values):
                    facts = {
                        **base,
                        "vertical": vid,
                        "value_band": band,
                        "unit_value": value,
                        "regulated": regulated,
                        "regulation": regs if regulated else frozenset(),
                        "customised": False,
                        "warranty": False,
                        "has_gtin": False,
                        "category": "",
                        "title": "",
                        "brand": "",
                        "return_rate": costs.return_rates.get(vid, costs.default_return_rate),
                    }
                    d = engine.decide(facts)
                    if not any(m.kind == "business" for m in d.matched):
                        missed.append(value)
                if missed:
                    where = f"band {band}" + (" (regulated)" if regulated else "")
                    if len(missed) < len(values):
                        where += " at unit value " + ", ".join(f"{v:,.2f}" for v in missed)
                    gaps.append(where)
        for g in gaps:
            yield Finding(
                "warning",
                fb.file,
                line,
                "fallback",
                "gap",
                f"vertical {vid}, {g}: no rule decides these SKUs; the fallback gives "
                f"{fallback_text} (neutral brand profile)",
            )


class CatalogLint:
    """A sink for `advisor.advice.run.evaluate_file`: what a catalog's decided rows say.

    Collects the rules some row triggered and the rows only the fallback decided (the first
    `limit` of them, and how many in all); `findings` turns them into lint findings.
    """

    def __init__(self, book: Rulebook, source: str, limit: int = 20) -> None:
        self.book, self.source, self.limit = book, source, limit
        self.hit: set[str] = set()
        self.fallback: list[Any] = []
        self.n_fallback = 0

    def write(self, item: Any) -> None:
        decision = getattr(item, "decision", None)
        if decision is None:  # a rejected row: nothing to say about the rules
            return
        self.hit.update(m.rule for m in decision.matched)
        if not any(m.kind == "business" for m in decision.matched):
            self.n_fallback += 1
            if len(self.fallback) < self.limit:
                self.fallback.append(item)

    def close(self) -> None:
        pass

    def findings(self) -> Iterable[Finding]:
        source = self.source
        for r in self.book.policy.rules:
            if r.id not in self.hit:
                yield Finding(
                    "info",
                    r.file,
                    r.line,
                    _subject(r),
                    "unused",
                    f"no SKU in {source} triggers it",
                )
        for row in self.fallback:
            f = row.facts
            yield Finding(
                "warning",
                source,
                row.record.row,
                f"sku {row.record.sku}",
                "fallback-sku",
                f"only the fallback decides it ({row.record.title!r}: vertical {f.vertical}, "
                f"band {f.value_band}) → {row.decision.method}",
            )
        if self.n_fallback > len(self.fallback):
            yield Finding(
                "warning",
                source,
                1,
                "catalog",
                "fallback-sku",
                f"… and {self.n_fallback - len(self.fallback)} more SKUs only the fallback decides",
            )


def _catalog(
    book: Rulebook,
    items: Iterable[Any],
    source: str,
    profile: BrandProfile,
    limit: int,
    currency: str | None = None,
) -> Iterable[Finding]:
    """Findings for catalog rows (records) evaluated here; the CLI uses `CatalogLint` instead."""
    from advisor.advice.evaluate import Evaluator

    evaluator = Evaluator(book, profile, None, currency)
    sink = CatalogLint(book, source, limit)
    try:
        for item in items:
            if isinstance(item, SkuRecord):
                sink.write(evaluator.evaluate(item))
    finally:
        evaluator.close()
    return list(sink.findings())


def lint_rulebook(
    book: Rulebook,
    catalog: Iterable[Any] | None = None,
    catalog_name: str = "",
    profile: BrandProfile | None = None,
    limit: int = 20,
    currency: str | None = None,
    catalog_lint: CatalogLint | None = None,
) -> list[Finding]:
    """Every finding for `book` (and, given catalog rows, for that catalog), most severe first.

    `currency` is the one the catalog's unlabelled prices are in (as `evaluate` resolves it);
    `catalog_lint` is a sink an `evaluate_file` run has already fed (what the CLI does).
    """
    findings: list[Finding] = []
    for rs in (book.policy, book.returns):
        findings.extend(_rule_checks(rs, domain_tests(rs.facts)))
    engine = PolicyEngine(book.policy, f"lint-{book.version}")
    try:
        findings.extend(_gaps(book, engine))
    finally:
        engine.close()
    if catalog is not None:
        findings.extend(
            _catalog(book, catalog, catalog_name, profile or BrandProfile(), limit, currency)
        )
    if catalog_lint is not None:
        findings.extend(catalog_lint.findings())
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (rank[f.severity], f.file, f.line))
    return findings


__all__ = [
    "SEVERITIES",
    "CatalogLint",
    "Finding",
    "branch_implies",
    "domain_tests",
    "implies",
    "lint_rulebook",
    "negate",
]
