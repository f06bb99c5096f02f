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

from advisor.errors import ProfileError


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
_TUPLE_FIELDS = {"markets", "verticals", "regulated_products", "channels"}


def profile_from_mapping(data: dict[str, Any], source: str = "<profile>") -> BrandProfile:
    """Build a profile from parsed YAML/JSON, naming the bad key and the expected type."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a brand profile must be a mapping of keys to values")
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in _FIELDS:
            from difflib import get_close_matches

            near = get_close_matches(str(key), list(_FIELDS), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
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


def load_profile(path: str | Path) -> BrandProfile:
    """Read a profile file (YAML or JSON); any problem is a ProfileError naming the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ProfileError(f"{p}: cannot read the brand profile ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ProfileError(f"{p}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    return profile_from_mapping(data, str(p))


__all__ = ["BrandProfile", "load_profile", "profile_from_mapping"]
