"""Market and jurisdiction codes: ISO 3166-1 alpha-2 (from pycountry) plus a short list of unions.

A regulation's `jurisdiction` and a brand profile's `markets` must name the same code for a
floor to apply, so a typo (`UE` for `EU`) would silently switch a regulation off. Codes are
checked here with a "did you mean" that knows swaps (`UE` → `EU`), lower case (`in` → `IN`),
alpha-3 codes and country names (`IND`, `India` → `IN`) and the usual non-ISO spellings (`UK` →
`GB`, `EL` → `GR`).

Unions and blocs accepted besides the countries (documented in the README):

    EU    European Union (its members are listed in EU_MEMBERS)
    EEA   European Economic Area
    GCC   Gulf Cooperation Council
    EAEU  Eurasian Economic Union
    ASEAN Association of Southeast Asian Nations

A profile market selling in a member country sells in its union too (`covered`): a brand with
`markets: [NL]` is under the EU's regulations (EU FMD) as the law has it, without listing `EU`.
"""

from __future__ import annotations

from functools import cache

from advisor.rulebook.suggest import nearest

UNIONS: dict[str, str] = {
    "EU": "European Union",
    "EEA": "European Economic Area",
    "GCC": "Gulf Cooperation Council",
    "EAEU": "Eurasian Economic Union",
    "ASEAN": "Association of Southeast Asian Nations",
}
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
# Members of each union, so a market in a member country is covered by the union's regulations.
UNION_MEMBERS: dict[str, frozenset[str]] = {
    "EU": EU_MEMBERS,
    "EEA": EU_MEMBERS | {"IS", "LI", "NO"},
    "GCC": frozenset("SA AE KW QA BH OM".split()),
    "EAEU": frozenset("AM BY KZ KG RU".split()),
    "ASEAN": frozenset("BN KH ID LA MY MM PH SG TH VN".split()),
}
# Codes people write that ISO 3166-1 does not assign, and the code they mean.
NOT_ISO = {"UK": "GB", "EL": "GR"}


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → country name."""
    import pycountry

    return {c.alpha_2: c.name for c in pycountry.countries}


@cache
def codes() -> tuple[str, ...]:
    """Every accepted code, countries first (sorted), then the unions."""
    return (*sorted(countries()), *UNIONS)


def covered(markets: tuple[str, ...] | list[str] | frozenset[str]) -> frozenset[str]:
    """The markets and every union one of them belongs to (NL → NL, EU, EEA)."""
    out = set(markets)
    for union, members in UNION_MEMBERS.items():
        if out & members:
            out.add(union)
    return frozenset(out)


def name_of(code: str) -> str:
    return UNIONS.get(code) or countries().get(code, "")


def suggestion(text: str) -> str | None:
    """The code the author most likely meant by `text` (not itself a valid code), or None."""
    t = text.strip()
    up = t.upper()
    if up in NOT_ISO:
        return NOT_ISO[up]
    if up in countries() or up in UNIONS:
        return up
    try:
        import pycountry

        return pycountry.countries.lookup(t).alpha_2
    except LookupError:
        pass
    return nearest(up, codes())


def market_problem(value: str) -> str:
    """ "" for a valid code, else the message: what is wrong and the code probably meant."""
    if value in countries() or value in UNIONS:
        return ""
    near = suggestion(value)
    if near and value.upper() == near:
        return f'"{value}": write market codes in capitals: {near}'
    if near:
        return f'"{value}" is not an ISO 3166 country code or a known union (did you mean {near}, {name_of(near)}?)'
    return (
        f'"{value}" is not an ISO 3166 country code (like IN, US, DE) or a known union '
        f"({', '.join(UNIONS)})"
    )


__all__ = [
    "EU_MEMBERS",
    "NOT_ISO",
    "UNIONS",
    "UNION_MEMBERS",
    "codes",
    "countries",
    "covered",
    "market_problem",
    "name_of",
]
