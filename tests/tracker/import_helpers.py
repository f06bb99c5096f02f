"""Shop files for import tests and benchmarks: Shopify orders exports as Shopify writes them.

`SHOPIFY_HEADER` is the 79-column header of Shopify's orders export (Admin › Orders › Export),
checked against a real export row; `shopify_csv` writes one row per line item with the order's
own fields (dates, status, totals, addresses, source) on its first row only, as Shopify does.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,"
    "Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,"
    "Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")

_CITIES = (
    ("Bengaluru", "560034", "KA", "Karnataka"),
    ("Mumbai", "400050", "MH", "Maharashtra"),
    ("Pune", "411014", "MH", "Maharashtra"),
    ("New Delhi", "110017", "DL", "Delhi"),
    ("Chennai", "600020", "TN", "Tamil Nadu"),
    ("Kolkata", "700019", "WB", "West Bengal"),
)
_NAMES = ("Aarav Sharma", "Diya Patel", "Kabir Rao", "Ananya Iyer", "Rohan Das", "Meera Nair")


class Item(NamedTuple):
    """One line item: what Shopify writes in the Lineitem columns."""

    sku: str
    qty: int
    name: str = "Item"
    price: float = 100.0
    requires_shipping: bool = True
    status: str = "fulfilled"


class ShopOrder(NamedTuple):
    """One order of the export, with the order-level fields that sit on its first row."""

    name: str
    created: str
    items: tuple[Item, ...]
    fulfilled: str = ""
    cancelled: str = ""
    source: str = "web"
    status: str = "fulfilled"
    notes: str = ""


def shopify_rows(orders: Iterable[ShopOrder], seed: int = 7) -> Iterable[list[str]]:
    """The export's rows (header first)."""
    rng = random.Random(seed)
    yield list(SHOPIFY_HEADER)
    for n, o in enumerate(orders):
        city, zip_, prov, prov_name = _CITIES[n % len(_CITIES)]
        person = _NAMES[n % len(_NAMES)]
        phone = f"+9198{rng.randrange(10**8):08d}"
        subtotal = sum(i.qty * i.price for i in o.items)
        shipping = 0.0 if subtotal >= 499 else 49.0
        taxes = round(subtotal * 0.05 / 1.05, 2)
        street = f"{rng.randrange(1, 400)}, {rng.choice(('MG Road', 'Linking Road', '2nd Cross'))}"
        cod = rng.random() < 0.3
        ref = f"pay_{rng.randrange(16**14):014x}"
        for k, item in enumerate(o.items):
            row = dict.fromkeys(SHOPIFY_HEADER, "")
            row.update(
                {
                    "Name": o.name,
                    "Email": f"{person.split()[0].lower()}{n}@example.in",
                    "Lineitem quantity": str(item.qty),
                    "Lineitem name": item.name,
                    "Lineitem price": f"{item.price:.2f}",
                    "Lineitem sku": item.sku,
                    "Lineitem requires shipping": "true" if item.requires_shipping else "false",
                    "Lineitem taxable": "true",
                    "Lineitem fulfillment status": item.status,
                    "Lineitem discount": "0.00",
                    "Vendor": "Chaiwala Foods",
                }
            )
            if k == 0:
                row.update(
                    {
                        "Financial Status": "refunded" if o.cancelled else "paid",
                        "Paid at": o.created,
                        "Fulfillment Status": o.status,
                        "Fulfilled at": o.fulfilled,
                        "Accepts Marketing": rng.choice(("yes", "no")),
                        "Currency": "INR",
                        "Subtotal": f"{subtotal:.2f}",
                        "Shipping": f"{shipping:.2f}",
                        "Taxes": f"{taxes:.2f}",
                        "Total": f"{subtotal + shipping:.2f}",
                        "Discount Amount": "0.00",
                        "Shipping Method": "Standard Shipping",
                        "Created at": o.created,
                        "Billing Name": person,
                        "Billing Street": street,
                        "Billing Address1": street,
                        "Billing City": city,
                        "Billing Zip": f"'{zip_}",
                        "Billing Province": prov,
                        "Billing Country": "IN",
                        "Billing Phone": phone,
                        "Shipping Name": person,
                        "Shipping Street": street,
                        "Shipping Address1": street,
                        "Shipping City": city,
                        "Shipping Zip": f"'{zip_}",
                        "Shipping Province": prov,
                        "Shipping Country": "IN",
                        "Shipping Phone": phone,
                        "Notes": o.notes,
                        "Cancelled at": o.cancelled,
                        "Payment Method": "Cash on Delivery (COD)" if cod else "Razorpay Secure",
                        "Payment Reference": ref,
                        "Refunded Amount": f"{subtotal + shipping:.2f}" if o.cancelled else "0.00",
                        "Outstanding Balance": "0.00",
                        "Id": str(5_600_000_000_000 + n * 7919),
                        "Risk Level": "Low",
                        "Source": o.source,
                        "Tax 1 Name": "IGST 5%",
                        "Tax 1 Value": f"{taxes:.2f}",
                        "Phone": phone,
                        "Billing Province Name": prov_name,
                        "Shipping Province Name": prov_name,
                        "Payment ID": ref,
                        "Payment References": ref,
                    }
                )
            yield [row[h] for h in SHOPIFY_HEADER]


def write_shopify(path: Path, orders: Iterable[ShopOrder]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(shopify_rows(orders))
    return path


def stamp(day: int, minute: int = 0) -> str:
    """A Shopify timestamp in November 2026, India time."""
    return f"2026-11-{day:02d} {10 + minute // 60 % 10:02d}:{minute % 60:02d}:00 +0530"
