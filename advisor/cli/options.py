"""The options several commands share: --rules, --as-of, --profile, and the SKU given as options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from advisor.errors import TrackrightError

RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="TRACKRIGHT_RULES",
    show_envvar=True,
    help="Rules folder (default: the rules bundled with trackright).",
)


AS_OF_OPTION = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Decide as on this date (regulations' effective_from).",
)


def profile_option(help: str = "Brand profile YAML."):  # noqa: A002 - click's own word
    """The --profile option every deciding command shares."""
    return click.option(
        "--profile", "profile_path", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def sku_from_options(opts: dict[str, Any], json_text: str | None):
    """The SKU given by `--json` and the field options (options win over JSON keys)."""
    from advisor.authoring.explain import SKU_ALIASES, sku_from_fields

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


def sku_options(f):
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
            click.option("--currency", help="Price currency (default: the profile's)."),
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


def sku_from_catalog(catalog: Path, sku: str | None):
    from advisor.catalog import open_catalog
    from advisor.catalog.records import SkuRecord

    if not sku:
        raise TrackrightError("--catalog needs --sku: which SKU of the catalog to explain")
    with open_catalog(catalog) as reader:
        for item in reader:
            if isinstance(item, SkuRecord) and item.sku == sku:
                return item
            if not isinstance(item, SkuRecord) and item.sku == sku:
                raise TrackrightError(
                    f"{catalog}: row {item.row}: SKU {sku} was rejected: {item.reason}"
                )
    raise TrackrightError(f"{catalog}: no SKU {sku!r}")


__all__ = ["AS_OF_OPTION", "RULES_OPTION", "profile_option", "sku_options"]
