"""The error table: over a hundred broken rulebooks, each reported at its file and line, with its hint.

Every row breaks the suite's own small rulebook (tests/data/minibook) in one place and runs what
`trackright rules check` runs (`check_folder`: the rules files, the rule tests, onboarding.yaml).
The row says which file and line the problem must name (the line where the edit starts, plus an
offset) and words the message must contain: the hint a rule author acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from advisor.authoring.check import check_folder


@dataclass(frozen=True)
class Broken:
    name: str
    file: str  # the file edited, relative to the rules folder
    old: str  # text that occurs once in it
    new: str  # what replaces it
    needles: tuple[str, ...]  # the message must contain every one
    offset: int = 0  # problem line = line where `old` starts + offset
    where: str = ""  # the file the problem names, when not the edited one
    column: int | None = None  # the column, where it matters
    also: tuple[tuple[str, str], ...] = ()  # further edits of the same file (old, new)

    def __str__(self) -> str:
        return self.name


NBSP, ZWSP = "\u00a0", "\u200b"
P, C, R, K = "policy.yaml", "classification.yaml", "regulations.yaml", "costs.yaml"
T, ONB, RET = "tests/basics.yaml", "onboarding.yaml", "returns.yaml"
CUR = "currencies.yaml"
PHONES_ROW = "      - [phones,              phones,   -,                   serial, -,             Every handset needs its IMEI]"
WARRANTY = "    when: {warranty: true, vertical: [phones, eyewear], value_band: [high, premium]}"
CUSTOM = "  - id: customised-lpn\n    priority: 400\n    when: {customised: true, vertical: general}\n    then: {method: lpn}"
IMEI_SCOPE = "    applies_to: {verticals: [phones]}"
LENS_WHEN = '      when: {title: {matches: "contact lens|lenses"}}'

TABLE: list[Broken] = [
    # ---- YAML syntax, where the mistake is (#6)
    Broken(
        "unclosed double quote",
        P,
        "reason: A warranty needs the unit's own serial",
        "reason: \"A warranty needs the unit's own serial",
        ("never closed", "closing quote"),
    ),
    Broken(
        "unclosed single quote",
        P,
        "reason: A personalised item is one of a kind",
        "reason: 'A personalised item is one of a kind",
        ("never closed",),
    ),
    Broken(
        "unclosed list in a table row",
        P,
        "[lot, expiry], Food is recalled by lot]",
        "[lot, expiry, Food is recalled by lot]",
        ("'['", "not closed"),
    ),
    Broken(
        "unclosed block in when",
        P,
        CUSTOM.split("\n")[2],
        "    when: {customised: true, vertical: general",
        ("'{'", "not closed"),
        offset=0,
    ),
    Broken("tab in the indentation", P, "    priority: 300", "\tpriority: 300", ("tab", "spaces")),
    Broken(
        "non-breaking space in the indentation",
        P,
        "    priority: 300",
        f"  {NBSP} priority: 300",
        ("non-breaking space (U+00A0)", "column 3"),
    ),
    Broken(
        "non-breaking space in a key",
        P,
        "    priority: 400",
        f"    priority{NBSP}: 400",
        ("non-breaking space", "column 13"),
    ),
    Broken(
        "zero-width space in an id",
        P,
        "  - id: warranty-serial",
        f"  - id: warranty{ZWSP}-serial",
        ("zero-width space (U+200B)",),
    ),
    Broken(
        "zero-width space in a regulation",
        R,
        "    floor: serial",
        f"    floor: seri{ZWSP}al",
        ("zero-width space",),
    ),
    Broken("indentation out of line", P, "    priority: 300", "      priority: 300", ("indent",)),
    Broken(
        "key given twice",
        P,
        "    then: {method: serial}\n    reason: A warranty",
        "    then: {method: serial}\n    then: {method: lpn}\n    reason: A warranty",
        ("appears twice",),
        offset=1,
    ),
    Broken(
        "colon inside a table cell",
        P,
        "Cheap goods by lot]",
        "Cheap goods: by lot]",
        ("put the text in quotes",),
    ),
    Broken(
        "a colon in a reason",
        P,
        "    reason: A personalised item is one of a kind",
        "    reason: A personalised: item is one of a kind",
        ("':'",),
    ),
    Broken(
        "tab in a regulation",
        R,
        "    floor: batch\n    capture: [lot, expiry]\n\n  - id: eu-lens-lots",
        "    floor: batch\n\tcapture: [lot, expiry]\n\n  - id: eu-lens-lots",
        ("tab",),
        offset=1,
    ),
    # ---- YAML 1.1 traps (#8)
    Broken(
        "jurisdiction NO becomes false",
        R,
        "    jurisdiction: EU",
        "    jurisdiction: NO",
        ('write "NO"',),
    ),
    Broken(
        "HSN 04 becomes the number 4", C, 'hsn: ["19", "20"]', 'hsn: [04, "20"]', ('quote "04"',)
    ),
    Broken(
        "band bound 10,000 stays text",
        C,
        "{low: 0, mid: 10000, high: 30000, premium: 80000}",
        "{low: 0, mid: 10000, high: 30,000, premium: 80000}",
        ("drop the thousands separator",),
    ),
    Broken(
        "threshold 5,000 in when",
        P,
        WARRANTY,
        WARRANTY.replace("}", ", unit_value: {gte: 5,000}}"),
        ("drop the thousands separator", "read as two entries"),
    ),
    Broken(
        "regex yes becomes true",
        R,
        LENS_WHEN,
        "      when: {title: {matches: yes}}",
        ('write "yes"',),
    ),
    Broken(
        "profile market NO in a test",
        T,
        "profile: {markets: [IN, EU]}",
        "profile: {markets: [IN, NO]}",
        ('write "NO"',),
    ),
    Broken(
        "per-unit cost 2,000 in quotes",
        K,
        "serial: {per_unit: 2.0}",
        "serial: {per_unit: '2,000'}",
        ("expects a number", "thousands"),
    ),
    Broken(
        "per-unit cost 2,000 in a block",
        K,
        "  return_loop_cost: 120",
        "  return_loop_cost: 1,200",
        ("expects a number", "drop the thousands separator"),
    ),
    Broken(
        "fallback thousands in a list",
        P,
        WARRANTY,
        WARRANTY.replace("}", ", unit_value: {between: [1,000, 5000]}}"),
        ("read as two entries", "write 1000"),
    ),
    # ---- market codes (#3)
    Broken(
        "jurisdiction UE", R, "    jurisdiction: EU", "    jurisdiction: UE", ("did you mean EU",)
    ),
    Broken(
        "jurisdiction in lower case",
        R,
        "    jurisdiction: EU",
        "    jurisdiction: eu",
        ("capitals: EU",),
    ),
    Broken(
        "jurisdiction UK", R, "    jurisdiction: EU", "    jurisdiction: UK", ("did you mean GB",)
    ),
    Broken(
        "jurisdiction as a country name",
        R,
        "    jurisdiction: EU",
        "    jurisdiction: India",
        ("did you mean IN",),
    ),
    Broken(
        "jurisdiction alpha-3",
        R,
        "    jurisdiction: EU",
        "    jurisdiction: USA",
        ("did you mean US",),
    ),
    Broken(
        "jurisdiction unknown code",
        R,
        "    jurisdiction: EU",
        "    jurisdiction: XX",
        ("not an ISO 3166 country code", "EU, EEA"),
    ),
    Broken(
        "test profile market UE",
        T,
        "profile: {markets: [IN, EU]}",
        "profile: {markets: [IN, UE]}",
        ("did you mean EU",),
    ),
    Broken(
        "test profile market as a name",
        T,
        "profile: {markets: [IN, EU]}",
        "profile: {markets: [India, EU]}",
        ("did you mean IN",),
    ),
    # ---- policy rules
    Broken(
        "misspelt key", P, "    priority: 300", "    prority: 300", ("did you mean 'priority'",)
    ),
    Broken(
        "unknown operator",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customised: true, vertical: {is: general}}",
        ("unknown operator 'is'",),
    ),
    Broken(
        "unknown vertical",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customised: true, vertical: generall}",
        ("did you mean 'general'",),
    ),
    Broken(
        "medium means mid",
        P,
        WARRANTY,
        WARRANTY.replace("[high, premium]", "[medium, high]"),
        ("did you mean 'mid'",),
    ),
    Broken(
        "unknown method",
        P,
        "    then: {method: lpn}\n    reason: A personalised",
        "    then: {method: serialise}\n    reason: A personalised",
        ("did you mean 'serial'",),
    ),
    Broken(
        "unknown field",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customized: true, vertical: general}",
        ("did you mean 'customised'",),
    ),
    Broken(
        "text for a number",
        P,
        WARRANTY,
        WARRANTY.replace("}", ', unit_value: {gte: "ten thousand"}}'),
        ("expects a number", "ten thousand"),
    ),
    Broken(
        "duplicate rule id",
        P,
        "  - id: customised-lpn",
        "  - id: warranty-serial",
        ("duplicate id",),
    ),
    Broken(
        "bad regular expression",
        P,
        "when: {customised: true, vertical: general}",
        'when: {customised: true, title: {matches: "(gift"}}',
        ("bad regular expression",),
    ),
    Broken(
        "empty when",
        P,
        "when: {customised: true, vertical: general}",
        "when: {}",
        ("empty conditions", "fallback"),
    ),
    Broken(
        "equal priority, different outcome",
        P,
        "    priority: 400",
        "    priority: 100",
        ("same priority 100", "exclusive"),
        offset=-1,
    ),
    Broken(
        "business rule under a floor",
        P,
        CUSTOM,
        CUSTOM.replace("priority: 400", "priority: 500").replace(
            "vertical: general", "vertical: phones"
        ),
        ("in-imei", "regulation: {excludes: in-imei}", "regulated: false"),
    ),
    Broken(
        "unknown capture",
        P,
        "    then: {method: serial}\n    reason: A warranty",
        "    then: {method: serial, capture: [lots]}\n    reason: A warranty",
        ("did you mean 'lot'",),
    ),
    Broken("negative priority", P, "    priority: 300", "    priority: -1", ("at least 0",)),
    Broken("priority too high", P, "    priority: 300", "    priority: 70000", ("at most 65535",)),
    Broken("fractional priority", P, "    priority: 300", "    priority: 1.5", ("whole number",)),
    Broken(
        "missing reason",
        P,
        "    reason: A personalised item is one of a kind",
        "    description: x",
        ("missing required key 'reason'",),
        offset=-4,
    ),
    Broken(
        "missing then",
        P,
        "    then: {method: lpn}\n    reason: A personalised",
        "    reason: A personalised",
        ("missing required key 'then'",),
        offset=-3,
    ),
    Broken(
        "file hit policy",
        P,
        "hit_policy: priority",
        "hit_policy: first",
        ('unknown value "first"', "priority"),
    ),
    Broken(
        "fallback method",
        P,
        "  method: batch\n  capture: [lot]\n  reason: No rule",
        "  method: batches\n  capture: [lot]\n  reason: No rule",
        ("did you mean 'batch'",),
    ),
    Broken(
        "any is not a list",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customised: true, any: {vertical: general}}",
        ("`any:` expects a list",),
    ),
    Broken(
        "any nested in any",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customised: true, any: [{vertical: general, any: [{warranty: true}]}]}",
        ("cannot be nested",),
    ),
    Broken(
        "between upside down",
        P,
        WARRANTY,
        WARRANTY.replace("}", ", unit_value: {between: [5000, 100]}}"),
        ("first number must be below",),
    ),
    Broken(
        "set operator on an enum",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customised: true, vertical: {includes: general}}",
        ("unknown operator 'includes'", "enum field takes"),
    ),
    Broken(
        "quoted yes for a flag",
        P,
        "when: {customised: true, vertical: general}",
        'when: {customised: "yes", vertical: general}',
        ("expects true or false",),
    ),
    Broken(
        "unknown regulation id",
        P,
        "when: {customised: true, vertical: general}",
        "when: {customised: true, regulation: {excludes: in-imeii}}",
        ("did you mean 'in-imei'",),
    ),
    Broken(
        "return_qc maybe",
        P,
        "    then: {method: lpn}\n    reason: A personalised",
        "    then: {method: lpn, return_qc: maybe}\n    reason: A personalised",
        ("expects true or false",),
    ),
    Broken(
        "kind misspelt",
        P,
        "  - id: customised-lpn\n    priority: 400",
        "  - id: customised-lpn\n    kind: regulator\n    priority: 400",
        ("did you mean 'regulatory'",),
        offset=1,
    ),
    Broken(
        "no rules at all",
        P,
        "  - id: warranty-serial",
        "  - idd: warranty-serial",
        ("did you mean 'id'",),
    ),
    # ---- decision tables
    Broken(
        "unknown table column",
        P,
        "columns: [id,             vertical,",
        "columns: [id,             verticle,",
        ("unknown column 'verticle'", "did you mean 'vertical'"),
    ),
    Broken(
        "row with an extra cell",
        P,
        "Cheap goods by lot]",
        "Cheap goods, by lot]",
        ("has 7 cells", "quotes"),
    ),
    Broken(
        "unknown vertical in a cell",
        P,
        "      - [food,                food,  ",
        "      - [food,                fod,   ",
        ("unknown vertical 'fod'", "did you mean 'food'"),
    ),
    Broken(
        "medium in a cell",
        P,
        "[low, mid],          batch",
        "[low, medium],       batch",
        ("did you mean 'mid'",),
    ),
    Broken(
        "unknown method in a cell",
        P,
        "[high, premium],     lpn,",
        "[high, premium],     lpm,",
        ("did you mean 'lpn'",),
    ),
    Broken(
        "unknown capture in a cell",
        P,
        "batch,  [lot],         Cheap frames",
        "batch,  [lots],        Cheap frames",
        ("did you mean 'lot'",),
    ),
    Broken(
        "overlapping rows under unique",
        P,
        "general,  low,                 batch",
        "general,  [low, mid],          batch",
        ("rows general-low", "hit_policy: first"),
        offset=1,
    ),
    Broken(
        "table hit policy misspelt",
        P,
        "    hit_policy: unique",
        "    hit_policy: uniqe",
        ("did you mean 'unique'",),
    ),
    Broken(
        "table without id column",
        P,
        "columns: [id,             vertical,",
        "columns: [name,           vertical,",
        ("no 'id' column",),
    ),
    Broken(
        "table without reason column",
        P,
        "capture,       reason]",
        "capture,       why]",
        ("no 'reason' column",),
    ),
    Broken(
        "table without method column",
        P,
        "value_band,          method,",
        "value_band,          methods,",
        ("did you mean 'method'",),
    ),
    Broken(
        "table row under a floor",
        P,
        PHONES_ROW,
        PHONES_ROW.replace("serial, -,", "batch,  -,"),
        ("in-imei", "{excludes: in-imei}"),
    ),
    Broken(
        "table row that matches everything",
        P,
        "      - [food,                food,     -,",
        "      - [food,                -,        -,",
        ("every condition cell is '-'",),
    ),
    Broken(
        "table row id not an id",
        P,
        "      - [food,                food,",
        "      - [Food Row,            food,",
        ("not a valid id",),
    ),
    Broken(
        "row id used twice",
        P,
        "  - id: customised-lpn",
        "  - id: phones",
        ("duplicate id", "line 16"),
    ),
    Broken(
        "table without priority",
        P,
        "    priority: 100\n    columns:",
        "    columns:",
        ("missing required key 'priority'",),
        offset=-2,
    ),
    Broken(
        "overlap under any",
        P,
        "    hit_policy: unique",
        "    hit_policy: any",
        ("hit policy any",),
        offset=9,
        also=(("general,  low,                 batch", "general,  [low, mid],          batch"),),
    ),
    Broken(
        "column named twice",
        P,
        "columns: [id,             vertical, value_band,",
        "columns: [id,             vertical, vertical,  ",
        ("listed twice",),
    ),
    Broken("row that is not a list", P, PHONES_ROW, "      - phones", ("must be a list of cells",)),
    Broken(
        "operator a band cell cannot take",
        P,
        "[high, premium],     lpn,",
        "{gt: high},          lpn,",
        ("unknown operator 'gt'", "enum field takes"),
    ),
    # ---- regulations
    Broken(
        "unknown floor", R, "    floor: serial", "    floor: serialise", ("did you mean 'serial'",)
    ),
    Broken(
        "impossible date",
        R,
        "    effective_from: 2023-01-01",
        "    effective_from: 2023-02-30",
        ("not a real calendar date",),
    ),
    Broken(
        "date in another format",
        R,
        "    effective_from: 2023-01-01",
        "    effective_from: 01/01/2023",
        ("a date like 2023-01-01",),
    ),
    Broken(
        "scope vertical unknown",
        R,
        IMEI_SCOPE,
        "    applies_to: {verticals: [phonez]}",
        ("did you mean 'phones'",),
    ),
    Broken(
        "scope when misspelt field",
        R,
        LENS_WHEN,
        '      when: {titel: {matches: "contact lens"}}',
        ("unknown field 'titel'", "did you mean 'title'"),
    ),
    Broken(
        "scope cannot test regulated",
        R,
        LENS_WHEN,
        "      when: {regulated: true}",
        ("unknown field 'regulated'",),
    ),
    Broken(
        "scope when with a bad operator",
        R,
        LENS_WHEN,
        '      when: {title: {match: "lens"}}',
        ("did you mean 'matches'",),
    ),
    Broken(
        "duplicate regulation id", R, "  - id: in-food-lots", "  - id: in-imei", ("duplicate id",)
    ),
    Broken(
        "capture listed twice",
        R,
        "    capture: [lot, expiry]\n\n  - id: eu-lens-lots",
        "    capture: [lot, lot]\n\n  - id: eu-lens-lots",
        ("listed twice",),
    ),
    Broken(
        "regulation without source",
        R,
        "    source: test\n    effective_from: 2023-01-01",
        "    effective_from: 2023-01-01",
        ("missing required key 'source'",),
        offset=-3,
    ),
    Broken(
        "scope without verticals",
        R,
        IMEI_SCOPE,
        "    applies_to: {hsn: ['8517']}",
        ("missing required key 'verticals'",),
    ),
    Broken(
        "misspelt regulation key",
        R,
        "    applies_to: {verticals: [food]}",
        "    applys_to: {verticals: [food]}",
        ("did you mean 'applies_to'",),
    ),
    # ---- classification (lines, not blocks: #10)
    Broken(
        "lowest band not 0",
        C,
        "value_bands: {low: 0, mid: 1000, high: 5000, premium: 20000}",
        "value_bands: {low: 100, mid: 1000, high: 5000, premium: 20000}",
        ("lowest band 'low' must start at 0",),
        column=None,
    ),
    Broken(
        "bands out of order",
        C,
        "{low: 0, mid: 200, high: 1000, premium: 5000}",
        "{low: 0, mid: 2000, high: 1000, premium: 5000}",
        ("must be above mid",),
    ),
    Broken(
        "HSN prefix under two verticals",
        C,
        'hsn: ["9004"]',
        'hsn: ["9004", "8517"]',
        ("prefix 8517 is also listed under phones",),
    ),
    Broken(
        "fallback vertical unknown",
        C,
        "fallback_vertical: general",
        "fallback_vertical: generic",
        ("did you mean 'general'",),
    ),
    Broken(
        "band named medium",
        C,
        "{low: 0, mid: 500, high: 3000, premium: 15000}",
        "{low: 0, medium: 500, high: 3000, premium: 15000}",
        ("did you mean 'mid'",),
    ),
    # currencies live in currencies.yaml since the catalog branch (base_currency, rates with dates)
    Broken(
        "rate that is not a number",
        CUR,
        "  USD: {rate: 84.0,",
        "  USD: {rate: eighty,",
        ("expects a number", "eighty"),
    ),
    Broken(
        "base currency without a rate",
        CUR,
        "  INR: {rate: 1, name: Indian rupee}\n",
        "  EUR: {rate: 90, name: Euro}\n",
        ("base currency INR must be listed",),
        offset=-1,
    ),
    Broken(
        "currencies left in classification.yaml",
        C,
        "value_bands: [low, mid, high, premium]\n",
        "currencies: {INR: 1}\nvalue_bands: [low, mid, high, premium]\n",
        ("moved to currencies.yaml",),
    ),
    Broken(
        "vertical without label",
        C,
        "    label: Food\n",
        "",
        ("missing required key 'label'",),
        offset=-1,
    ),
    Broken(
        "empty classification",
        C,
        None,
        "",
        ("the file is empty", "verticals and value bands"),
        offset=0,
    ),
    # ---- costs
    Broken("negative cost", K, "lpn: {per_unit: 0.75}", "lpn: {per_unit: -1}", ("at least 0",)),
    Broken(
        "share above 1", K, "  bad_return_share: 0.02", "  bad_return_share: 1.5", ("at most 1",)
    ),
    Broken(
        "return rate of an unknown vertical",
        K,
        "  phones: 0.05",
        "  phonez: 0.05",
        ("did you mean 'phones'",),
    ),
    Broken(
        "a method without costs",
        K,
        "  lpn: {per_unit: 0.75}\n",
        "",
        ("missing required key 'lpn'",),
        offset=-2,
    ),
    Broken("misspelt costs key", K, "assumptions:", "assumption:", ("did you mean 'assumptions'",)),
    # ---- returns
    Broken(
        "return count as a word",
        RET,
        "when: {return_count: {gte: 3}}",
        "when: {return_count: {gte: three}}",
        ("expects a number",),
    ),
    Broken(
        "unknown verdict",
        RET,
        "then: {verdict: quarantine, flag: expired}",
        "then: {verdict: quarantined, flag: expired}",
        ("did you mean 'quarantine'",),
    ),
    Broken(
        "unknown return fact",
        RET,
        "when: {return_count: {gte: 3}}",
        "when: {return_counts: {gte: 3}}",
        ("did you mean 'return_count'",),
    ),
    # ---- rule tests (#5, #10)
    Broken(
        "test expects an unknown rule",
        T,
        "expect: {method: serial, rule: phones}",
        "expect: {method: serial, rule: phone}",
        ("no rule 'phone'", "did you mean 'phones'"),
    ),
    Broken(
        "test not_rule item unknown",
        T,
        "expect: {method: serial, rule: phones}",
        "expect:\n      method: serial\n      not_rule:\n        - phones\n        - eyewear-lo",
        ("no rule 'eyewear-lo'", "did you mean 'eyewear-low'"),
        offset=4,
    ),
    Broken(
        "test matched unknown",
        T,
        "expect: {method: serial, rule: phones}",
        "expect: {method: serial,\n      matched: [in-imeii]}",
        ("no rule 'in-imeii'",),
        offset=1,
    ),
    Broken(
        "test price 80k", T, "price: 20000}", "price: 80k}", ("sku.price", "without a unit suffix")
    ),
    Broken(
        "test expectation misspelt",
        T,
        "expect: {method: serial, rule: phones}",
        "expect: {methd: serial, rule: phones}",
        ("did you mean 'method'",),
    ),
    Broken(
        "test table row short",
        T,
        "      - [Frames, Eyewear, 999, batch, eyewear-low]",
        "      - [Frames, Eyewear, 999, batch]",
        ("has 4 value(s)",),
    ),
    Broken(
        "test table unknown column",
        T,
        "columns: [title, category, price, method, rule]",
        "columns: [title, category, prise, method, rule]",
        ("unknown column(s) prise",),
    ),
    Broken(
        "test date impossible",
        T,
        "as_of: 2026-06-01",
        "as_of: 2026-13-01",
        ("not a real calendar date",),
    ),
    Broken(
        "test expects an unknown vertical",
        T,
        "expect: {method: serial, rule: phones}",
        "expect: {method: serial, vertical: phone}",
        ("did you mean 'phones'",),
    ),
    Broken(
        "test profile key misspelt",
        T,
        "profile: {markets: [IN, EU]}",
        "profile: {market: [IN, EU]}",
        ("did you mean 'markets'",),
    ),
    Broken(
        "test table cell price 80k",
        T,
        "      - [Frames, Eyewear, 5000, lpn, eyewear-high]",
        "      - [Frames, Eyewear, 5k, lpn, eyewear-high]",
        ("sku.price",),
    ),
    # ---- onboarding.yaml (#5)
    Broken(
        "onboarding kind misspelt",
        ONB,
        "  - id: warranty\n    kind: yes_no",
        "  - id: warranty\n    kind: yesno",
        ("did you mean 'yes_no'",),
        offset=1,
    ),
    Broken(
        "onboarding key misspelt",
        ONB,
        "    prompt: What's your brand called?",
        "    promt: What's your brand called?",
        ("did you mean 'prompt'",),
    ),
    Broken(
        "onboarding unclosed quote",
        ONB,
        "    prompt: What's your brand called?",
        "    prompt: \"What's your brand called?",
        ("does not close on this line", "line 38"),
    ),
    Broken(
        "onboarding tab",
        ONB,
        "    prompt: What's your brand called?",
        "\tprompt: What's your brand called?",
        ("tab",),
    ),
]


def _apply(root, b: Broken) -> int:
    path = root / b.file
    if b.old is None:  # the whole file
        path.write_text(b.new, encoding="utf-8")
        return 1
    text = path.read_text(encoding="utf-8")
    assert text.count(b.old) == 1, f"{b.old!r} occurs {text.count(b.old)} times in {b.file}"
    line = text[: text.index(b.old)].count("\n") + 1
    text = text.replace(b.old, b.new)
    for old, new in b.also:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {b.file}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return line


def test_the_table_is_big_enough():
    """The issue asks for at least 100 distinct broken rulebooks."""
    assert len(TABLE) >= 100
    assert len({b.name for b in TABLE}) == len(TABLE)
    assert len({(b.file, b.old, b.new) for b in TABLE}) == len(TABLE)


@pytest.mark.parametrize("broken", TABLE, ids=str)
def test_broken_rulebook_is_reported_at_its_line_with_its_hint(minibook, broken: Broken):
    """`rules check` names the file and line of the mistake and says what to write instead."""
    line = _apply(minibook.root, broken) + broken.offset
    report = check_folder(minibook.root)
    where = broken.where or broken.file
    found = [
        p
        for p in report.problems
        if p.file.endswith(where) and all(n in p.message for n in broken.needles)
    ]
    shown = "\n".join(str(p) for p in report.problems)
    assert found, f"no problem in {where} mentions {broken.needles}; got:\n{shown}"
    assert any(p.line == line for p in found), f"expected line {line}; got:\n{shown}"
    assert len(report.problems) <= 3, f"a cascade of messages:\n{shown}"
