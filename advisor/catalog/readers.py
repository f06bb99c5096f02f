"""Open a catalog file, work out what it is, and stream its rows as records.

`open_catalog` does everything that can fail for the file as a whole (unreadable, empty, binary,
no recognisable header, JSON that is not a list of objects) and raises `CatalogError` for it;
iterating the reader it returns never raises for a bad row — the row becomes a `RejectedRow`.
Memory stays flat with the number of rows, apart from the compact duplicate-SKU index
(`rows.SeenSkus`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from advisor.catalog.columns import match_columns
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.catalog.rows import RowBuilder
from advisor.errors import CatalogError

__all__ = ["FORMATS", "CatalogReader", "open_catalog"]

FORMATS = ("csv", "shopify", "json", "jsonl")
_SAMPLE = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_MAX_JSON_ITEM = 8 * 1024 * 1024

Item = SkuRecord | RejectedRow


class CatalogReader:
    """A one-pass stream of a catalog's rows, in file order.

    ``rows_read`` counts the data rows yielded so far (records and rejections alike);
    ``skipped_rows`` counts rows that hold no data (blank lines, Shopify image-only rows), which
    are not yielded but still count towards later rows' numbers. Use it as a context manager, or
    exhaust it, to close the file.
    """

    format: str = ""

    def __init__(self, path: Path, stream: IO[str], builder: RowBuilder, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self.rows_read = 0
        self.skipped_rows = 0
        self._stream = stream
        self._builder = builder

    def __iter__(self) -> Iterator[Item]:
        try:
            yield from self._items()
        finally:
            self.close()

    def _items(self) -> Iterator[Item]:
        raise NotImplementedError  # each format's reader defines how rows are found

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> CatalogReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CsvReader(CatalogReader):
    """Any delimited text file whose header names columns from the alias table."""

    format = "csv"
    first_row = 0  # rows before this reader's first record (a byte range of a bigger file)

    def __init__(self, path, stream, builder, encoding, delimiter: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(path, stream, builder, encoding)
        self.delimiter = delimiter
        self._reader = csv.reader(stream, delimiter=delimiter)
        self.header = _read_header(self._reader, path)
        self._columns, extra = match_columns(self.header)
        self._extra = tuple((pos, name) for pos, name in extra if name)

    def _extra_values(self, fields: list[str]) -> tuple[tuple[str, str], ...]:
        n = len(fields)
        return tuple(
            (name, value) for pos, name in self._extra if pos < n and (value := fields[pos].strip())
        )

    def _slow(self, row: int, fields: list[str]) -> Item | None:
        if not any(f.strip() for f in fields):
            return None
        n = len(fields)
        values = {field: fields[pos] for field, pos in self._columns.items() if pos < n}
        return self._builder.build(
            row, values, self._extra_values(fields), self.delimiter.join(fields)
        )

    def _items(self) -> Iterator[Item]:
        """The hot loop of a big import: clean rows are built here, anything else by `_slow`."""
        cols = self._columns
        ncols = len(self.header)
        absent = ncols  # a missing column reads the "" appended to each clean row
        i_sku, i_price = cols.get("sku"), cols.get("price")
        i_title, i_cat, i_brand = (cols.get(f, absent) for f in ("title", "category", "brand"))
        i_cur, i_hsn, i_gtin = (cols.get(f, absent) for f in ("currency", "hsn", "gtin"))
        i_pcat = cols.get("product_category", absent)
        fast = (
            i_sku is not None
            and i_price is not None
            and not {"tags", "customised", "warranty_months"} & cols.keys()
        )
        builder = self._builder
        seen = builder.seen.first_row
        new_tuple, record_cls = tuple.__new__, SkuRecord
        currencies = {"": builder.default_currency}
        extra_values = self._extra_values if self._extra else None
        slow = self._slow
        reader = self._reader
        row = self.first_row
        while True:
            try:
                for fields in reader:
                    row += 1
                    if fast and len(fields) == ncols:
                        fields.append("")
                        sku = fields[i_sku].strip()  # type: ignore[index]
                        try:
                            price = float(fields[i_price])  # type: ignore[index]
                        except ValueError:
                            price = -1.0
                        currency = currencies.get(fields[i_cur])
                        hsn, gtin = fields[i_hsn], fields[i_gtin]
                        if (
                            sku
                            and price >= 0
                            and price - price == 0
                            and currency is not None
                            and (hsn.isdigit() or not hsn)
                            and (gtin.isdigit() or not gtin)
                            and not seen(sku, row)
                        ):
                            self.rows_read += 1
                            yield new_tuple(
                                record_cls,
                                (
                                    row,
                                    sku,
                                    fields[i_title].strip(),
                                    fields[i_cat].strip(),
                                    fields[i_brand].strip(),
                                    price,
                                    currency,
                                    hsn,
                                    gtin,
                                    fields[i_pcat].strip(),
                                    "",
                                    (),
                                    None,
                                    None,
                                    extra_values(fields) if extra_values else (),
                                    None,
                                    (),
                                ),
                            )
                            continue
                        fields.pop()
                    item = slow(row, fields)
                    if item is None:
                        self.skipped_rows += 1
                        continue
                    if isinstance(item, SkuRecord) and i_cur != absent and item.currency:
                        currencies.setdefault(fields[i_cur], item.currency)
                    self.rows_read += 1
                    yield item
                return
            except csv.Error as exc:  # the csv module gives up on one record, then goes on
                row += 1
                self.rows_read += 1
                yield RejectedRow(row, f"row cannot be read as CSV ({exc})")


def _read_header(reader: Iterator[list[str]], path: Path) -> list[str]:
    for fields in reader:
        if any(f.strip() for f in fields):
            return [f.strip() for f in fields]
    raise CatalogError(f"{path}: the catalog has no header row")


class JsonLinesReader(CatalogReader):
    """One JSON object per line; a line that is not an object is rejected with its line number."""

    format = "jsonl"

    def _items(self) -> Iterator[Item]:
        decode = json.JSONDecoder().decode
        for row, line in enumerate(self._stream, 1):
            text = line.strip()
            if not text:
                self.skipped_rows += 1
                continue
            self.rows_read += 1
            try:
                obj = decode(text)
            except ValueError as exc:
                yield RejectedRow(
                    row, f"line {row} is not valid JSON ({_json_problem(exc)})", "", text
                )
                continue
            yield _from_object(self._builder, row, obj, text)


class JsonReader(CatalogReader):
    """A JSON list of objects, decoded one element at a time so memory does not grow with rows."""

    format = "json"

    def __init__(self, path, stream, builder, encoding) -> None:  # type: ignore[no-untyped-def]
        super().__init__(path, stream, builder, encoding)
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()
        if self._skip_space() != "[":
            raise CatalogError(
                f'{path}: expected a JSON list of product objects, like [{{"sku": ...}}, ...]'
            )
        self._pos += 1
        self._first: Any = None
        try:
            self._first = self._next_element()
        except ValueError as exc:
            raise CatalogError(f"{path}: not valid JSON ({_json_problem(exc)})") from None
        if self._first is not None and not isinstance(self._first[0], dict):
            raise CatalogError(
                f"{path}: expected a JSON list of product objects, but the first element is "
                f"{type(self._first[0]).__name__}"
            )

    def _fill(self) -> bool:
        chunk = self._stream.read(_SAMPLE)
        if not chunk:
            self._eof = True
            return False
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def _skip_space(self) -> str:
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def _next_element(self) -> tuple[Any, str] | None:
        """Return (value, its text) for the next list element, or None after the closing ``]``."""
        ch = self._skip_space()
        if ch == "]":
            return None
        if ch == ",":
            self._pos += 1
            self._skip_space()
        elif not ch:
            raise ValueError("the file ends before the closing ]")
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                if len(self._buf) - self._pos > _MAX_JSON_ITEM or not self._fill():
                    raise
                continue
            if end == len(self._buf) and not self._eof and self._fill():
                continue  # a number may go on in the next chunk: decode it again whole
            text = self._buf[self._pos : end]
            self._pos = end
            after = self._skip_space()
            if after not in (",", "]"):
                raise ValueError(f"expected , or ] after list element, found {after!r}")
            return value, text

    def _items(self) -> Iterator[Item]:
        element = self._first
        row = 0
        while element is not None:
            row += 1
            self.rows_read += 1
            yield _from_object(self._builder, row, element[0], element[1])
            try:
                element = self._next_element()
            except ValueError as exc:
                self.rows_read += 1
                yield RejectedRow(
                    row + 1, f"the rest of the file is not valid JSON ({_json_problem(exc)})"
                )
                return


def _json_problem(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc)


def _from_object(builder: RowBuilder, row: int, obj: Any, text: str) -> Item:
    if not isinstance(obj, dict):
        return RejectedRow(row, f"item {row} is not a JSON object", "", text[:200])
    keys = list(obj)
    columns, extra_keys = match_columns(str(k) for k in keys)
    values = {field: obj[keys[pos]] for field, pos in columns.items()}
    extra = tuple(
        (name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for pos, name in extra_keys
        if (value := obj[keys[pos]]) not in (None, "")
    )
    return builder.build(row, values, extra, text[:200])


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _pick_delimiter(text: str) -> str:
    """The delimiter whose first line splits into the most recognised column names."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")

    def score(d: str) -> tuple[int, int, int]:
        names = next(csv.reader([first], delimiter=d), [])
        return len(match_columns(names)[0]), len(names), -_DELIMITERS.index(d)

    return max(_DELIMITERS, key=score)


