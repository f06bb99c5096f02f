"""The facts rules may test: the policy's (classification plus the brand profile) and the returns desk's.

Each is a `FactSpec` (type, allowed values, range); the condition parser, the JSON Schemas and
lint all read these, so a fact added here is known everywhere at once.
"""

from __future__ import annotations

from advisor.rulebook.conditions import FactSpec
from tracker.vocabulary import (  # the rulebook speaks the tracker's vocabulary
    METHODS,
    RETURN_REASONS,
)


def policy_facts(
    verticals: tuple[str, ...], bands: tuple[str, ...], regulations: tuple[str, ...]
) -> dict[str, FactSpec]:
    """The facts policy rules may test; classification and the brand profile fill them."""
    specs = [
        FactSpec(
            "vertical",
            "enum",
            "the SKU's vertical (classification.yaml)",
            verticals,
            unknown=not verticals,
        ),
        FactSpec(
            "value_band",
            "enum",
            "the SKU's value band within its vertical",
            bands,
            unknown=not bands,
        ),
        FactSpec("unit_value", "number", "unit price in the base currency", minimum=0),
        FactSpec("regulated", "bool", "at least one regulation applies"),
        FactSpec("regulation", "set", "ids of the regulations that apply", regulations),
        FactSpec("customised", "bool", "made to order / personalised unit"),
        FactSpec("warranty", "bool", "the SKU carries a warranty"),
        FactSpec("has_gtin", "bool", "the catalog gives a GTIN / EAN barcode"),
        FactSpec("category", "text", "the catalog's category path, lower case"),
        FactSpec("title", "text", "the product title (use `matches`)"),
        FactSpec("brand", "text", "brand or vendor"),
        FactSpec("monthly_orders", "number", "brand profile: orders a month", minimum=0),
        FactSpec("monthly_units", "number", "brand profile: units shipped a month", minimum=0),
        FactSpec(
            "return_rate",
            "number",
            "brand profile return rate, else the vertical's assumption (0-1)",
            minimum=0,
            maximum=1,
        ),
        FactSpec(
            "counterfeit_incidents",
            "number",
            "brand profile: fake or wrong-item returns seen a month",
            minimum=0,
        ),
        FactSpec("warranty_offered", "bool", "brand profile: the brand offers warranties"),
        FactSpec("customised_goods", "bool", "brand profile: the brand sells customised goods"),
        FactSpec("multi_channel", "bool", "brand profile: sells on more than one channel"),
        FactSpec("multi_warehouse", "bool", "brand profile: stock sits in more than one warehouse"),
        FactSpec("warehouses", "number", "brand profile: number of warehouses", minimum=0),
    ]
    return {s.name: s for s in specs}


RETURN_FACTS: dict[str, FactSpec] = {
    s.name: s
    for s in [
        FactSpec("id_known", "bool", "the scanned serial / LPN / lot is in the store"),
        FactSpec("ever_shipped", "bool", "the unit was ever shipped"),
        FactSpec(
            "shipped_on_this_order",
            "bool",
            "the unit (or lot) went out on the order being returned",
        ),
        FactSpec(
            "already_returned_on_this_order", "bool", "it was already returned against this order"
        ),
        FactSpec("lot_recalled", "bool", "its lot is recalled"),
        FactSpec("lot_expired", "bool", "its lot is past expiry"),
        FactSpec("return_requires_qc", "bool", "the SKU's policy sends returns to QC"),
        FactSpec(
            "return_count",
            "number",
            "times this unit has been returned, this return included",
            minimum=0,
        ),
        FactSpec("reason", "enum", "the customer's return reason", RETURN_REASONS),
        FactSpec("method", "enum", "tracking method of the SKU", (*METHODS, "unknown")),
    ]
}


# Facts a regulation's `applies_to.when` may not test: they are what the scope decides.
SCOPE_EXCLUDED = ("regulated", "regulation")


def scope_facts(policy: dict[str, FactSpec]) -> dict[str, FactSpec]:
    """The policy facts a regulation's scope may test (everything but the regulation facts)."""
    return {k: v for k, v in policy.items() if k not in SCOPE_EXCLUDED}


__all__ = ["RETURN_FACTS", "SCOPE_EXCLUDED", "policy_facts", "scope_facts"]
