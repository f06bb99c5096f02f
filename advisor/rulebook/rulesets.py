"""Turning the checked `regulations.yaml`, `policy.yaml`, `returns.yaml` and `costs.yaml` into objects.

`_ruleset` parses each rule's `when:` (and each decision-table row) into a `Rule`, appends the
regulations as floor rules, and reports what the file's shape could not (duplicate ids, bad
conditions, `method: none` for what may be stock), every problem with its line. `_costs`
converts costs.yaml's amounts into the base currency of `currencies.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.errors import Problem
from advisor.rulebook.conditions import Condition, ConditionParser, Test
from advisor.rulebook.model import Costs, Regulation, Rule, RuleSet
from tracker.vocabulary import NOT_STOCK


def _regulations(docs, names, problems, scope_facts=None) -> list[Regulation]:
    doc = docs.get("regulations.yaml")
    file = names["regulations.yaml"]
    out: list[Regulation] = []
    if not isinstance(doc, Mapping) or not isinstance(doc.get("regulations"), list):
        return out
    seen: dict[str, int] = {}
    items = doc["regulations"]
    for i, r in enumerate(items):
        line = items.line_of(i)
        if not isinstance(r, Mapping) or not isinstance(r.get("id"), str):
            continue
        if r["id"] in seen:
            problems.append(
                Problem(file, line, f"duplicate id: already used on line {seen[r['id']]}", r["id"])
            )
            continue
        seen[r["id"]] = line
        scope = None
        applies = r.get("applies_to")
        if scope_facts is not None and isinstance(applies, Mapping) and "when" in applies:
            parser = ConditionParser(scope_facts, file, "applies_to.when.")
            n_before = len(problems)
            scope = parser.parse(applies["when"], applies.line_of("when"), r["id"], problems)
            if len(problems) > n_before:
                continue
        try:
            out.append(
                Regulation(
                    r["id"],
                    str(r["name"]),
                    str(r["jurisdiction"]),
                    str(r["source"]),
                    str(r["effective_from"]),
                    tuple(r["applies_to"]["verticals"]),
                    tuple(r["applies_to"].get("hsn", ())),
                    str(r["floor"]),
                    tuple(r.get("capture", ())),
                    bool(r.get("return_qc", False)),
                    file,
                    line,
                    scope,
                )
            )
        except (KeyError, TypeError):
            continue  # the schema check already reported what is missing
    return out


def _none_allowed(cond, not_stock, file, line, rid, outcome, problems, column=0) -> bool:
    """`method: none` only for SKUs every branch pins to verticals that are not stock.

    `not_stock` is None when classification.yaml could not be read: its own problems are
    reported, and which verticals are stock is unknown, so that part is not checked.
    """
    where = f"{file}:{line}"
    if outcome.get("capture") or outcome.get("return_qc"):
        problems.append(
            Problem(
                file,
                line,
                f"then.method: none means not stock, so nothing is captured; remove capture / "
                f"return_qc from this rule ({where})",
                rid,
                column,
            )
        )
        return False
    if not_stock is None:
        return True
    for branch in cond.branches():
        pinned: set[str] | None = None
        for t in branch:
            if t.fact == "vertical" and t.op in ("eq", "in"):
                vals = {t.value} if t.op == "eq" else set(t.value)
                pinned = vals if pinned is None else pinned & vals
        if pinned is None or not pinned <= not_stock:
            stock = sorted((pinned or set()) - not_stock)
            problems.append(
                Problem(
                    file,
                    line,
                    "then.method: none (not stock) is only for verticals marked `stock: false` in "
                    f"classification.yaml ({', '.join(sorted(not_stock)) or 'none are'}); "
                    + (
                        f"this rule can also match {', '.join(stock)}"
                        if stock
                        else "this rule does not say `vertical:`"
                    )
                    + " — narrow `when.vertical` to them, or choose batch, lpn or serial",
                    rid,
                    column,
                )
            )
            return False
    return True


def _ruleset(
    name, doc, file, facts, problems, regulations, not_stock=frozenset()
) -> RuleSet | None:
    if not isinstance(doc, Mapping):
        return None
    parser = ConditionParser(facts, file)
    rules: list[Rule] = []
    ok = True
    seen: dict[str, int] = {r.id: r.line for r in regulations}
    items = doc.get("rules")
    for i, r in enumerate(items if isinstance(items, list) else ()):
        line = items.line_of(i)
        if not isinstance(r, Mapping):
            ok = False
            continue
        if "table" in r:
            rows = _table(r, file, facts, problems)
            if rows is None:
                ok = False
                continue
            for row in rows:
                if row.get("method") == NOT_STOCK and not _none_allowed(
                    row.condition,
                    not_stock,
                    file,
                    row.line,
                    row.id,
                    dict(row.outcome),
                    problems,
                    row.column,
                ):
                    ok = False
                if row.id in seen:
                    problems.append(
                        Problem(
                            file,
                            row.line,
                            f"duplicate id: already used on line {seen[row.id]}",
                            row.id,
                            row.column,
                        )
                    )
                    ok = False
                seen[row.id] = row.line
            rules.extend(rows)
            continue
        rid = r.get("id") if isinstance(r.get("id"), str) else f"#{i + 1}"
        if rid in seen:
            where = (
                "line " + str(seen[rid])
                if not any(g.id == rid for g in regulations)
                else "regulations.yaml"
            )
            problems.append(
                Problem(file, r.line_of("id"), f"duplicate id: already used on {where}", rid)
            )
            ok = False
        seen[rid] = line
        n_before = len(problems)
        cond = parser.parse(
            r.get("when"), r.line_of("when") if "when" in r else line, rid, problems
        )
        if len(problems) > n_before or cond is None:
            ok = False
            continue
        then = r.get("then")
        if (
            not isinstance(then, Mapping)
            or not isinstance(r.get("priority"), int)
            or not isinstance(r.get("reason"), str)
        ):
            ok = False
            continue
        outcome = dict(then)
        if "capture" in outcome:
            outcome["capture"] = tuple(outcome["capture"] or ())
        if outcome.get("method") == NOT_STOCK and not _none_allowed(
            cond, not_stock, file, then.line_of("method"), rid, outcome, problems
        ):
            ok = False
            continue
        rules.append(
            Rule(
                rid,
                file,
                line,
                int(r["priority"]),
                str(r.get("kind", "business")),
                cond,
                tuple(sorted(outcome.items())),
                r["reason"],
                str(r.get("description", "")),
            )
        )
    for reg in regulations:
        tests = [Test("regulation", "includes", reg.id, reg.line)]
        rules.append(
            Rule(
                reg.id,
                reg.file,
                reg.line,
                65535,
                "regulatory",
                Condition(tuple(tests)),
                (("capture", reg.capture), ("method", reg.floor), ("return_qc", reg.return_qc)),
                f"{reg.name} ({reg.jurisdiction}, from {reg.effective_from}) requires at least "
                f"{reg.floor}" + (f" with {', '.join(reg.capture)}" if reg.capture else ""),
                reg.source,
            )
        )
    fb = doc.get("fallback")
    if not ok or not isinstance(fb, Mapping) or not isinstance(fb.get("reason"), str):
        return None
    fallback = dict(fb)
    reason = fallback.pop("reason")
    if "capture" in fallback:
        fallback["capture"] = tuple(fallback["capture"] or ())
    return RuleSet(
        name,
        file,
        facts,
        tuple(rules),
        tuple(sorted(fallback.items())),
        reason,
        str(doc.get("hit_policy", "priority")),
        str(doc.get("version", "")),
    )


def _table(entry, file, facts, problems) -> list[Rule] | None:
    """A decision table's rows as rules, if its shape passed the file check."""
    from advisor.rulebook.files.rules import POLICY_RULE
    from advisor.rulebook.shapes import Checker
    from advisor.rulebook.tables import compile_table

    if not (
        isinstance(entry.get("table"), str)
        and isinstance(entry.get("priority"), int)
        and isinstance(entry.get("columns"), list)
        and isinstance(entry.get("rows"), list)
        and isinstance(entry.get("hit_policy"), str)
    ):
        return None  # the file's shape check reported what is wrong
    then = POLICY_RULE.fields["then"].spec
    return compile_table(entry, file, facts, then, Checker(file, {}), problems)


