"""Vendure's product import CSV: a product row, then its variant rows with a blank name.

Recognised by ``name``, ``slug``, ``facets``, ``sku`` and ``price``. Headers and cells come
space-padded (`` name , sku ``) and are read clean. A row with a blank ``name`` is a further
variant of the product above and inherits its name, facets and description; its title is the
product's name with the variant's ``optionValues`` (``13 inch|8GB`` → ``Laptop - 13 inch / 8GB``).
``facets`` (``category:Electronics|category:Computers|brand:Apple``) give the category path and
the brand, other facets become tags; ``price`` is in major units, with no currency in the file.
"""

from __future__ import annotations

from advisor.catalog import categories
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item

__all__ = ["VendureReader"]


class VendureReader(PlatformReader):
    """Streams a Vendure import file, variant rows completed from their product row."""

    format = "vendure"
    label = "Vendure product import"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._product = {"title": "", "facets": "", "slug": ""}

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        if cell(fields, "title"):
            self._product = {k: cell(fields, k) for k in ("title", "facets", "slug")}
        product = self._product
        category, brand, rest = categories.vendure_facets(product["facets"])
        v_cat, v_brand, v_rest = categories.vendure_facets(cell(fields, "variant_facets"))
        options = [o.strip() for o in cell(fields, "options").split("|") if o.strip()]
        title = product["title"] + (f" - {' / '.join(options)}" if options else "")
        extra = [("slug", product["slug"])] if product["slug"] else []
        return self._builder.build(
            row,
            {
                "sku": cell(fields, "sku"),
                "title": title,
                "category": v_cat or category,
                "brand": v_brand or brand,
                "tags": [*rest, *v_rest],
                "price": cell(fields, "price"),
                "currency": cell(fields, "currency"),
                "gtin": cell(fields, "gtin"),
                "hsn": cell(fields, "hsn"),
            },
            tuple(extra),
            join_raw(fields, self.delimiter),
        )
