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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

from advisor.catalog.columns import ColumnMap, ColumnTable, map_columns, match_columns
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.catalog.rows import RowBuilder, SeenSkus
from advisor.errors import CatalogError

__all__ = ["FORMATS", "CatalogReader", "open_catalog"]

FORMATS = (
    "csv",
    "shopify",
    "woocommerce",
    "magento",
    "vendure",
    "bigcommerce",
    "ecwid",
    "tiendanube",
    "wix",
    "squarespace",
    "square",
    "json",
    "jsonl",
)
_SAMPLE_ROWS = 200
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
    columns: ColumnMap | None = None  # the generic CSV reader's column choice

    def __init__(
        self,
        path: Path,
        stream: IO[str],
        builder: RowBuilder,
        encoding: str,
        table: ColumnTable | None = None,
    ) -> None:
        self.path = path
        self.table = table  # the column table the file's columns were matched with
        self.encoding = encoding
        self.rows_read = 0
        self.skipped_rows = 0
        self._stream = stream
        self._builder = builder
        self.overrides: dict[str, str] = {}

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

    def __init__(  # type: ignore[no-untyped-def]
        self, path, stream, builder, encoding, delimiter: str, columns: ColumnMap, table=None
    ) -> None:
        super().__init__(path, stream, builder, encoding, table)
        self.delimiter = delimiter
        self._reader = csv.reader(stream, delimiter=delimiter)
        self.header = _read_header(self._reader, path)
        self.columns = columns
        if columns.currency and "currency" not in columns and not builder.default_currency:
            if columns.currency in builder.decimals or not builder.decimals:
                builder.default_currency = columns.currency  # the price headers name it
        self._columns = dict(columns.positions)
        self._multi = dict(columns.multi)
        if columns.type_in_path:
            self._columns["category_type"] = self._columns.pop("product_type")
        self._extra = columns.extra
        self._product: tuple[str, dict[str, object]] = ("", {})
        self._keyed = getattr(columns, "product_key", None) is not None

    def _inherit(self, fields: list[str], values: dict[str, object]) -> None:
        """A variant row with no title of its own takes its product's (the row above with the
        same product key): Shopee and marketplace sheets leave them blank after the first."""
        pos = self.columns.product_key
        key = fields[pos].strip() if pos is not None and pos < len(fields) else ""
        if str(values.get("title", "")).strip():
            self._product = (key, {f: values[f] for f in _INHERITED if f in values})
        elif key and key == self._product[0]:
            for fld, value in self._product[1].items():
                if not str(values.get(fld, "")).strip():
                    values[fld] = value

    def _extra_values(self, fields: list[str]) -> tuple[tuple[str, str], ...]:
        n = len(fields)
        return tuple(
            (name, value) for pos, name in self._extra if pos < n and (value := fields[pos].strip())
        )

    def _slow(self, row: int, fields: list[str]) -> Item | None:
        if not any(f.strip() for f in fields):
            return None
        n = len(fields)
        values: dict[str, object] = {
            field: fields[pos] for field, pos in self._columns.items() if pos < n
        }
        for field, positions in self._multi.items():
            values[field] = [fields[pos] for pos in positions if pos < n]
        if self.columns.sku_fallbacks and not str(values.get("sku", "")).strip():
            for pos in self.columns.sku_fallbacks:
                if pos < n and fields[pos].strip():
                    values["sku"] = fields[pos]
                    break
        if self._keyed:
            self._inherit(fields, values)
        return self._builder.build(
            row, values, self._extra_values(fields), self.delimiter.join(fields)
        )

    def _items(self) -> Iterator[Item]:
        return read_records(self, self._reader, self.first_row, self.reading().read)

    def reading(self) -> RowReading:
        """How this file's records are read, one at a time: clean rows built at once, the rest
        by `_slow`. The fast lane (`advisor.advice.lane`) reads the same conditions from it."""
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
            and not self._multi
            and not _SLOW_FIELDS & cols.keys()
            and not self._keyed  # a variant row may take its product's title
        )
        builder = self._builder
        # Categories that look like the first rows' need no per-row check (see categories.generic)
        plain = self.columns is not None and not self.columns.odd_categories
        seen = builder.seen.first_row
        new_tuple, record_cls = tuple.__new__, SkuRecord
        currencies = {"": builder.default_currency}
        # in a currency without minor units "29.990" is 29,990: such cells go to `_slow`
        whole = frozenset(c for c, d in builder.decimals.items() if d == 0)
        whole_blank = (builder.default_currency or builder.assumed) in whole
        extra_values = self._extra_values if self._extra else None
        slow = self._slow

        def record(row: int, fields: list[str]) -> SkuRecord:
            """A clean row's record (`fields` with the "" of absent columns appended)."""
            return new_tuple(
                record_cls,
                (
                    row,
                    fields[i_sku].strip(),  # type: ignore[index]
                    fields[i_title].strip(),
                    fields[i_cat].strip(),
                    fields[i_brand].strip(),
                    float(fields[i_price]),  # type: ignore[index]
                    currencies[fields[i_cur]],
                    fields[i_hsn],
                    fields[i_gtin],
                    fields[i_pcat].strip(),
                    "",
                    (),
                    None,
                    None,
                    extra_values(fields) if extra_values else (),
                    None,
                    (),
                    "",
                ),
            )

        def read(row: int, fields: list[str]) -> Item | None:
            if fast and len(fields) == ncols:
                fields.append("")
                sku = fields[i_sku].strip()  # type: ignore[index]
                try:
                    price = float(fields[i_price])  # type: ignore[index]
                except ValueError:
                    price = -1.0
                currency = currencies.get(fields[i_cur])
                hsn, gtin, cat = fields[i_hsn], fields[i_gtin], fields[i_cat]
                if (
                    sku
                    and price > 0
                    and price - price == 0
                    and currency is not None
                    and not (
                        "." in fields[i_price]  # type: ignore[index]
                        and (currency in whole if currency else whole_blank)
                    )
                    and (hsn.isdigit() or not hsn)
                    and (gtin.isdigit() or not gtin)
                    and gtin[:2] != "97"  # an ISBN / ISSN says what the item is (`_slow`)
                    and sku[:2] != "97"  # so does a bookshop's SKU that is the ISBN
                    and sku[0] != "'"
                    # HTML entities (`3&#x27;lü`, `&amp;`): read by `_slow`, unescaped
                    and not ("&" in fields[i_title] and ";" in fields[i_title])
                    and not ("&" in cat and ";" in cat)
                    and (plain or (cat[:1] != "[" and ">>" not in cat))
                    and not seen(sku, row)
                ):
                    self.rows_read += 1
                    return record(row, fields)
                fields.pop()
            item = slow(row, fields)
            if item is None:
                self.skipped_rows += 1
                return None
            if isinstance(item, SkuRecord) and i_cur != absent and item.currency:
                currencies.setdefault(fields[i_cur], item.currency)
            self.rows_read += 1
            return item

        return RowReading(
            read,
            record,
            seen,
            currencies,
            whole,
            whole_blank,
            fast,
            plain,
            ncols,
            {
                "sku": i_sku,
                "title": i_title,
                "cat": i_cat,
                "brand": i_brand,
                "price": i_price,
                "cur": i_cur,
                "hsn": i_hsn,
                "gtin": i_gtin,
                "pcat": i_pcat,
            },
        )


