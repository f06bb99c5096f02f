"""Loading and validating the rulebook in `rules/`: every problem found, with file and line.

The rulebook is several YAML files, one per concern:

    classification.yaml  verticals, their signals and value bands
    currencies.yaml      the base currency, rates with their date and source, the unit-value rule
    evidence.yaml        how much each kind of evidence weighs when classifying
    taxonomies.yaml      standard taxonomy paths and Google ids by vertical
    columns.yaml         which catalog header feeds which field, in every language; platforms
    languages.yaml       (optional) each vertical's words in more languages
    regulations.yaml     regulations as floors (minimum method, required captures)
    policy.yaml          the tracking-method rules (and decision tables), hit policy and fallback
    costs.yaml           per-unit costs and the cost/benefit assumptions
    returns.yaml         the return-verdict rules the tracker's returns desk uses

`load_rulebook` reads them all and raises one `RulebookError` listing every problem
(`file:line: rule <id>: message`); only a rulebook with no problems is ever compiled onto
durable-rules. The pieces live beside this module: `model` (the objects), `facts`, `files`
(the shapes and their JSON Schemas), `currencies`, `classification`, `rulesets`, `tables`,
`floors`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.errors import Problem, RulebookError
from advisor.rulebook.classification import _classification, taxonomy_key
from advisor.rulebook.columns import column_table
from advisor.rulebook.currencies import _currencies, _moved_keys
from advisor.rulebook.facts import RETURN_FACTS, policy_facts, scope_facts
from advisor.rulebook.files import JSON_SCHEMA_DIALECT, SCHEMAS, rule_file_schemas
from advisor.rulebook.floors import _hit_policy_conflicts
from advisor.rulebook.locate import OPTIONAL_FILES, bundled_rules_dir, resolve_rules_dir
from advisor.rulebook.model import (
    FILES,
    OUTCOMES,
    PRICE_FIELDS,
    SOURCES,
    Classification,
    Costs,
    Currencies,
    Evidence,
    Rate,
    Regulation,
    Rule,
    Rulebook,
    RuleSet,
    Vertical,
    method_rank,
)
from advisor.rulebook.rulesets import _costs, _regulations, _ruleset
from advisor.rulebook.shapes import Checker
from advisor.rulebook.yamlsrc import load_located
from tracker.vocabulary import CAPTURES, FLAGS, METHOD_RANK, METHODS, VERDICTS

# ------------------------------------------------------------------ loading


def _display(root: Path, name: str) -> str:
    p = root / name
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


_EMPTY = {
    "classification.yaml": (
        "the file is empty: the rulebook needs its verticals and value bands here, so nothing "
        "that names a vertical or a band can be checked (copy a working one with "
        "`trackright rules init DIR`)"
    ),
}


#: What a rules copy made before a file existed is told to do about it.
_MISSING = {
    "columns.yaml": (
        "which catalog header feeds which field; copy it from the bundled rules, {bundled}"
    ),
}


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load and validate the whole rulebook; raise RulebookError listing every problem.

    A folder whose files (and this code) are unchanged since it last loaded cleanly comes back
    from the checked copy kept on disk (`advisor.rulebook.cache`), in milliseconds.
    """
    from advisor.rulebook import cache

    root = resolve_rules_dir(path)
    key = None
    if root.is_dir():
        files = [(str(root), "", None)]
        for fname in FILES:
            try:
                data: bytes | None = (root / fname).read_bytes()
            except OSError:
                data = None
            files.append((fname, _display(root, fname), data))
        key = cache.entry_key(files)
        kept = cache.recall(key)
        if isinstance(kept, Rulebook):
            object.__setattr__(kept, "kept_as", key)
            return kept
    book = _load_files(root)
    if key is not None:
        cache.keep(key, book)
        object.__setattr__(book, "kept_as", key)
    return book


