"""Loading `currencies.yaml`: the base currency, each rate with its date and source, the unit-value rule.

`CURRENCIES_SHAPE` is the file's shape (in `files.SCHEMAS` with the others); `_currencies` turns
the checked document into `Currencies` and adds what the shape cannot say (the base currency
listed at rate 1, a plausible-median range that is a range); `_moved_keys` tells the owner of a
rules copy made before this file existed where `base_currency` and `currencies` went.
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.errors import Problem
from advisor.rulebook.model import PRICE_FIELDS, Currencies, Rate
from advisor.rulebook.shapes import Date, Enum, Field, ListOf, MapOf, Num, Obj, Str

CODE = Str(pattern=r"[A-Z]{3}", pattern_hint="is not a 3-letter currency code like INR")

CURRENCIES_SHAPE = Obj(
    {
        "base_currency": Field(
            CODE, True, "currency every price is converted to before bands are compared"
        ),
        "as_of": Field(Date(), True, "date of the rates (an entry's own as_of wins)"),
        "source": Field(Str(), True, "where the rates come from (an entry's own source wins)"),
        "unit_value": Field(
            ListOf(Enum(PRICE_FIELDS), min_items=1, unique=True),
            True,
            "which price is the unit's value: the first of these a row has",
        ),
        "plausible_median": Field(
            Obj(
                {
                    "low": Field(Num(minimum=0), True, "lowest plausible median, base currency"),
                    "high": Field(Num(minimum=0), True, "highest plausible median"),
                    "sample_rows": Field(
                        Num(minimum=1, integer=True), True, "priced rows the check reads"
                    ),
                }
            ),
            True,
            "the check on prices whose currency a run assumed",
        ),
        "currencies": Field(
            MapOf(
                Obj(
                    {
                        "rate": Field(
                            Num(minimum=1e-12),
                            True,
                            "1 unit of this currency in the base currency",
                        ),
                        "name": Field(Str(), False, "the currency's name"),
                        "decimals": Field(
                            Num(minimum=0, maximum=4, integer=True),
                            False,
                            "ISO 4217 minor unit digits (default 2)",
                        ),
                        "as_of": Field(Date(), False, "date of this rate"),
                        "source": Field(Str(), False, "where this rate comes from"),
                    }
                ),
                key=CODE,
            ),
            True,
            "every currency a price may be in, with its rate",
        ),
    }
)


def _currencies(doc, file, checked, problems) -> Currencies | None:
    """`currencies.yaml` as typed rates; the base currency must be listed at rate 1."""
    if not checked.get("currencies.yaml"):
        return None
    base = doc["base_currency"]
    table = doc["currencies"]
    rates: dict[str, Rate] = {}
    for code, entry in table.items():
        rates[code] = Rate(
            code,
            float(entry["rate"]),
            str(entry.get("name", code)),
            int(entry.get("decimals", 2)),
            str(entry.get("as_of", doc["as_of"])),
            str(entry.get("source", doc["source"])),
            table.line_of(code),
        )
    ok = True
    if base not in rates:
        problems.append(
            Problem(
                file,
                doc.line_of("currencies"),
                f"currencies: the base currency {base} must be listed, with rate 1",
            )
        )
        ok = False
    elif rates[base].rate != 1:
        problems.append(
            Problem(
                file,
                rates[base].line,
                f"currencies.{base}: the base currency's rate must be 1, got {rates[base].rate:g}",
            )
        )
        ok = False
    check = doc["plausible_median"]
    if float(check["high"]) <= float(check["low"]):
        problems.append(
            Problem(
                file,
                check.line_of("high"),
                f"plausible_median.high: must be above low ({float(check['low']):g}), "
                f"got {float(check['high']):g}",
            )
        )
        ok = False
    if not ok:
        return None
    return Currencies(
        base,
        rates,
        tuple(doc["unit_value"]),
        float(check["low"]),
        float(check["high"]),
        int(check["sample_rows"]),
        file,
    )


def _moved_keys(doc, file, problems) -> None:
    """A rules copy made before currencies.yaml existed: say where the keys went (instead of
    the schema's plain "unknown key"), and where to get the file."""
    from advisor.rulebook.load import bundled_rules_dir

    for i, p in enumerate(problems):
        if p.file.endswith("currencies.yaml") and p.message.startswith("missing rules file"):
            problems[i] = Problem(
                p.file,
                p.line,
                p.message + f" (copy it from the bundled rules, {bundled_rules_dir()}, "
                "and move base_currency and currencies into it)",
            )
    if not isinstance(doc, Mapping):
        return
    moved = [key for key in ("base_currency", "currencies") if key in doc]
    problems[:] = [
        p
        for p in problems
        if not (p.file == file and any(p.message.startswith(f"unknown key '{k}'") for k in moved))
    ]
    for key in moved:
        problems.append(
            Problem(
                file,
                doc.line_of(key),
                f"'{key}' moved to currencies.yaml: move it there (rates are written "
                "`USD: {rate: 94.96}` with a date and source; see the bundled currencies.yaml)",
                column=doc.col_of(key) if hasattr(doc, "col_of") else 0,
            )
        )


__all__ = ["CODE", "CURRENCIES_SHAPE"]
