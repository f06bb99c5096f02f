"""The options every deciding command shares: --rules, --profile, --as-of, --currency, --column.

One definition each, so `evaluate`, `decide`, `rules diff / lint / explain` and `track` spell and
document them alike; `catalog_options` adds the options of a command that reads a catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = [
    "AS_OF_OPTION",
    "COLUMN_OPTION",
    "CURRENCY_OPTION",
    "INPUT_FORMAT_OPTION",
    "RULES_OPTION",
    "column_mapping",
    "load_profile_option",
    "profile_option",
]

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
    type=click.Choice(
        ["auto", "csv", "shopify", "woocommerce", "magento", "vendure", "json", "jsonl"]
    ),
    default="auto",
    show_default=True,
    help="Force the catalog format instead of detecting it.",
)


def profile_option(help: str = "Brand profile YAML.") -> Callable[[Any], Any]:  # noqa: A002
    """The --profile option every deciding command shares."""
    return click.option(
        "--profile", "profile_path", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def load_profile_option(profile_path: Path | None):  # type: ignore[no-untyped-def]
    """The brand profile a --profile option names, or the neutral one."""
    from advisor.advice.profile import BrandProfile, load_profile

    return load_profile(profile_path) if profile_path else BrandProfile()


def column_mapping(values: tuple[str, ...]) -> dict[str, str]:
    """`--column` values as a field → header mapping (a CatalogError when one is malformed)."""
    from advisor.catalog.columns import parse_column_options

    return parse_column_options(values)