def _load_files(root: Path) -> Rulebook:
    problems: list[Problem] = []
    if not root.is_dir():
        raise RulebookError(
            [
                Problem(
                    str(root),
                    1,
                    "no rules folder here: expected a folder holding " + ", ".join(FILES),
                )
            ]
        )
    docs: dict[str, Any] = {}
    names: dict[str, str] = {}
    digest = hashlib.sha256()
    for fname in FILES:
        display = _display(root, fname)
        names[fname] = display
        fpath = root / fname
        if not fpath.is_file() and fname in OPTIONAL_FILES:
            continue
        if not fpath.is_file():
            hint = _MISSING.get(fname, "")
            hint = f" ({hint.format(bundled=bundled_rules_dir())})" if hint else ""
            problems.append(
                Problem(display, 1, f"missing rules file: the rulebook needs {fname}{hint}")
            )
            continue
        digest.update(fname.encode() + b"\0" + fpath.read_bytes() + b"\0")
        data, found = load_located(fpath, display)
        problems.extend(found)
        if data is None and not found:
            problems.append(Problem(display, 1, _EMPTY.get(fname, "the file is empty")))
        docs[fname] = data

    enums: dict[str, tuple[str, ...]] = {}
    cls_doc = docs.get("classification.yaml")
    if isinstance(cls_doc, Mapping):
        if isinstance(cls_doc.get("verticals"), Mapping):
            enums["verticals"] = tuple(str(k) for k in cls_doc["verticals"])
        if isinstance(cls_doc.get("value_bands"), list):
            enums["value_bands"] = tuple(str(v) for v in cls_doc["value_bands"])

    checked: dict[str, bool] = {}
    for fname, doc in docs.items():
        if doc is None:
            continue
        checker = Checker(names[fname], enums)
        checked[fname] = checker.check(doc, SCHEMAS[fname], getattr(doc, "line", 1))
        problems.extend(checker.problems)

    money = _currencies(docs.get("currencies.yaml"), names["currencies.yaml"], checked, problems)
    _moved_keys(docs.get("classification.yaml"), names["classification.yaml"], problems)
    classification = _classification(docs, names, checked, problems, money)
    plain = policy_facts(enums.get("verticals", ()), enums.get("value_bands", ()), ())
    regulations = _regulations(docs, names, problems, scope_facts(plain))
    reg_ids = tuple(r.id for r in regulations)
    facts = policy_facts(enums.get("verticals", ()), enums.get("value_bands", ()), reg_ids)
    not_stock = classification.not_stock if classification else None  # unknown: not checked
    policy = _ruleset(
        "policy",
        docs.get("policy.yaml"),
        names["policy.yaml"],
        facts,
        problems,
        regulations,
        not_stock,
    )
    returns = _ruleset(
        "returns", docs.get("returns.yaml"), names["returns.yaml"], RETURN_FACTS, problems, ()
    )
    costs = _costs(
        docs.get("costs.yaml"),
        checked.get("costs.yaml", False),
        money,
        names["costs.yaml"],
        problems,
    )
    columns = (
        column_table(docs["columns.yaml"], names["columns.yaml"], problems)
        if checked.get("columns.yaml")
        else None
    )
    # Conflicts are only meaningful between rules whose every part is valid.
    if policy is not None and checked.get("policy.yaml") and checked.get("regulations.yaml"):
        problems.extend(_hit_policy_conflicts(policy, regulations))
    if returns is not None and checked.get("returns.yaml"):
        problems.extend(_hit_policy_conflicts(returns, ()))
    if problems or not (classification and policy and returns and costs and money and columns):
        raise RulebookError(problems or [Problem(str(root), 1, "the rulebook could not be loaded")])
    version = digest.hexdigest()[:12]
    human = (
        str(docs["policy.yaml"].get("version", ""))
        if isinstance(docs.get("policy.yaml"), Mapping)
        else ""
    )
    return Rulebook(
        root,
        classification,
        tuple(regulations),
        policy,
        returns,
        costs,
        money,
        version,
        human,
        tuple(names[f] for f in FILES if f in docs),
        columns,
    )


__all__ = [
    "CAPTURES",
    "FILES",
    "FLAGS",
    "JSON_SCHEMA_DIALECT",
    "METHODS",
    "METHOD_RANK",
    "OUTCOMES",
    "PRICE_FIELDS",
    "RETURN_FACTS",
    "SCHEMAS",
    "SOURCES",
    "VERDICTS",
    "Classification",
    "Costs",
    "Currencies",
    "Evidence",
    "Rate",
    "Regulation",
    "Rule",
    "RuleSet",
    "Rulebook",
    "Vertical",
    "bundled_rules_dir",
    "load_rulebook",
    "method_rank",
    "policy_facts",
    "resolve_rules_dir",
    "rule_file_schemas",
    "taxonomy_key",
]
