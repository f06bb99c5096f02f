"""Reading the files an import takes: a Shopify orders export, a generic orders CSV, a returns list.

Each reader yields typed lines with the line number where the row starts in the file (what an
editor shows; a spreadsheet's row number too unless a cell holds a line break, as Shopify's
notes may). A line that cannot be used keeps its `problem` rather than stopping the file, so
the import accounts for every line. Column names are matched loosely (case, spaces,
underscores), and a Shopify export is told apart by its own header (`Name`, `Lineitem sku`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from .records import OrderLine, ReturnLine

#: Generic column names (after `_norm`) and what each means.
ORDER_COLUMNS = {
    "order": ("order", "order_id", "order_no", "order_number", "order_name", "so"),
    "sku": ("sku", "item_sku", "product_sku", "lineitem_sku", "variant_sku"),
    "qty": ("qty", "quantity", "units", "lineitem_quantity"),
    "date": ("date", "shipped_at", "shipped_on", "ship_date", "fulfilled_at", "created_at"),
    "serial": ("serial", "serials", "lpn", "serial_or_lpn", "identifier", "scan", "barcode"),
    "channel": ("channel", "source", "sales_channel", "marketplace"),
    "location": ("location", "warehouse", "ship_from"),
}
RETURN_COLUMNS = {
    "order": ORDER_COLUMNS["order"],
    "identifier": ("identifier", "serial", "lpn", "serial_or_lpn", "barcode", "scan", "id"),
    "sku": ("sku", "item_sku", "product_sku", "item"),
    "reason": ("reason", "return_reason", "why"),
    "qty": ORDER_COLUMNS["qty"],
    "date": ("date", "returned_at", "returned_on", "return_date", "received_at"),
    "location": ("location", "warehouse", "put_to"),
}
#: The Shopify orders export columns an import reads (the export has 79; the rest are ignored).
SHOPIFY_REQUIRED = ("Name", "Lineitem sku", "Lineitem quantity")
_SPLIT = re.compile(r"[\s,;|]+")
#: Most characters of a channel name kept on an order.
MAX_CHANNEL = 64


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower()).strip("_")


def _open(path: str | Path):
    try:
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - the caller closes
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None


def rows(path: str | Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line where the row starts, {column: cell}) for every row of a CSV file with a cell
    filled (a row of empty cells, as spreadsheets leave at the end, is not a line)."""
    with _open(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if not header:
                raise InputError(f"{path}: the file is empty (no header row)")
            header = [h.strip() for h in header]
            start = reader.line_num + 1
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield start, dict(zip(header, (c.strip() for c in cells), strict=False))
                start = reader.line_num + 1
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: not UTF-8 text", hint="save the file as CSV UTF-8 and import it again"
            ) from None
        except csv.Error as err:
            raise InputError(f"{path}:{reader.line_num}: not a readable CSV ({err})") from None


def header_of(path: str | Path) -> list[str]:
    """The column names of the file's first row."""
    with _open(path) as fh:
        try:
            header = next(csv.reader(fh), None)
        except (UnicodeDecodeError, csv.Error):
            header = None  # `rows` says what is wrong, with the line
    if header is None:
        for _row in rows(path):
            break
        return []
    return [h.strip() for h in header]


def when_of(text: str, what: str) -> datetime:
    """A timestamp as shops write them (`2025-10-08 14:21:21 +0200`, ISO 8601, YYYY-MM-DD).

    A time without a zone is taken as UTC."""
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{what} {text!r} is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +ZZZZ)"
        ) from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _qty(text: str, default: int) -> int:
    if not text:
        return default
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(f"quantity {text!r} is not a whole number")
    return int(text)


def _columns(path: str | Path, header: list[str], wanted: dict, need: tuple[str, ...]) -> dict:
    by_norm = {_norm(h): h for h in header}
    found = {}
    for meaning, names in wanted.items():
        for name in names:
            if name in by_norm:
                found[meaning] = by_norm[name]
                break
    missing = [m for m in need if m not in found]
    if missing:
        raise InputError(
            f"{path}: no {' or '.join(missing)} column (found: {', '.join(header) or 'none'})",
            hint="name the columns order, sku, qty, date, serial (a Shopify export is read as is)",
        )
    return found


def _getter(row: dict[str, str], cols: dict[str, str]):
    """cell(meaning): the row's cell for a column meaning, "" where the file has no such column."""
    return lambda meaning: row.get(cols[meaning], "") if meaning in cols else ""


def is_shopify(header: list[str]) -> bool:
    return all(h in header for h in SHOPIFY_REQUIRED)