def read_records(
    reader: CatalogReader,
    records: Iterator[list[str]],
    row: int,
    read: Callable[[int, list[str]], Item | None],
) -> Iterator[Item]:
    """Each record of a csv module reader as `read` reads it, numbered on from `row`.

    A record the csv module gives up on is a RejectedRow with its row number, counted as read;
    the module then goes on with the next record.
    """
    while True:
        try:
            for fields in records:
                row += 1
                item = read(row, fields)
                if item is not None:
                    yield item
            return
        except csv.Error as exc:
            row += 1
            reader.rows_read += 1
            yield RejectedRow(row, f"row cannot be read as CSV ({exc})")


class RowReading(NamedTuple):
    """A CSV file's way of reading one record (`CsvReader.reading`), and the conditions under
    which a record is clean: what the fast lane must agree with row for row."""

    read: Callable[[int, list[str]], Item | None]
    record: Callable[[int, list[str]], SkuRecord]
    seen: Callable[[str, int], int]
    currencies: dict[str, str | None]
    whole: frozenset[str]
    whole_blank: bool
    fast: bool
    plain: bool
    ncols: int
    columns: dict[str, int | None]


#: what a variant row with a blank title takes from its product's row
_INHERITED = (
    "title",
    "category",
    "sub_category",
    "category_type",
    "brand",
    "product_type",
    "product_category",
    "tags",
    "hsn",
)
_SLOW_FIELDS = frozenset(
    {
        "tags",
        "customised",
        "warranty_months",
        "list_price",
        "sub_category",
        "category_type",
        "product_type",
        "gift_card",
        "requires_shipping",
        "virtual",
        "downloadable",
        "prescription",
    }
)


def _read_header(reader: Iterator[list[str]], path: Path) -> list[str]:
    for fields in reader:
        if any(f.strip() for f in fields):
            return [f.strip() for f in fields]
    raise CatalogError(f"{path}: the catalog has no header row")


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


