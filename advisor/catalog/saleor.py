"""Saleor's fixture JSON (``populatedb_data.json``): Django model rows, joined into variants.

A fixture is a list of ``{"model": "product.productvariant", "pk": 7, "fields": {…}}`` objects,
one per database row of every model. The sellable rows are the product variants; their name,
category, product type (``is_shipping_required``) and price (``productvariantchannellisting``:
``price_amount`` + ``currency``, major units) live in other rows, anywhere in the file. The
variants are returned in file order, each as a flat object the JSON reader matches like any
other (row = the variant's position in the list); every other model row is not data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["is_fixture", "variants_of_fixture"]


def is_fixture(obj: Any) -> bool:
    """True for one Django fixture row (``model`` and ``fields`` keys)."""
    return isinstance(obj, dict) and "model" in obj and isinstance(obj.get("fields"), dict)


def _model(obj: dict) -> str:
    return str(obj.get("model", "")).lower().rsplit(".", 1)[-1]


def variants_of_fixture(elements: Iterable[tuple[int, Any]]) -> tuple[list[tuple[int, dict]], int]:
    """(row, flat variant object) for every product variant, and how many rows were not data."""
    categories: dict[Any, str] = {}
    types: dict[Any, dict] = {}
    products: dict[Any, dict] = {}
    variants: list[tuple[int, Any, dict]] = []
    prices: dict[Any, tuple[Any, str]] = {}
    other = 0
    for row, obj in elements:
        if not is_fixture(obj):
            other += 1
            continue
        model, pk, f = _model(obj), obj.get("pk"), obj["fields"]
        if model == "category":
            categories[pk] = str(f.get("name") or f.get("slug") or "")
            other += 1
        elif model == "producttype":
            types[pk] = f
            other += 1
        elif model == "product":
            products[pk] = f
            other += 1
        elif model == "productvariant":
            variants.append((row, pk, f))
        elif model == "productvariantchannellisting":
            variant = f.get("variant")
            if variant not in prices and f.get("price_amount") not in (None, ""):
                prices[variant] = (f.get("price_amount"), str(f.get("currency") or ""))
            other += 1
        else:
            other += 1
    return list(_flat(variants, products, types, categories, prices)), other


def _flat(variants, products, types, categories, prices) -> Iterator[tuple[int, dict]]:
    for row, pk, f in variants:
        product = products.get(f.get("product"), {})
        ptype = types.get(product.get("product_type"), {})
        name = str(product.get("name") or "")
        own = str(f.get("name") or "")
        slug = str(product.get("slug") or name or f"variant-{pk}")
        out: dict[str, Any] = {
            "sku": f.get("sku") or f"{slug}-{own or pk}".lower().replace(" ", "-"),
            "title": f"{name} - {own}" if name and own and own != name else (name or own),
            "category": categories.get(product.get("category"), ""),
            "product_type": str(ptype.get("name") or ""),
        }
        if "is_shipping_required" in ptype:
            out["requires_shipping"] = ptype["is_shipping_required"]
        price = prices.get(pk)
        if price is not None:
            out["price"], out["currency"] = price[0], price[1].upper()
        yield row, out
