"""Loading `classification.yaml`: verticals, their signals and value bands, and currency rates.

One function (`_classification`) builds the `Classification` from the checked document and adds
the problems that need more than the file's shape (band order, duplicate HSN prefixes, the base
currency's rate).
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.errors import Problem
from advisor.rulebook.model import Classification, Vertical


def _classification(docs, names, checked, problems) -> Classification | None:
    doc = docs.get("classification.yaml")
    if not checked.get("classification.yaml"):
        _band_order(doc, names["classification.yaml"], problems)
        return None
    file = names["classification.yaml"]
    bands = tuple(doc["value_bands"])
    verticals: dict[str, Vertical] = {}
    for vid, v in doc["verticals"].items():
        vline = doc["verticals"].line_of(vid)
        raw_bands = v["value_bands"]
        if bands[0] not in raw_bands or raw_bands[bands[0]] != 0:
            problems.append(
                Problem(
                    file,
                    raw_bands.line_of(bands[0])
                    if bands[0] in raw_bands
                    else v.line_of("value_bands"),
                    f"verticals.{vid}.value_bands: the lowest band '{bands[0]}' must start at 0 so every price has a band",
                )
            )
        ordered = [(b, float(raw_bands[b])) for b in bands if b in raw_bands]
        for (b1, x1), (b2, x2) in zip(ordered, ordered[1:], strict=False):
            if x2 <= x1:
                problems.append(
                    Problem(
                        file,
                        raw_bands.line_of(b2),
                        f"verticals.{vid}.value_bands.{b2}: must be above {b1} ({x1:g}), got {x2:g}",
                    )
                )
        verticals[vid] = Vertical(
            vid,
            v["label"],
            tuple(v.get("hsn", ())),
            tuple(c.lower() for c in v.get("categories", ())),
            tuple(k.lower() for k in v.get("keywords", ())),
            tuple(ordered),
            vline,
        )
    seen_hsn: dict[str, str] = {}
    for vid, vert in verticals.items():
        hsn_items = doc["verticals"][vid].get("hsn") or ()
        for i, prefix in enumerate(vert.hsn):
            if prefix in seen_hsn:
                problems.append(
                    Problem(
                        file,
                        hsn_items.line_of(i) if hasattr(hsn_items, "line_of") else vert.line,
                        f"verticals.{vid}.hsn: prefix {prefix} is also listed under {seen_hsn[prefix]}; an HSN prefix can identify only one vertical",
                    )
                )
            seen_hsn[prefix] = vid
    base = doc["base_currency"]
    rates = {k: float(r) for k, r in doc["currencies"].items()}
    if base not in rates:
        problems.append(
            Problem(
                file,
                doc.line_of("currencies"),
                f"currencies: the base currency {base} must be listed with rate 1",
            )
        )
    elif rates[base] != 1:
        problems.append(
            Problem(
                file,
                doc["currencies"].line_of(base),
                f"currencies.{base}: the base currency's rate must be 1, got {rates[base]:g}",
            )
        )
    keywords = tuple(
        k.lower() for k in doc.get("signals", {}).get("customised", {}).get("keywords", ())
    )
    return Classification(base, rates, bands, verticals, doc["fallback_vertical"], keywords)


def _band_order(doc, file, problems) -> None:
    """Band bounds must ascend; checked even when other parts of the file are broken."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("verticals"), Mapping):
        return
    bands = doc.get("value_bands") if isinstance(doc.get("value_bands"), list) else []
    for vid, v in doc["verticals"].items():
        raw = v.get("value_bands") if isinstance(v, Mapping) else None
        if not isinstance(raw, Mapping):
            continue
        ordered = [(b, raw[b]) for b in bands if b in raw and isinstance(raw[b], int | float)]
        for (b1, x1), (b2, x2) in zip(ordered, ordered[1:], strict=False):
            if x2 <= x1:
                problems.append(
                    Problem(
                        file,
                        raw.line_of(b2),
                        f"verticals.{vid}.value_bands.{b2}: must be above {b1} ({x1:g}), got {x2:g}",
                    )
                )


__all__: list[str] = []
