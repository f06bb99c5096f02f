"""The typed rows that flow from catalog readers into classification and out to writers.

Readers never hand dictionaries to the rest of the advisor: every row read becomes either a
`SkuRecord` (good enough to decide) or a `RejectedRow` (with the reason a catalog manager can fix).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class SkuRecord(NamedTuple):
    """One sellable SKU as read from a catalog, before classification.

    A typed NamedTuple rather than a dataclass on purpose: a million-row catalog builds a
    million of these, and a tuple is built about six times faster than a frozen dataclass.
    Immutable all the same; change a copy with `rec._replace(currency="USD")`.

    `price` is what the unit sells for and `list_price` its regular price / MRP / compare-at
    price when the file gives one, both in `currency` as written in the file (already parsed to
    numbers; None when the file gives none, 0 included — a price of 0 is never a real value).
    Which of them is the unit's value is the rulebook's call (`classification.yaml`); conversion
    to the base currency happens in classification, where the rates live. `currency` is "" when
    the file does not say; the evaluation resolves it (option, profile, or a stated assumption).
    `category` holds one or more category paths (``A > B > C``), several separated by newlines.
    `nature` carries what the file says about the item's nature, normalised to words such as
    ``gift_card``, ``no_shipping``, ``virtual``, ``downloadable``, ``service``: classification
    decides from them whether the row is stock at all.
    `price_from` is "" when `price` / `list_price` are the row's own; otherwise the row has no
    price of its own and they were taken from related rows, naming which: ``variants`` (a
    variable / configurable parent valued at its dearest variant), ``parts`` (a dynamic bundle
    valued at the sum of its parts), ``default row`` (a store-view row of a SKU listed before).
    Either way the row is flagged in the output as having no price of its own.
    `row` is the 1-based data-row number in the source (header excluded) so every decision and
    every error can point back at the file.
    """

    row: int
    sku: str
    title: str = ""
    category: str = ""
    brand: str = ""
    price: float | None = None
    currency: str = ""
    hsn: str = ""
    gtin: str = ""
    product_category: str = ""  # Shopify "Product Category" / Google product category path
    product_type: str = ""  # Shopify "Type"
    tags: tuple[str, ...] = ()
    customised: bool | None = None  # explicit column; None = unknown, derive from title
    warranty_months: int | None = None
    extra: tuple[tuple[str, str], ...] = ()
    list_price: float | None = None
    nature: tuple[str, ...] = ()
    price_from: str = ""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be decided, with enough to find and fix it in the source file."""

    row: int
    reason: str
    sku: str = ""
    raw: str = ""