#: Windows code pages Excel saves "CSV" in, by the admin's language: Western European first
#: (the default, and what English headers read as), then Turkish and Central European, then
#: the double-byte pages of Japanese (Shift_JIS: Amazon.co.jp and Rakuten reports, Excel in
#: Japan), Simplified and Traditional Chinese and Korean, tried only where they decode the
#: sample without an error.
_CODE_PAGES = ("cp1252", "cp1254", "cp1250", "cp932", "gb18030", "big5", "cp949")
_STRICT = frozenset({"cp932", "gb18030", "big5", "cp949"})


def _best_code_page(sample: bytes, table: ColumnTable) -> str:
    """The code page whose reading of the header names the most known columns (cp1252 on a tie).

    A Turkish or Polish Excel saves its CSV in cp1254 or cp1250: read as cp1252, `Ürün Adı`
    becomes `Ürün Adý` and no longer names the title; the header itself says which fits.
    """

    def score(code_page: str) -> int:
        try:
            if code_page in _STRICT:  # the sample may end inside a character
                text = codecs.getincrementaldecoder(code_page)().decode(sample, final=False)
            else:
                text = sample.decode(code_page)
        except UnicodeDecodeError:
            return -1
        first = next((line for line in io.StringIO(text) if line.strip()), "")
        names = next(csv.reader([first], delimiter=_pick_delimiter(first, table)), [])
        return len(match_columns(names, table)[0])

    scores = {cp: score(cp) for cp in _CODE_PAGES}
    best = max(_CODE_PAGES, key=lambda cp: scores[cp])
    if scores[best] > scores["cp1252"] or scores["cp1252"] < 0:
        return best if scores[best] >= 0 else "latin-1"
    return "cp1252"


def _pick_delimiter(text: str, table: ColumnTable) -> str:
    """The delimiter whose first line splits into the most recognised column names."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")

    def score(d: str) -> tuple[int, int, int]:
        names = next(csv.reader([first], delimiter=d), [])
        return len(match_columns(names, table)[0]), len(names), -_DELIMITERS.index(d)

    return max(_DELIMITERS, key=score)


def open_catalog(
    path: str | Path,
    format: str | None = None,
    default_currency: str = "",
    columns: dict[str, str] | None = None,
    decimals: dict[str, int] | None = None,
    table: ColumnTable | None = None,
    assumed: str = "",
) -> CatalogReader:
    """Open `path` as a catalog and return a reader that streams its rows.

    `format` is one of `FORMATS`, or None to detect it from the extension, the first bytes and
    the header. `columns` maps fields to header names (``{"sku": "ItemKey"}``, as
    ``--column sku=ItemKey``), overriding the alias table. Prices the file gives no currency for
    get `default_currency`, which is "" by default: the evaluation resolves it (see
    `advisor.advice.money`), so a reader never guesses one. `decimals` gives ISO minor-unit
    digits per currency, for formats that write amounts in minor units (Medusa) and for the
    currencies that have none ("29.990" ISK is 29,990; `assumed` is the currency the run reads
    unlabelled prices in, for that reading only). `table` is the
    rulebook's column table (`Rulebook.columns`); None reads ``columns.yaml`` from the rules
    folder ``$TRACKRIGHT_RULES`` names, else the bundled one.
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
    if table is None:
        from advisor.rulebook.columns import bundled_columns

        table = bundled_columns()
    try:
        reader = _open(
            p,
            raw,
            format,
            RowBuilder(default_currency, decimals, assumed=assumed),
            columns or {},
            table,
        )
    except BaseException:
        raw.close()
        raise
    return reader


