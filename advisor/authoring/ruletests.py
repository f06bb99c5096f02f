"""Rule tests: YAML cases beside the rules that say what the rulebook must decide, and coverage.

A test file (`rules/tests/*.yaml`) holds policy cases — a SKU's fields, an optional brand
profile and date, and what to expect (method, capture, rule, a rule that must not win, …) —
tables of such cases (one row per case), and return-verdict cases for `returns.yaml`:

    profile: {markets: [IN]}
    cases:
      - name: flagship phone is serial
        sku: {title: Galaxy S24, category: Electronics > Mobile Phones, price: 79999}
        expect: {method: serial, rule: mobile-phones}
    tables:
      - name: electronics value band edge
        columns: [title, category, price, method, rule]
        rows:
          - [Earbuds, Electronics > Audio, 999, batch, electronics-accessories-low]
          - [Earbuds, Electronics > Audio, 1000, serial, electronics-serial]
    returns:
      - name: unknown serial
        facts: {id_known: false}
        expect: {verdict: quarantine, flag: counterfeit_suspect, rule: unknown-id}

SKUs go through the same path as `trackright decide` (`advisor.authoring.sku_fields.sku_from_fields`, the
`Classifier`, one `PolicyEngine` per run). Return facts left out default to a genuine return
(`GENUINE_RETURN`). Coverage counts the business and return rules that won at least one case
and the regulations that applied (as floors) to at least one; exact fractions, never rounded up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.advice.classify import Classifier, UnknownCurrencyError
from advisor.advice.profile import BrandProfile, profile_from_mapping
from advisor.authoring.sku_fields import SkuFieldError, sku_from_fields
from advisor.authoring.testfiles import (
    GENUINE_RETURN,
    TEST_FILE_SCHEMA,
    Case,
    RuleTestError,
    _ids,
    _show,
    find_test_files,
    load_test_file,
    load_tests,
    tests_json_schema,
)
from advisor.engine.decide import Decision, PolicyEngine, RuleEngine
from advisor.rulebook.load import (
    Rule,
    Rulebook,
)


@dataclass(frozen=True, slots=True)
class Mismatch:
    key: str
    expected: Any
    got: Any


@dataclass(frozen=True, slots=True)
class CaseResult:
    """A case run: the mismatches (none = passed), or an error that stopped it deciding."""

    case: Case
    mismatches: tuple[Mismatch, ...] = ()
    error: str = ""
    rule: str = ""
    winner: str = ""  # the winning business / return rule (may differ from `rule` under a floor)
    outcome: Mapping[str, Any] = field(default_factory=dict)
    matched: tuple[str, ...] = ()
    where: str = ""  # file:line of the deciding rule

    @property
    def passed(self) -> bool:
        return not self.mismatches and not self.error

    def message(self) -> str:
        """Readable failure: expected, got, which rule won, which matched."""
        if self.error:
            return f"error: {self.error}"
        lines = [
            f"{m.key}: expected {_show(m.expected)}, got {_show(m.got)}" for m in self.mismatches
        ]
        won = self.rule + (f" ({self.where})" if self.where else "")
        if self.winner and self.winner != self.rule:
            won += f", over business rule {self.winner}"
        lines.append(f"decided by {won}; matched: {', '.join(self.matched) or 'no rule'}")
        return "\n".join(lines)


# ------------------------------------------------------------------ running


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which rules the cases exercised: won (business, returns) or applied (regulations)."""

    rules: tuple[Rule, ...]
    covered: frozenset[str]

    @property
    def total(self) -> int:
        return len(self.rules)

    @property
    def count(self) -> int:
        return sum(1 for r in self.rules if r.id in self.covered)

    @property
    def percent(self) -> float:
        return 100.0 * self.count / self.total if self.total else 100.0

    def uncovered(self) -> list[Rule]:
        return [r for r in self.rules if r.id not in self.covered]

    def at_least(self, minimum: float) -> bool:
        """Exact comparison: 99.5% of 200 rules is not 100% (no rounding up)."""
        return self.count * 100 >= minimum * self.total


@dataclass(frozen=True, slots=True)
class RunReport:
    results: tuple[CaseResult, ...]
    coverage: Coverage
    rulebook: str

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    def to_dict(self) -> dict[str, Any]:
        cov = self.coverage
        return {
            "rulebook_version": self.rulebook,
            "passed": self.passed,
            "failed": len(self.failed),
            "cases": [
                {
                    "file": r.case.file,
                    "line": r.case.line,
                    "name": r.case.name,
                    "kind": r.case.kind,
                    "passed": r.passed,
                    "error": r.error or None,
                    "mismatches": [
                        {"key": m.key, "expected": _jsonable(m.expected), "got": _jsonable(m.got)}
                        for m in r.mismatches
                    ],
                    "rule": r.rule,
                    "winner": r.winner,
                    "matched": list(r.matched),
                    "outcome": {k: _jsonable(v) for k, v in r.outcome.items()},
                }
                for r in self.results
            ],
            "coverage": {
                "covered": cov.count,
                "total": cov.total,
                "percent": cov.percent,
                "uncovered": [
                    {"rule": r.id, "kind": r.kind, "file": r.file, "line": r.line}
                    for r in cov.uncovered()
                ],
            },
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple | frozenset | set):
        return list(v)
    return v


