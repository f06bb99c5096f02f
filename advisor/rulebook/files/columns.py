"""What columns.yaml may hold: header names by field, ID and product-key columns, and each
platform's columns."""

from __future__ import annotations

from advisor.catalog.columns import FIELDS, PLATFORM_ROLES
from advisor.rulebook.shapes import Enum, Field, ListOf, Obj, Str

_NAMES = ListOf(Str(), min_items=1, unique=True)

COLUMNS_SHAPE = Obj(
    {
        "fields": Field(
            Obj({f: Field(_NAMES, False, f"header names of `{f}`, best first") for f in FIELDS}),
            True,
            "per field, the header names that feed it, best first",
        ),
        "ids": Field(
            ListOf(Str(), unique=True),
            False,
            "ID columns read as the SKU when no `fields.sku` column is there, best first",
        ),
        "product_keys": Field(
            ListOf(Str(), unique=True),
            False,
            "columns a product's variant rows share (Parent SKU): a row with no title of its own "
            "takes its product's, best first",
        ),
        "id_words": Field(
            ListOf(Str(), unique=True),
            False,
            "words that, whole in a header no name matches, make it the SKU of a file with no "
            "SKU or ID column (Odoo's `Odnośnik wewnętrzny`); the run says which column it read",
        ),
        "tax_qualifiers": Field(
            Obj(
                {
                    "inclusive": Field(
                        ListOf(Str(), unique=True),
                        False,
                        "endings that say a price includes tax (incl. VAT, TTC, inkl. MwSt.)",
                    ),
                    "exclusive": Field(
                        ListOf(Str(), unique=True),
                        False,
                        "endings that say a price is net of tax (excl. VAT, HT, netto)",
                    ),
                }
            ),
            False,
            "tax endings of a header that still names the column (`Verkoopprijs incl. btw`)",
        ),
        "platforms": Field(
            Obj(
                {
                    kind: Field(
                        Obj(
                            {
                                "mark": Field(
                                    ListOf(
                                        ListOf(Enum(values=roles), min_items=1, unique=True),
                                        min_items=1,
                                    ),
                                    True,
                                    "sets of roles whose columns, all present, identify the export",
                                ),
                                "columns": Field(
                                    Obj(
                                        {
                                            r: Field(
                                                _NAMES, False, "header names, first found wins"
                                            )
                                            for r in roles
                                        }
                                    ),
                                    True,
                                ),
                            }
                        ),
                        False,
                        f"{kind}'s export; a rulebook without it reads that export as a plain CSV",
                    )
                    for kind, roles in PLATFORM_ROLES.items()
                }
            ),
            True,
            "the columns of each store platform's own export, by role",
        ),
    }
)

__all__ = ["COLUMNS_SHAPE"]
