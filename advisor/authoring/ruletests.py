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

SKUs go through the same path as `trackright decide` (`advisor.authoring.explain.sku_from_fields`, the
`Classifier`, one `PolicyEngine` per run). Return facts left out default to a genuine return
(`GENUINE_RETURN`). Coverage counts the business and return rules that won at least one case
and the regulations that applied (as floors) to at least one; exact fractions, never rounded up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.advice.classify import Classifier, UnknownCurrencyError
from advisor.advice.profile import PROFILE_SHAPE, BrandProfile, profile_from_mapping
from advisor.authoring.explain import SKU_FIELDS, SkuFieldError, sku_from_fields
from advisor.engine.decide import Decision, PolicyEngine, RuleEngine
from advisor.errors import Problem, ProfileError, TrackrightError
from advisor.rulebook.load import (
    CAPTURES,
    FLAGS,
    JSON_SCHEMA_DIALECT,
    METHODS,
    RETURN_FACTS,
    VERDICTS,
    Rule,
    Rulebook,
)
from advisor.rulebook.shapes import (
    Bool,
    Checker,
    Date,
    Enum,
    Field,
    ListOf,
    Num,
    Obj,
    OneOf,
    Raw,
    Str,
    to_json_schema,
)
from advisor.rulebook.yamlsrc import load_located

GENUINE_RETURN: dict[str, Any] = {
    "id_known": True,
    "ever_shipped": True,
    "shipped_on_this_order": True,
    "already_returned_on_this_order": False,
    "lot_recalled": False,
    "lot_expired": False,
    "return_requires_qc": False,
    "return_count": 1,
    "reason": "changed_mind",
    "method": "serial",
}

# ------------------------------------------------------------------ the file's shape

