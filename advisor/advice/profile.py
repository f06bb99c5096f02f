"""The brand profile: facts about the business (not about one SKU) that the policy rules read.

Onboarding writes it, `trackright evaluate --profile FILE` reads it, and every SKU's facts are
merged with it before rules run. The file is plain YAML so a founder can read and edit it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import Problem, ProfileError
from advisor.rulebook.shapes import (
    Bool,
    Checker,
    Enum,
    Field,
    ListOf,
    MapOf,
    Market,
    Num,
    Obj,
    OneOf,
    Raw,
    Str,
)


@dataclass(frozen=True, slots=True)
class BrandProfile:
    """What the rules know about the brand as a whole.

    Every field has a neutral default so a catalog can be evaluated with no profile at all;
    `None` for a rate means "use the rulebook's per-vertical assumption".
    """

    brand: str = ""
    markets: tuple[str, ...] = ("IN",)
    currency: str = (
        ""  # of catalog prices that name none; "" = not said (the run states its assumption)
    )
    verticals: tuple[str, ...] = ()
    monthly_orders: int = 0
    units_per_order: float = 1.0
    return_rate: float | None = None
    bad_return_share: float | None = None
    counterfeit_incidents: int = 0
    warranty_offered: bool = False
    customised_goods: bool = False
    regulated_products: tuple[str, ...] = ()
    channels: tuple[str, ...] = ("website",)
    warehouses: int = 1
    price_ranges: tuple[tuple[str, float, float], ...] = ()  # (vertical, low, high) in `currency`
    columns: tuple[tuple[str, str], ...] = ()  # catalog field → header, as `--column FIELD=HEADER`

    @property
    def monthly_units(self) -> float:
        """Units shipped a month: labels are bought per unit, not per order."""
        return self.monthly_orders * self.units_per_order

    @property
    def multi_channel(self) -> bool:
        return len(self.channels) > 1

    @property
    def multi_warehouse(self) -> bool:
        return self.warehouses > 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in list(data.items()):
            if isinstance(value, tuple):
                data[key] = [list(v) if isinstance(v, tuple) else v for v in value]
        data["price_ranges"] = [
            {"vertical": v, "low": lo, "high": hi} for v, lo, hi in self.price_ranges
        ]
        data["columns"] = dict(self.columns)
        if not data["columns"]:
            del data["columns"]
        if not data["currency"]:
            del data["currency"]
        return data

    def save(self, path: str | Path) -> None:
        Path(path).write_text(
            "# trackright brand profile — read by `trackright evaluate --profile`\n"
            + yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )


_FIELDS = {f.name: f for f in fields(BrandProfile)}
_CODE = re.compile(r"[A-Z]{3}")
_SHARE = OneOf((Num(minimum=0, maximum=1), Enum(nullable=True)))
PROFILE_SHAPE = Obj(
    {
        "brand": Field(Str()),
        "markets": Field(
            ListOf(Market(), unique=True), False, "market codes, e.g. [IN, US, EU] (ISO 3166)"
        ),
        "currency": Field(
            Str(), False, "3-letter code of the prices a catalog gives none for, e.g. INR"
        ),
        "verticals": Field(ListOf(Enum(source="verticals"), unique=True)),
        "monthly_orders": Field(Num(minimum=0, integer=True)),
        "units_per_order": Field(Num(minimum=0)),
        "return_rate": Field(_SHARE, False, "null: the vertical's assumed rate (costs.yaml)"),
        "bad_return_share": Field(_SHARE),
        "counterfeit_incidents": Field(Num(minimum=0, integer=True)),
        "warranty_offered": Field(Bool()),
        "customised_goods": Field(Bool()),
        "regulated_products": Field(ListOf(Str(), unique=True)),
        "channels": Field(ListOf(Str(), unique=True), False, "more than one = multi_channel"),
        "warehouses": Field(Num(minimum=0, integer=True), False, "more than 1 = multi_warehouse"),
        "price_ranges": Field(Raw()),
        "columns": Field(
            MapOf(Str()), False, "catalog field → header name, as `--column FIELD=HEADER`"
        ),
    },
    doc="brand profile fields (see `trackright` onboarding); unset fields keep their defaults",
)
assert set(PROFILE_SHAPE.fields) == set(_FIELDS)


def check_profile(
    doc: Any, file: str, verticals: tuple[str, ...] = (), regulations: Any = ()
) -> tuple[list[Problem], list[Problem]]:
    """Problems (file:line) of a parsed profile document, and warnings worth a look.

    No warning is needed any more for an EU member listed without `EU`: a member country is
    covered by its union's regulations (`advisor.rulebook.markets.covered`). `regulations` is
    kept for callers that pass it.
    """
    if doc is None:
        return [], []
    checker = Checker(file, {"verticals": verticals} if verticals else {})
    ok = checker.check(doc, PROFILE_SHAPE, getattr(doc, "line", 1))
    problems = list(checker.problems)
    warnings: list[Problem] = []
    if ok:
        try:
            profile_from_mapping(dict(doc), file)
        except ProfileError as exc:
            message = str(exc).split(": ", 1)[-1]  # "<key>: what is wrong"
            key = message.split(":", 1)[0]
            line = doc.line_of(key) if hasattr(doc, "line_of") else getattr(doc, "line", 1)
            problems.append(Problem(file, line, message))
    return problems, warnings


_TUPLE_FIELDS = {"markets", "verticals", "regulated_products", "channels"}


def profile_from_mapping(data: dict[str, Any], source: str = "<profile>") -> BrandProfile:
    """Build a profile from parsed YAML/JSON, naming the bad key and the expected type."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a brand profile must be a mapping of keys to values")
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in _FIELDS:
            from advisor.rulebook.suggest import did_you_mean

            hint = did_you_mean(key, _FIELDS)
            raise ProfileError(f"{source}: unknown profile key '{key}'{hint}")
        values[key] = _coerce(key, raw, source)
    return BrandProfile(**values)