def open_catalog(
    path: str | Path, format: str | None = None, default_currency: str = "INR"
) -> CatalogReader:
    """Open `path` as a catalog and return a reader that streams its rows.

    `format` is one of ``csv``, ``shopify``, ``json``, ``jsonl``, or None to detect it from the
    extension and the first bytes. Rows priced without a currency use `default_currency`.
    """
    if format is not None and format not in FORMATS:
        raise CatalogError(
            f"unknown catalog format {format!r}; expected one of {', '.join(FORMATS)}"
        )
    p = Path(path)
    try:
        raw = open(p, "rb")  # noqa: SIM115 — handed to the reader, which closes it
    except OSError as exc:
        raise CatalogError(f"{p}: cannot read the catalog ({exc.strerror or exc})") from None
    try:
        return _open(p, raw, format, default_currency)
    except BaseException:
        raw.close()
        raise


def _open(p: Path, raw: IO[bytes], format: str | None, default_currency: str) -> CatalogReader:
    try:
        sample = raw.read(_SAMPLE)
    except OSError as exc:
        raise CatalogError(f"{p}: cannot read the catalog ({exc.strerror or exc})") from None
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CatalogError(f"{p}: the catalog is empty; expected a header row and product rows")
    encoding = _detect_encoding(sample)
    if encoding != "utf-16" and (b"\x00" in sample or sample.startswith(b"PK\x03\x04")):
        raise CatalogError(
            f"{p}: this looks like a binary file, not a catalog; expected CSV, JSON or JSON Lines text",
            hint="export spreadsheets as CSV (UTF-8) before evaluating them",
        )
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    if format is None:
        suffix = p.suffix.lower()
        start = text.lstrip()[:1]
        if suffix in (".jsonl", ".ndjson") or (suffix != ".json" and start == "{"):
            format = "jsonl"
        elif suffix == ".json" or start == "[":
            format = "json"
    raw.seek(0)
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    builder = RowBuilder(default_currency)
    if format == "json":
        return JsonReader(p, stream, builder, encoding)
    if format == "jsonl":
        first = next((line for line in io.StringIO(text) if line.strip()), "")
        try:
            ok = isinstance(json.loads(first), dict)
        except ValueError:
            ok = False
        if not ok:
            raise CatalogError(f"{p}: expected JSON Lines, one product object per line")
        return JsonLinesReader(p, stream, builder, encoding)
    delimiter = _pick_delimiter(text)
    from advisor.catalog.shopify import ShopifyReader, is_shopify_header

    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next((f for f in reader if any(x.strip() for x in f)), [])
    if format == "shopify" or (format is None and is_shopify_header(header)):
        if not is_shopify_header(header):
            raise CatalogError(
                f"{p}: not a Shopify product export; expected Handle and Variant Price columns"
            )
        return ShopifyReader(p, stream, builder, encoding, delimiter)
    columns, _ = match_columns(header)
    if not {"sku", "price", "title"} & columns.keys():
        found = ", ".join(h.strip() for h in header[:8] if h.strip()) or "nothing"
        raise CatalogError(
            f"{p}: no recognisable columns in the header (found {found}); expected a SKU column "
            "(sku, item code, product code…) and a price or title column",
            hint="column names are matched ignoring case and punctuation; see advisor/catalog/columns.py",
        )
    return CsvReader(p, stream, builder, encoding, delimiter)