def _costs(doc, ok, money, file, problems) -> Costs | None:
    """costs.yaml with its amounts converted from the currency it is written in to the base."""
    if not ok or money is None:
        return None
    written = doc["currency"]
    k = money.rate(written)
    if k is None:
        problems.append(
            Problem(
                file,
                doc.line_of("currency"),
                f"currency: {written} has no rate in {money.file}; add one there "
                f"(`{written}: {{rate: …, as_of: …, source: …}}` under currencies) or write the "
                f"costs in a currency it lists, such as {money.base}",
            )
        )
        return None
    m = doc["methods"]
    a = doc["assumptions"]
    lots = doc.get("lots") or {}
    return Costs(
        money.base,
        {key: float(v["per_unit"]) * k for key, v in m.items()},
        {key: float(v.get("per_lot", 0)) * k for key, v in m.items()},
        {key: float(v.get("fixed_monthly", 0)) * k for key, v in m.items()},
        {key: str(v.get("note", "")) for key, v in m.items()},
        float(a["bad_return_share"]),
        float(a["loss_per_bad_return"]),
        float(a["repeat_return_share"]),
        float(a["return_loop_cost"]) * k,
        float(a["lpn_catch_share"]),
        {key: float(v) for key, v in doc["return_rates"].items()},
        float(doc["default_return_rate"]),
        written,
        k,
        float(a.get("mismatch_share", 0.002)),
        float(a.get("mismatch_cost", 120.0)) * k,
        float(lots.get("cover_months", 3.0)),
        float(lots.get("min_units", 15.0)),
        float(lots.get("default_size", 100.0)),
        {key: float(v) for key, v in (lots.get("sizes") or {}).items()},
        float((doc.get("sales") or {}).get("long_tail", 1.0)),
        int((doc.get("observed") or {}).get("min_shipped", 30)),
        _cost_lines(doc),
    )


def _cost_lines(doc) -> dict[str, int]:
    """Where each model input sits in costs.yaml, so a report can say which line to edit."""
    out: dict[str, int] = {}
    for section in ("assumptions", "lots", "sales", "observed"):
        node = doc.get(section)
        if node is None or not hasattr(node, "line_of"):
            continue
        for key in node:
            out[f"{section}.{key}"] = node.line_of(key)
    methods = doc.get("methods")
    if methods is not None and hasattr(methods, "line_of"):
        for m in methods:
            out[f"methods.{m}"] = methods.line_of(m)
    sizes = (doc.get("lots") or {}).get("sizes")
    if sizes is not None and hasattr(sizes, "line_of"):
        for v in sizes:
            out[f"lots.sizes.{v}"] = sizes.line_of(v)
    return out


__all__: list[str] = []