_RULE_ID = Str(doc="a rule id from policy.yaml, regulations.yaml or returns.yaml")
_IDS = OneOf((_RULE_ID, ListOf(_RULE_ID, min_items=1, unique=True)))
_TEXT = Str()
_SKU_SPECS: dict[str, Any] = {
    "sku": Field(_TEXT, False, "SKU code, only shown in messages"),
    "title": Field(_TEXT),
    "category": Field(_TEXT, False, "category path, e.g. 'Electronics > Mobile Phones'"),
    "brand": Field(_TEXT),
    "price": Field(
        OneOf((Num(minimum=0), Str())), False, "a number, or text such as '₹1,299' or 'USD 12'"
    ),
    "currency": Field(
        Str(pattern=r"[A-Za-z]{3}", pattern_hint="is not a currency code like INR"),
        False,
        "default: the profile's currency, else the base currency",
    ),
    "hsn": Field(OneOf((Str(), Num(integer=True))), False, "HSN code; quote it"),
    "gtin": Field(OneOf((Str(), Num(integer=True)))),
    "product_category": Field(_TEXT, False, "Shopify / Google product category path"),
    "product_type": Field(_TEXT, False, "Shopify product type"),
    "tags": Field(OneOf((ListOf(Str()), Str())), False, "a list, or comma-separated text"),
    "customised": Field(Bool(), False, "made to order; default: read from the title"),
    "warranty_months": Field(
        Num(minimum=0, integer=True), False, "default: the profile's warranty_offered"
    ),
}
assert set(_SKU_SPECS) == set(SKU_FIELDS)
_PROFILE = PROFILE_SHAPE
_POLICY_EXPECT = Obj(
    {
        "method": Field(Enum(METHODS), False, "the tracking method"),
        "capture": Field(
            ListOf(Enum(CAPTURES), unique=True), False, "exactly these captures, in any order"
        ),
        "return_qc": Field(Bool()),
        "rule": Field(_RULE_ID, False, "the deciding rule (a regulation when its floor raised)"),
        "not_rule": Field(_IDS, False, "none of these decided it or won among business rules"),
        "matched": Field(_IDS, False, "all of these rules matched"),
        "not_matched": Field(_IDS, False, "none of these rules matched"),
        "vertical": Field(Enum(source="verticals")),
        "value_band": Field(Enum(source="value_bands")),
        "regulations": Field(
            ListOf(Str(), unique=True), False, "exactly these regulations apply ([] for none)"
        ),
        "fallback": Field(Bool(), False, "decided by the fallback (no rule, no floor raised)"),
    }
)
_RETURN_EXPECT = Obj(
    {
        "verdict": Field(Enum(VERDICTS)),
        "flag": Field(Enum(FLAGS, nullable=True)),
        "rule": Field(_RULE_ID, False, "the winning return rule, or fallback"),
        "not_rule": Field(_IDS),
        "matched": Field(_IDS),
        "not_matched": Field(_IDS),
    }
)
_FACT_SPEC = {
    "bool": Bool(),
    "number": Num(minimum=0),
}
_RETURN_FACTS = Obj(
    {
        name: Field(
            Enum(spec.values) if spec.type == "enum" else _FACT_SPEC[spec.type],
            False,
            f"{spec.doc} (default {GENUINE_RETURN[name]!r})",
        )
        for name, spec in RETURN_FACTS.items()
    },
    doc="facts of the return; the rest default to a genuine return",
)
_CASE = Obj(
    {
        "name": Field(Str(), True),
        "sku": Field(Obj(_SKU_SPECS), True, "the SKU's catalog fields"),
        "profile": Field(_PROFILE, False, "overrides the file's profile for this case"),
        "as_of": Field(Date(), False, "decide as on this date (regulations' effective_from)"),
        "expect": Field(_POLICY_EXPECT, True),
    }
)
_RETURN_CASE = Obj(
    {
        "name": Field(Str(), True),
        "facts": Field(_RETURN_FACTS, True),
        "expect": Field(_RETURN_EXPECT, True),
    }
)
_CELL = OneOf((Str(), Num(), Bool(), ListOf(Raw())))
_TABLE = Obj(
    {
        "name": Field(Str(), True),
        "profile": Field(_PROFILE),
        "as_of": Field(Date()),
        "columns": Field(
            ListOf(Str(), min_items=2, unique=True),
            True,
            "SKU fields, then expectations; `profile.FIELD` columns set a profile field",
        ),
        "rows": Field(ListOf(ListOf(OneOf((_CELL, Raw()))), min_items=1), True),
    }
)
_RETURN_TABLE = Obj(
    {
        "name": Field(Str(), True),
        "columns": Field(
            ListOf(Str(), min_items=2, unique=True), True, "return facts, then expectations"
        ),
        "rows": Field(ListOf(ListOf(Raw()), min_items=1), True),
    }
)
TEST_FILE_SCHEMA = Obj(
    {
        "profile": Field(_PROFILE, False, "default brand profile of every case in the file"),
        "as_of": Field(Date(), False, "default date of every case in the file"),
        "cases": Field(ListOf(_CASE), False, "policy cases: a SKU and what it must get"),
        "tables": Field(ListOf(_TABLE), False, "policy cases, one row each"),
        "returns": Field(ListOf(_RETURN_CASE), False, "return-verdict cases"),
        "return_tables": Field(ListOf(_RETURN_TABLE), False, "return-verdict cases, one row each"),
    },
    doc="trackright rule tests — run with `trackright rules test`",
)


def tests_json_schema(book: Rulebook) -> dict[str, Any]:
    """JSON Schema of a rule-test file, with verticals and value bands from `book`."""
    cls = book.classification
    enums = {"verticals": tuple(cls.verticals), "value_bands": cls.value_bands}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "trackright rules/tests/*.yaml",
        **to_json_schema(TEST_FILE_SCHEMA, enums),
    }


# ------------------------------------------------------------------ cases


@dataclass(frozen=True, slots=True)
class Case:
    """One expectation: a SKU (policy) or a return's facts (returns), and what must come out."""

    file: str
    line: int
    name: str
    kind: str  # policy | returns
    expect: Mapping[str, Any]
    sku: Mapping[str, Any] = field(default_factory=dict)
    profile: Mapping[str, Any] = field(default_factory=dict)
    as_of: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


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


def _show(v: Any) -> str:
    if isinstance(v, list | tuple | set | frozenset):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