def read_orders(path: str | Path) -> tuple[str, list[OrderLine]]:
    """("shopify" or "generic", the order lines of the file)."""
    header = header_of(path)
    if is_shopify(header):
        return "shopify", list(_shopify(path))
    cols = _columns(path, header, ORDER_COLUMNS, ("order",))
    if "sku" not in cols and "serial" not in cols:
        raise InputError(
            f"{path}: no sku or serial column (found: {', '.join(header)})",
            hint="name the columns order, sku, qty, date, serial",
        )
    return "generic", list(_generic(path, cols))


def _generic(path: str | Path, cols: dict) -> Iterator[OrderLine]:
    for line, row in rows(path):
        get = _getter(row, cols)
        order, sku = get("order"), get("sku")
        scans = tuple(s for s in _SPLIT.split(get("serial")) if s)
        problem = ""
        qty = 0
        when = None
        try:
            qty = _qty(get("qty"), len(scans) or 1)
            when = when_of(get("date"), "date") if get("date") else None
        except ValueError as err:
            problem = str(err)
        if not order:
            problem = "no order number"
        elif not (sku or scans):
            problem = "no SKU and no serial: nothing says what left"
        yield OrderLine(
            line,
            order,
            sku,
            qty,
            when,
            scans,
            get("channel")[:MAX_CHANNEL],
            get("location") or None,
            problem,
        )


def _shopify(path: str | Path) -> Iterator[OrderLine]:
    """Shopify writes one row per line item; order fields (dates, status, source) sit on the
    order's first row only, so they are carried to the rows after it."""
    carried: dict[str, dict[str, str]] = {}
    order_fields = ("Created at", "Fulfilled at", "Cancelled at", "Fulfillment Status", "Source")
    for line, row in rows(path):
        order = row.get("Name", "")
        if order not in carried or any(row.get(f) for f in order_fields):
            carried[order] = {f: row.get(f, "") for f in order_fields}
        fields = carried[order]
        sku = row.get("Lineitem sku", "")
        problem = skip = ""
        qty = 0
        when = None
        try:
            qty = _qty(row.get("Lineitem quantity", ""), 1)
            stamp = fields["Fulfilled at"] or fields["Created at"]
            when = when_of(stamp, "Fulfilled at") if stamp else None
        except ValueError as err:
            problem = str(err)
        status = (row.get("Lineitem fulfillment status") or "").lower()
        if not status and fields["Fulfillment Status"].lower() in ("unfulfilled", "pending"):
            status = "pending"
        if not order:
            problem = "no order Name"
        elif fields["Cancelled at"]:
            skip = f"order cancelled in Shopify on {fields['Cancelled at'][:10]}: nothing shipped"
        elif (row.get("Lineitem requires shipping") or "true").lower() == "false":
            skip = "needs no shipping (gift card, digital good or service): nothing to ship"
        elif status in ("pending", "unfulfilled", "restocked", "not_eligible"):
            skip = f"not fulfilled in Shopify ({status}): nothing shipped yet"
        elif status == "partial":
            problem = (
                "partly fulfilled in Shopify: the export does not say how many left; "
                "ship the order at the desk"
            )
        elif not sku:
            problem = "the line item has no SKU, so the tracker cannot tell what left"
        yield OrderLine(
            line, order, sku, qty, when, (), fields["Source"][:MAX_CHANNEL], None, problem, skip
        )


def read_returns(path: str | Path) -> list[ReturnLine]:
    """The returned items of a returns list, each with its line number."""
    header = header_of(path)
    cols = _columns(path, header, RETURN_COLUMNS, ("order",))
    if "identifier" not in cols and "sku" not in cols:
        raise InputError(
            f"{path}: no serial, LPN or SKU column (found: {', '.join(header)})",
            hint="name the columns order, identifier (or serial / sku), reason, date",
        )
    out = []
    for line, row in rows(path):
        get = _getter(row, cols)
        ident = get("identifier") or get("sku")
        problem = ""
        qty = 1
        when = None
        try:
            qty = _qty(get("qty"), 1)
            when = when_of(get("date"), "date") if get("date") else None
        except ValueError as err:
            problem = str(err)
        if not get("order"):
            problem = "no order number"
        elif not ident:
            problem = "no serial, LPN or SKU: nothing says what came back"
        out.append(
            ReturnLine(
                line,
                get("order"),
                ident,
                get("reason") or "other",
                qty,
                when,
                get("location") or None,
                problem,
            )
        )
    return out


__all__ = ["is_shopify", "read_orders", "read_returns", "rows", "when_of"]