def _coerce(key: str, raw: Any, source: str) -> Any:
    def bad(expected: str) -> ProfileError:
        return ProfileError(f"{source}: profile key '{key}' expects {expected}, got {raw!r}")

    if key in _TUPLE_FIELDS:
        if isinstance(raw, str):
            return tuple(p.strip() for p in raw.split(",") if p.strip())
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise bad("a list of names")
        return tuple(raw)
    if key == "price_ranges":
        if not isinstance(raw, list):
            raise bad("a list of {vertical, low, high}")
        out = []
        for item in raw:
            try:
                out.append((str(item["vertical"]), float(item["low"]), float(item["high"])))
            except (KeyError, TypeError, ValueError):
                raise bad("entries like {vertical: fashion, low: 500, high: 3000}") from None
        return tuple(out)
    if key == "columns":
        if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw.items()
        ):
            raise bad("a mapping of catalog fields to header names, like {sku: ItemKey}")
        from difflib import get_close_matches

        from advisor.catalog.columns import FIELDS

        for k in raw:
            if k.strip() not in FIELDS:
                near = get_close_matches(k, FIELDS, n=1, cutoff=0.5)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise ProfileError(
                    f"{source}: columns: unknown field '{k}'{hint}; fields: {', '.join(FIELDS)}"
                )
        return tuple((k.strip(), v) for k, v in raw.items())
    if key == "currency":
        if not isinstance(raw, str) or (raw.strip() and not _CODE.fullmatch(raw.strip().upper())):
            raise bad("a 3-letter currency code such as INR, USD or VND")
        return raw.strip().upper()
    if key in {"warranty_offered", "customised_goods"}:
        if not isinstance(raw, bool):
            raise bad("true or false")
        return raw
    if key in {"monthly_orders", "counterfeit_incidents", "warehouses"}:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise bad("a whole number, 0 or more")
        return raw
    if key in {"units_per_order"}:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
            raise bad("a number above 0")
        return float(raw)
    if key in {"return_rate", "bad_return_share"}:
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1:
            raise bad("a share between 0 and 1 (for example 0.08 for 8%)")
        return float(raw)
    if not isinstance(raw, str):
        raise bad("text")
    return raw


def read_profile(path: str | Path) -> tuple[Any, list[Problem]]:
    """The located YAML of a profile file and its syntax problems (see `check_profile`)."""
    from advisor.rulebook.yamlsrc import load_located

    p = Path(path)
    if not p.exists():
        return None, [Problem(str(p), 1, "no such brand profile file")]
    if p.is_dir():
        return None, [Problem(str(p), 1, "this is a folder: give the brand profile file in it")]
    # read once, whatever it is: a pipe (`--profile <(…)`) cannot be read twice
    return load_located(p, str(p))


def load_profile(path: str | Path) -> BrandProfile:
    """Read a profile file (YAML or JSON); any problem is a ProfileError naming file and line."""
    p = Path(path)
    data, problems = read_profile(p)
    if not problems:
        problems, _ = check_profile(data, str(p))
    if problems:
        raise ProfileError("\n".join(str(x) for x in problems))
    return profile_from_mapping(dict(data or {}), str(p))


#: The vertical each regulated product of onboarding's list is sold in (`regulated_products`):
#: the recommendation shows it, and onboarding pre-ticks the products of the verticals chosen.
REGULATED_VERTICALS = {
    "food": "food",
    "supplements": "supplements",
    "otc_medicines": "otc_medicines",
    "medical_devices": "medical_devices",
    "cosmetics": "beauty",
    "mobile_phones": "mobile_phones",
    "childrens_products": "toys",
}


__all__ = [
    "PROFILE_SHAPE",
    "REGULATED_VERTICALS",
    "BrandProfile",
    "check_profile",
    "load_profile",
    "profile_from_mapping",
    "read_profile",
]