class RuleTestError(TrackrightError, ValueError):
    """A test file that cannot be run; `problems` lists every problem with file:line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line))
        n = len(self.problems)
        super().__init__(
            "\n".join(str(p) for p in self.problems)
            + f"\n{n} problem{'s' if n != 1 else ''} in the rule tests"
        )


@dataclass(frozen=True, slots=True)
class RuleTestFile:
    path: str
    cases: tuple[Case, ...]


_POLICY_EXPECT_KEYS = tuple(_POLICY_EXPECT.fields)
_RETURN_EXPECT_KEYS = tuple(_RETURN_EXPECT.fields)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def find_test_files(paths: Iterable[str | Path]) -> list[Path]:
    """Test files named directly, and every *.yaml / *.yml in the folders named."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def load_test_file(path: str | Path, book: Rulebook) -> tuple[RuleTestFile, list[Problem]]:
    """Parse and check one test file; problems carry file:line and never raise."""
    p = Path(path)
    name = _display(p)
    data, problems = load_located(p, name)
    if problems:
        return RuleTestFile(name, ()), problems
    if data is None:
        return RuleTestFile(name, ()), [Problem(name, 1, "the file is empty")]
    cls = book.classification
    checker = Checker(name, {"verticals": tuple(cls.verticals), "value_bands": cls.value_bands})
    if not checker.check(data, TEST_FILE_SCHEMA, getattr(data, "line", 1)):
        return RuleTestFile(name, ()), checker.problems
    if not any(k in data for k in ("cases", "tables", "returns", "return_tables")):
        return RuleTestFile(name, ()), [
            Problem(
                name, 1, "no tests here: add `cases:`, `tables:`, `returns:` or `return_tables:`"
            )
        ]
    cases: list[Case] = []
    problems = []
    base_profile = dict(data.get("profile") or {})
    base_as_of = str(data.get("as_of") or "")
    known_rules = {r.id for r in book.policy.rules} | {r.id for r in book.returns.rules}
    known_rules.add("fallback")
    for i, c in enumerate(data.get("cases") or ()):
        line = data["cases"].line_of(i)
        cases.append(
            Case(
                name,
                line,
                c["name"],
                "policy",
                dict(c["expect"]),
                dict(c["sku"]),
                {**base_profile, **dict(c.get("profile") or {})},
                str(c.get("as_of") or base_as_of),
            )
        )
    for ti, table in enumerate(data.get("tables") or ()):
        cases.extend(
            _table_cases(name, table, data["tables"].line_of(ti), base_profile, base_as_of, checker)
        )
    for i, c in enumerate(data.get("returns") or ()):
        line = data["returns"].line_of(i)
        cases.append(
            Case(name, line, c["name"], "returns", dict(c["expect"]), facts=dict(c["facts"]))
        )
    for ti, table in enumerate(data.get("return_tables") or ()):
        cases.extend(_return_table_cases(name, table, data["return_tables"].line_of(ti), checker))
    problems.extend(checker.problems)
    for case in cases:
        problems.extend(_check_case(case, known_rules))
    return RuleTestFile(name, tuple(cases)), problems


def _row_name(table_name: str, i: int, row: Sequence[Any], columns: Sequence[str]) -> str:
    parts = [f"{c}={_show(v)}" for c, v in zip(columns, row, strict=False) if c != "name"]
    return f"{table_name} [{i + 1}] " + ", ".join(parts[:3])


def _table_cases(
    file: str, table, line: int, base_profile, base_as_of, checker: Checker
) -> list[Case]:
    columns = list(table["columns"])
    bad = [
        c
        for c in columns
        if c not in SKU_FIELDS
        and c not in _POLICY_EXPECT_KEYS
        and c != "name"
        and not (c.startswith("profile.") and c[8:] in _PROFILE.fields)
    ]
    if bad:
        checker.add(
            table.line_of("columns"),
            "columns",
            f"unknown column(s) {', '.join(bad)}; a column is a SKU field ({', '.join(SKU_FIELDS)}), "
            f"an expectation ({', '.join(_POLICY_EXPECT_KEYS)}), `name` or `profile.FIELD`",
        )
        return []
    if not any(c in _POLICY_EXPECT_KEYS for c in columns):
        checker.add(table.line_of("columns"), "columns", "no expectation column (method, rule, …)")
        return []
    profile = {**base_profile, **dict(table.get("profile") or {})}
    out: list[Case] = []
    for i, rline, row, values in _table_rows(table, columns, checker):
        case_doc = {
            "name": str(values.pop("name", "")) or _row_name(table["name"], i, row, columns),
            "sku": {k: v for k, v in values.items() if k in SKU_FIELDS and v is not None},
            "profile": {
                **profile,
                **{k[8:]: v for k, v in values.items() if k.startswith("profile.")},
            },
            "expect": {k: v for k, v in values.items() if k in _POLICY_EXPECT_KEYS},
        }
        if checker.check(case_doc, _CASE, rline, f"rows[{i}]"):
            out.append(
                Case(
                    file,
                    rline,
                    case_doc["name"],
                    "policy",
                    case_doc["expect"],
                    case_doc["sku"],
                    case_doc["profile"],
                    str(table.get("as_of") or base_as_of),
                )
            )
    return out


