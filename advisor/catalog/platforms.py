"""Store platforms' own CSV exports: recognising them, and what their readers share.

Each platform writes products its own way — Shopify a row per variant under a Handle,
WooCommerce variations pointing at a ``Parent``, Magento configurable parents listing their
children *after* them, Vendure variant rows with a blank name, BigCommerce ``SKU`` rows under their ``Product`` row, Ecwid ``product_variation`` rows under
theirs, Tiendanube variants under their URL identifier, Square variations under their Token — so each has a reader (`shopify`, `square`,
`woocommerce`, `magento`, `vendure`, `bigcommerce`, `ecwid`, `tiendanube`) built on `PlatformReader`, which finds the
platform's columns by name — the rulebook's ``columns.yaml`` lists them by role, with the roles
that mark each export (``--column FIELD=HEADER`` still overrides any of them) — walks the
rows with the generic reader's error recovery, and can pre-read the whole file once when
parents or prices live on other rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, ClassVar

from advisor.catalog.columns import ColumnTable, normalise, without_parts
from advisor.catalog.readers import CatalogReader, Item, _read_header, read_records
from advisor.catalog.rows import RowBuilder
from advisor.errors import CatalogError

__all__ = ["PlatformReader", "detect", "open_platform"]


def header_index(header: Sequence[str]) -> dict[str, int]:
    """Normalised header name → its first position; a name matched without its ``(…)`` parts
    (`columns.without_parts`) only where no header has that name as written."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(normalise(name), i)
    for i, name in enumerate(header):
        bare = without_parts(name)
        if bare:
            index.setdefault(bare, i)
    return index


def detect(header: Sequence[str], table: ColumnTable) -> str | None:
    """The platform whose export `header` is (`table`'s marks), or None for a generic CSV."""
    names = header_index(header)
    for kind, platform in table.platforms.items():
        present = {
            role for role, wanted in platform.columns.items() if any(n in names for n in wanted)
        }
        if any(mark <= present for mark in platform.marks):
            return kind
    return None


def open_platform(
    kind: str,
    path: Path,
    stream: IO[str],
    builder: RowBuilder,
    encoding: str,
    delimiter: str,
    header: Sequence[str],
    overrides: Mapping[str, str],
    table: ColumnTable,
) -> PlatformReader:
    """The reader for a `kind` export; `CatalogError` when the header is not that platform's."""
    from advisor.catalog import (
        bigcommerce,
        ecwid,
        grouped,
        magento,
        shopify,
        square,
        vendure,
        woocommerce,
    )

    cls: type[PlatformReader] = {
        "shopify": shopify.ShopifyReader,
        "woocommerce": woocommerce.WooCommerceReader,
        "magento": magento.MagentoReader,
        "vendure": vendure.VendureReader,
        "bigcommerce": bigcommerce.BigCommerceReader,
        "ecwid": ecwid.EcwidReader,
        "tiendanube": grouped.TiendanubeReader,
        "wix": grouped.WixReader,
        "squarespace": grouped.SquarespaceReader,
        "square": square.SquareReader,
    }[kind]
    if kind not in table.platforms:
        raise CatalogError(
            f"{path}: the rulebook's columns.yaml lists no {cls.label} columns "
            f"(platforms.{kind}); read the file as a plain CSV or add them"
        )
    if detect(header, table) != kind:
        platform = table.platforms[kind]
        need = ", ".join(sorted(platform.labels.get(role, role) for role in platform.marks[0]))
        raise CatalogError(
            f"{path}: not a {cls.label} export; its header lacks the columns that mark one ({need})"
        )
    return cls(path, stream, builder, encoding, delimiter, overrides, table)


class PlatformReader(CatalogReader):
    """Rows of one platform's CSV export, found by the platform's column names."""

    label: ClassVar[str] = ""
    #: the role a `--column FIELD=…` mapping sets, where the platform's role has another name.
    ROLE_OF: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        path: Path,
        stream: IO[str],
        builder: RowBuilder,
        encoding: str,
        delimiter: str,
        overrides: Mapping[str, str],
        table: ColumnTable,
    ) -> None:
        super().__init__(path, stream, builder, encoding, table)
        self.delimiter = delimiter
        self._reader = csv.reader(stream, delimiter=delimiter)
        self.header = _read_header(self._reader, path)
        index = header_index(self.header)
        self._index = index
        #: role → the normalised header names that can hold it, first found wins (columns.yaml)
        self.roles = table.platforms[self.format].columns
        self._at: dict[str, int | None] = {
            role: next((index[n] for n in names if n in index), None)
            for role, names in self.roles.items()
        }
        self.overrides = dict(overrides)
        for fld, wanted in overrides.items():
            exact = [i for i, name in enumerate(self.header) if name == wanted.strip()]
            pos = exact[0] if exact else index.get(normalise(wanted))
            if pos is None:
                raise CatalogError(
                    f"{path}: column mapping {fld}={wanted!r}: the file has no column named "
                    f"{wanted!r}; its columns are: " + ", ".join(h for h in self.header if h)
                )
            self._at[self.ROLE_OF.get(fld, fld)] = pos

    def cell(self, fields: Sequence[str], role: str) -> str:
        """The stripped cell of `role` in a row ("" when the file has no such column)."""
        i = self._at.get(role)
        return fields[i].strip() if i is not None and i < len(fields) else ""

    def all_rows(self) -> Iterator[list[str]]:
        """Every data row of the file, read afresh (for readers that look ahead once)."""
        with open(self.path, encoding=self.encoding, errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            for fields in reader:
                if any(f.strip() for f in fields):
                    break
            while True:
                try:
                    yield from reader
                    return
                except csv.Error:
                    continue

    def _row(self, row: int, fields: list[str]) -> Item | None:
        raise NotImplementedError  # each platform defines how a row becomes a record

    def _items(self) -> Iterator[Item]:
        def read(row: int, fields: list[str]) -> Item | None:
            item = self._row(row, fields) if any(f.strip() for f in fields) else None
            if item is None:
                self.skipped_rows += 1
            else:
                self.rows_read += 1
            return item

        return read_records(self, self._reader, 0, read)


def join_raw(fields: Sequence[str], delimiter: str) -> str:
    """A row's text for error reports, as the csv module would write it."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(fields)
    return buf.getvalue()[:200]
