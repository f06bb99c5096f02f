"""Square's item library export: one row per variation, its item's name on every row.

Recognised by ``Token``, ``Item Name`` and ``Variation Name``. A variation's title is its item's
name with the variation's (``Flat White - Large``); Square's default variation, ``Regular``,
adds nothing. Cafés and bakeries leave ``SKU`` blank on made-to-order items: such a row is
keyed by its ``Token`` (and the variation's name where it is not ``Regular``), as the Square
dashboard itself tells variations apart, rather than refused for a missing SKU. ``Categories``
may list several categories (``Pantry,Dairy & Eggs``): each is a path; ``Reporting Category``
stands in when it is blank. ``Item Type`` says what is not stock: ``Service`` and ``Event`` are
services, ``Digital`` a download, ``Donation`` and ``Membership`` ship nothing. Square writes no
currency: the evaluation resolves it and says so.
"""

from __future__ import annotations

import re
from typing import ClassVar

from advisor.catalog import categories
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item

__all__ = ["SquareReader"]

_DEFAULT_VARIATION = "regular"
_SPACES = re.compile(r"\s+")


class SquareReader(PlatformReader):
    """Square item library rows, each a variation of the item it names."""

    format = "square"
    label = "Square item library"
    ROLE_OF: ClassVar[dict[str, str]] = {"category": "categories"}
    _NATURE: ClassVar[dict[str, tuple[str, ...]]] = {
        "service": ("service",),
        "event": ("service",),
        "digital": ("downloadable",),
        "donation": ("no_shipping",),
        "membership": ("no_shipping",),
    }

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        token, variation = cell(fields, "token"), cell(fields, "variation")
        own = variation if variation.lower() != _DEFAULT_VARIATION else ""
        title = cell(fields, "title")
        if own and title:
            title = f"{title} - {own}"
        sku = cell(fields, "sku")
        if not sku and token:
            sku = f"{token}-{_SPACES.sub('-', own.lower())}" if own else token
        listed = cell(fields, "categories") or cell(fields, "reporting")
        paths = [p.strip() for p in listed.split(",") if p.strip()]
        return self._builder.build(
            row,
            {
                "sku": sku,
                "title": title,
                "category": "\n".join(categories.generic(p) for p in paths),
                "product_type": cell(fields, "kind"),  # "Prepared food and beverage"
                "price": cell(fields, "price"),
                "gtin": cell(fields, "gtin"),
                "currency": cell(fields, "currency"),
                "nature": self._NATURE.get(cell(fields, "kind").lower(), ()),
            },
            (("token", token),) if token else (),
            join_raw(fields, self.delimiter),
        )
