"""The options the CLI's commands share: --rules, --profile, --as-of, --store, --currency, --column.

One definition each, so `evaluate`, `decide`, `rules diff / lint / explain` and `track` spell and
document them alike. `--rules`, `--profile`, `--as-of` and the tracker verbs' `--store`,
`--rules`, `--read-only` (`SESSION_OPTIONS`) are defined in `advisor.commands.options`, which the
app may use too, and re-exported here; the catalog options are the CLI's own. `sku_options` are
the SKU's fields given as options (`decide`, `explain`), and `open_catalog_rows` reads a catalog
as `evaluate` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from advisor.catalog.readers import FORMATS
from advisor.commands.options import AS_OF_OPTION, RULES_OPTION, SESSION_OPTIONS, profile_option
from advisor.errors import TrackrightError

__all__ = [
    "AS_OF_OPTION",
    "COLUMN_OPTION",
    "CURRENCY_OPTION",
    "INPUT_FORMAT_OPTION",
    "RULES_OPTION",
    "SESSION_OPTIONS",
    "column_mapping",
    "load_profile_option",
    "open_catalog_rows",
    "profile_option",
    "say_currency_plainly",
    "sku_from_catalog",
    "sku_from_options",
    "sku_options",
]

CURRENCY_OPTION = click.option(
    "--currency",
    metavar="CODE",
    help="Currency of prices the catalog gives none for (Shopify, WooCommerce exports) "
    "[default: the profile's; else the base currency, stated on stderr].",
)

COLUMN_OPTION = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Read FIELD from the column named HEADER, e.g. --column sku=ItemKey (repeatable; "
    "also `columns:` in the brand profile).",
)

INPUT_FORMAT_OPTION = click.option(
    "--input-format",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="Force the catalog format instead of detecting it.",
)


def load_profile_option(profile_path: Path | None):  # type: ignore[no-untyped-def]
    """The brand profile a --profile option names, or the neutral one."""
    from advisor.advice.profile import BrandProfile, load_profile

    return load_profile(profile_path) if profile_path else BrandProfile()


def column_mapping(values: tuple[str, ...]) -> dict[str, str]:
    """`--column` values as a field → header mapping (a CatalogError when one is malformed)."""
    from advisor.catalog.columns import parse_column_options

    return parse_column_options(values)


def say_currency_plainly(check) -> None:  # type: ignore[no-untyped-def]
    """State on stderr the currency a run assumed for prices that name none, if it assumed one,
    and the SKU column, if it was found by a word of its name."""
    for note in (check.reading_note(), check.message()):
        if note:
            click.echo(f"trackright: {note}", err=True)


def open_catalog_rows(catalog: Path, book, profile, currency, columns, profile_path):  # type: ignore[no-untyped-def]
    """The catalog as `evaluate` reads it (same columns, same currency); its check is stated."""
    from advisor.advice.run import open_rows

    opened = open_rows(
        catalog,
        book,
        profile,
        currency=currency,
        columns=column_mapping(columns),
        profile_name=str(profile_path or ""),
    )
    say_currency_plainly(opened.currency)
    return opened


def sku_from_options(opts: dict[str, Any], json_text: str | None):  # type: ignore[no-untyped-def]
    """The SKU given by `--json` and the field options (options win over JSON keys)."""
    from advisor.authoring.sku_fields import SKU_ALIASES, sku_from_fields

    fields: dict[str, Any] = {}
    if json_text:
        try:
            data = json.loads(
                Path(json_text[1:]).read_text() if json_text.startswith("@") else json_text
            )
        except (OSError, json.JSONDecodeError) as exc:
            raise TrackrightError(f"--json: not a JSON object ({exc})") from None
        if not isinstance(data, dict):
            raise TrackrightError("--json expects one JSON object with the SKU's fields")
        for k, v in data.items():
            fields[SKU_ALIASES.get(k.lower(), k.lower())] = v
    for k, v in opts.items():
        if v not in (None, ()):
            fields[k] = v
    return sku_from_fields(fields, option_prefix="--")


def sku_options(f):  # type: ignore[no-untyped-def]
    """The SKU field options of `decide`, shared with `explain`."""
    for decorator in reversed(
        [
            click.option("--sku", help="SKU code (with --catalog: the SKU to explain)."),
            click.option("--title", help="Product title."),
            click.option("--category", help="Category path, e.g. 'Electronics > Mobile Phones'."),
            click.option("--product-category", help="Shopify / Google product category path."),
            click.option("--type", "product_type", help="Shopify product type."),
            click.option("--tags", help="Comma-separated tags."),
            click.option("--brand", help="Brand or vendor."),
            click.option("--price", help="Unit price, e.g. 1299, '₹1,299.00' or 'Rs. 399'."),
            click.option(
                "--currency",
                metavar="CODE",
                help="Price currency (with --catalog: of prices the file gives none for); "
                "default: the profile's, else the base currency.",
            ),
            click.option("--hsn", help="HSN code."),
            click.option("--gtin", help="GTIN / EAN barcode."),
            click.option(
                "--customised/--not-customised", default=None, help="Made to order / personalised."
            ),
            click.option(
                "--warranty-months", type=click.IntRange(min=0), help="Warranty length in months."
            ),
            click.option(
                "--json", "json_text", metavar="JSON|@FILE", help="The SKU's fields as JSON."
            ),
        ]
    ):
        f = decorator(f)
    return f


def sku_from_catalog(opened, catalog: Path, sku: str | None):  # type: ignore[no-untyped-def]
    """The row of an opened catalog (`open_catalog_rows`) whose SKU is `sku`, read as `evaluate` reads it."""
    from advisor.catalog.records import SkuRecord

    if not sku:
        raise TrackrightError("--catalog needs --sku: which SKU of the catalog to explain")
    with opened.reader() as reader:
        for item in reader:
            if isinstance(item, SkuRecord) and item.sku == sku:
                if not item.currency:  # as `evaluate` reads it
                    item = item._replace(currency=opened.currency.choice.code)
                return item
            if not isinstance(item, SkuRecord) and item.sku == sku:
                raise TrackrightError(
                    f"{catalog}: row {item.row}: SKU {sku} was rejected: {item.reason}"
                )
    raise TrackrightError(f"{catalog}: no SKU {sku!r}")