def _open(
    p: Path,
    raw: IO[bytes],
    format: str | None,
    builder: RowBuilder,
    overrides: dict[str, str],
    table: ColumnTable,
) -> CatalogReader:
    from advisor.catalog.columns import check_fields

    check_fields(overrides, "column mapping")
    try:
        sample = raw.read(_SAMPLE)
    except OSError as exc:
        raise CatalogError(f"{p}: cannot read the catalog ({exc.strerror or exc})") from None
    if not sample.strip(b" \t\r\n\xef\xbb\xbf,;|\t"):
        raise CatalogError(f"{p}: the catalog is empty; expected a header row and product rows")
    encoding = _detect_encoding(sample)
    if encoding in ("cp1252", "latin-1"):
        encoding = _best_code_page(sample, table)
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
    if format in ("json", "jsonl"):
        from advisor.catalog.jsonfiles import JsonLinesReader, JsonReader

        reader: CatalogReader
        if format == "json":
            reader = JsonReader(p, stream, builder, encoding, table)
        else:
            first = next((line for line in io.StringIO(text) if line.strip()), "")
            try:
                ok = isinstance(json.loads(first), dict)
            except ValueError:
                ok = False
            if not ok:
                raise CatalogError(f"{p}: expected JSON Lines, one product object per line")
            reader = JsonLinesReader(p, stream, builder, encoding, table)
        reader.overrides = dict(overrides)
        return reader
    delimiter = _pick_delimiter(text, table)
    rows = _sample_rows(text, delimiter)
    header = rows[0] if rows else []
    from advisor.catalog import platforms

    kind = format if format not in (None, "csv") else None
    if kind is None and format is None:
        kind = platforms.detect(header, table)
    if kind is not None:
        return platforms.open_platform(
            kind, p, stream, builder, encoding, delimiter, header, overrides, table
        )
    colmap = map_columns(header, table, rows[1:], overrides, str(p))
    if "sku" not in colmap:
        raise _no_sku_column(p, header, colmap, table)
    if colmap.extra and not any(field in colmap for field in _DESCRIBING):
        raise _nothing_describes(p, [name for _, name in colmap.extra], table)
    builder.seen = SeenSkus(expected_rows(p, sample))
    return CsvReader(p, stream, builder, encoding, delimiter, colmap, table)


def expected_rows(path: Path, sample: bytes) -> int:
    """About how many rows `path` holds, from the line ends in its first bytes (`sample`)."""
    lines = sample.count(b"\n")
    if not lines:
        return 0
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return size * lines // len(sample)


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    """The header and the first data rows of the sample, stripped (a cut last line dropped)."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1]
    out: list[list[str]] = []
    try:
        for fields in csv.reader(io.StringIO("".join(lines)), delimiter=delimiter):
            if not any(f.strip() for f in fields):
                continue
            out.append([f.strip() for f in fields])
            if len(out) > _SAMPLE_ROWS:
                break
    except csv.Error:
        pass
    return out


def _looks_like_data(cell: str) -> bool:
    c = cell.strip().lstrip("'")
    if not c:
        return False
    try:
        float(c.replace(",", ""))
        return True
    except ValueError:
        return len(c) > 40 or c.startswith(("http://", "https://"))


#: The fields that say what a product is. A file with none of them but with columns of names
#: trackright does not know most likely calls its product names something new ("Descripción"
#: in an item master): deciding every row on its price alone, as "general" goods, would lose
#: the file quietly, so it is one error naming those columns. (A file of nothing but SKUs and
#: prices is decided as it is: it says nothing more.)
_DESCRIBING = ("title", "category", "sub_category", "product_type", "product_category", "hsn")


def _nothing_describes(p: Path, unread: list[str], table: ColumnTable) -> CatalogError:
    """One error for a file none of whose columns says what its products are (`unread`: the
    columns no field took)."""
    from advisor.catalog.columns import known_names

    shown = ", ".join(unread[:40]) + (f" … ({len(unread)} in all)" if len(unread) > 40 else "")
    return CatalogError(
        f"{p}: no column says what the products are: none is a title, category, product type "
        f"or HSN code, so every row would be decided on its price alone (columns not read: "
        f"{shown})",
        hint=(
            "say which column names the product: --column title=<header> (or category=, "
            "product_type=, hsn=), or `columns: {title: <header>}` in the brand profile; a column "
            f"called {known_names(table, 'title')} is found by itself"
        ),
    )


def _no_sku_column(
    p: Path, header: list[str], colmap: ColumnMap, table: ColumnTable
) -> CatalogError:
    """One error for the whole file, naming the columns found and how to map one."""
    from advisor.catalog.columns import known_names

    names = [h for h in header if h]
    if not colmap.positions and any(_looks_like_data(h) for h in names):
        shown = ", ".join(repr(h[:30]) for h in names[:6])
        return CatalogError(
            f"{p}: the file has no header row: its first line is data ({shown}…)",
            hint="add a first line naming the columns, e.g. sku,title,category,price — then run again",
        )
    shown = ", ".join(names[:40]) + (f" … ({len(names)} in all)" if len(names) > 40 else "")
    return CatalogError(
        f"{p}: no SKU column: none of the columns is a SKU or an ID (found: {shown or 'nothing'})",
        hint=(
            "say which column holds the SKU: --column sku=<header> (for example --column "
            f"sku={names[0] if names else 'ItemKey'!s}), or `columns: {{sku: <header>}}` in the "
            f"brand profile; a column called {known_names(table, 'sku')} is found by itself"
        ),
    )