def _table_rows(table, columns: list[str], checker: Checker):
    """Each row of a table of cases as (index, line, row, column → value); short rows reported."""
    rows = table["rows"]
    for i, row in enumerate(rows):
        rline = rows.line_of(i)
        if len(row) != len(columns):
            checker.add(
                rline,
                f"rows[{i}]",
                f"has {len(row)} value(s) but there are {len(columns)} columns ({', '.join(columns)})",
            )
            continue
        yield i, rline, row, dict(zip(columns, row, strict=True))


def _return_table_cases(file: str, table, line: int, checker: Checker) -> list[Case]:
    columns = list(table["columns"])
    bad = [
        c for c in columns if c not in RETURN_FACTS and c not in _RETURN_EXPECT_KEYS and c != "name"
    ]
    if bad:
        checker.add(
            table.line_of("columns"),
            "columns",
            f"unknown column(s) {', '.join(bad)}; a column is a return fact ({', '.join(RETURN_FACTS)}), "
            f"an expectation ({', '.join(_RETURN_EXPECT_KEYS)}) or `name`",
        )
        return []
    out: list[Case] = []
    for i, rline, row, values in _table_rows(table, columns, checker):
        doc = {
            "name": str(values.pop("name", "")) or _row_name(table["name"], i, row, columns),
            "facts": {k: v for k, v in values.items() if k in RETURN_FACTS},
            "expect": {k: v for k, v in values.items() if k in _RETURN_EXPECT_KEYS},
        }
        if checker.check(doc, _RETURN_CASE, rline, f"rows[{i}]"):
            out.append(Case(file, rline, doc["name"], "returns", doc["expect"], facts=doc["facts"]))
    return out


def _ids(v: Any) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v or ())


def _check_case(case: Case, known: set[str]) -> list[Problem]:
    problems = []
    if not case.expect:
        problems.append(Problem(case.file, case.line, f"case '{case.name}': `expect` is empty"))
    for key in ("rule", "not_rule", "matched", "not_matched"):
        for rid in _ids(case.expect.get(key)):
            if rid not in known:
                from difflib import get_close_matches

                near = get_close_matches(rid, sorted(known), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                problems.append(
                    Problem(
                        case.file,
                        case.line,
                        f"case '{case.name}': expect.{key}: no rule '{rid}' in the rulebook{hint}",
                    )
                )
    if case.kind == "policy":
        try:
            profile_from_mapping(dict(case.profile), f"case '{case.name}': profile")
        except ProfileError as exc:
            problems.append(Problem(case.file, case.line, str(exc)))
    return problems


def load_tests(paths: Iterable[str | Path], book: Rulebook) -> list[RuleTestFile]:
    """Every test file under `paths`; RuleTestError listing every problem in any of them."""
    files: list[RuleTestFile] = []
    problems: list[Problem] = []
    found = find_test_files(paths)
    if not found:
        raise RuleTestError(
            [Problem(str(next(iter(map(str, paths)), ".")), 1, "no test files (*.yaml) here")]
        )
    for path in found:
        if not path.is_file():
            problems.append(Problem(str(path), 1, "no such test file"))
            continue
        tf, found_problems = load_test_file(path, book)
        files.append(tf)
        problems.extend(found_problems)
    if problems:
        raise RuleTestError(problems)
    return files


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
                    mismatches.append(Mismatch(key, sorted(want), list(got[key])))
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