class RuleTestRunner:
    """Runs cases against one rulebook: one policy engine and one returns engine per run."""

    def __init__(self, book: Rulebook, today: dt.date | None = None) -> None:
        self.book = book
        self.today = today or dt.date.today()
        self._classifiers: dict[tuple, Classifier] = {}

    def run(self, cases: Iterable[Case]) -> RunReport:
        policy = PolicyEngine(self.book.policy, f"test-{self.book.version}")
        returns = RuleEngine(self.book.returns, f"test-{self.book.version}")
        covered: set[str] = set()
        results: list[CaseResult] = []
        try:
            for case in cases:
                if case.kind == "policy":
                    res = self._policy(case, policy, covered)
                else:
                    res = self._returns(case, returns, covered)
                results.append(res)
        finally:
            policy.close()
            returns.close()
        rules = self.book.policy.rules + self.book.returns.rules
        return RunReport(tuple(results), Coverage(rules, frozenset(covered)), self.book.label)

    def _classifier(self, profile: Mapping[str, Any], as_of: str) -> Classifier:
        key = (repr(sorted(profile.items())), as_of)
        hit = self._classifiers.get(key)
        if hit is None:
            prof = profile_from_mapping(dict(profile)) if profile else BrandProfile()
            date = dt.date.fromisoformat(as_of) if as_of else self.today
            hit = self._classifiers[key] = Classifier(self.book, prof, date)
        return hit

    def _policy(self, case: Case, engine: PolicyEngine, covered: set[str]) -> CaseResult:

        classifier = self._classifier(case.profile, case.as_of)
        try:
            rec = sku_from_fields(case.sku)
            if not rec.currency:
                rec = rec._replace(
                    currency=classifier.profile.currency or self.book.classification.base_currency,
                )
            sku = classifier.classify(rec)
        except (SkuFieldError, UnknownCurrencyError) as exc:
            return CaseResult(case, error=str(exc))
        d = engine.decide(classifier.facts(sku))
        business = next((m.rule for m in d.matched if m.kind == "business"), "")
        covered.update(m.rule for m in d.matched if m.kind == "regulatory")
        if business:
            covered.add(business)
        got: dict[str, Any] = {
            "method": d.method,
            "capture": d.capture,
            "return_qc": d.return_qc,
            "rule": d.rule,
            "vertical": sku.vertical,
            "value_band": sku.value_band,
            "regulations": sku.regulations,
            "fallback": d.fallback,
        }
        return self._compare(case, d, got, business)

    def _returns(self, case: Case, engine: RuleEngine, covered: set[str]) -> CaseResult:
        facts = {**GENUINE_RETURN, **case.facts}
        facts["return_count"] = float(facts["return_count"])
        d = engine.decide(facts)
        if not d.fallback:
            covered.add(d.rule)
        got = {"verdict": d.verdict, "flag": d.flag, "rule": d.rule}
        return self._compare(case, d, got, "" if d.fallback else d.rule)

    def _compare(self, case: Case, d: Decision, got: dict[str, Any], winner: str) -> CaseResult:
        matched = tuple(m.rule for m in d.matched)
        mismatches: list[Mismatch] = []
        for key, want in case.expect.items():
            if key == "not_rule":
                bad = [r for r in _ids(want) if r in (d.rule, winner)]
                if bad:
                    mismatches.append(Mismatch(key, f"not {', '.join(bad)}", d.rule))
            elif key == "matched":
                missing = [r for r in _ids(want) if r not in matched]
                if missing:
                    mismatches.append(Mismatch(key, f"{', '.join(missing)} to match", "no match"))
            elif key == "not_matched":
                bad = [r for r in _ids(want) if r in matched]
                if bad:
                    mismatches.append(Mismatch(key, f"{', '.join(bad)} not to match", "matched"))
            elif key in ("capture", "regulations"):
                if set(want) != set(got[key]):
                    mismatches.append(Mismatch(key, sorted(want), sorted(got[key])))
            elif want != got[key]:
                mismatches.append(Mismatch(key, want, got[key]))
        rules = {r.id: r for r in (*self.book.policy.rules, *self.book.returns.rules)}
        deciding = rules.get(d.rule)
        return CaseResult(
            case,
            tuple(mismatches),
            rule=d.rule,
            winner=winner,
            outcome=dict(d.outcome),
            matched=matched,
            where=f"{deciding.file}:{deciding.line}" if deciding else "",
        )


def run_rule_tests(
    book: Rulebook, paths: Iterable[str | Path], today: dt.date | None = None
) -> RunReport:
    """Load every test file under `paths` and run all their cases against `book`."""
    files = load_tests(paths, book)
    return RuleTestRunner(book, today).run(c for f in files for c in f.cases)


def junit_xml(report: RunReport) -> str:
    """JUnit XML: one testsuite per test file, one testcase per case, failures with the message."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="trackright rule tests")
    by_file: dict[str, list[CaseResult]] = {}
    for r in report.results:
        by_file.setdefault(r.case.file, []).append(r)
    total_fail = 0
    for file, results in by_file.items():
        fails = [r for r in results if not r.passed]
        total_fail += len(fails)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(len(results)),
            failures=str(sum(1 for r in fails if not r.error)),
            errors=str(sum(1 for r in fails if r.error)),
        )
        for r in results:
            tc = ET.SubElement(
                suite,
                "testcase",
                name=r.case.name,
                classname=file.replace("/", ".").removesuffix(".yaml"),
                file=file,
                line=str(r.case.line),
            )
            if not r.passed:
                tag = "error" if r.error else "failure"
                el = ET.SubElement(tc, tag, message=r.message().splitlines()[0])
                el.text = f"{r.case.where}: {r.case.name}\n{r.message()}"
    root.set("tests", str(len(report.results)))
    root.set("failures", str(total_fail))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = [
    "GENUINE_RETURN",
    "TEST_FILE_SCHEMA",
    "Case",
    "CaseResult",
    "Coverage",
    "Mismatch",
    "RuleTestError",
    "RuleTestRunner",
    "RunReport",
    "find_test_files",
    "junit_xml",
    "load_test_file",
    "load_tests",
    "run_rule_tests",
    "tests_json_schema",
]
