"""JSON catalogs: a list of product objects, or JSON Lines — streamed, one element at a time.

Each object's keys are matched against the column table (``columns.yaml``, through
`advisor.catalog.columns`), the best-ranked key holding a value winning; nested products with a
``variants`` list (Saleor, Medusa) are flattened by `advisor.catalog.jsonshapes` into one record
per variant, every record of an element carrying that element's number as its row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from advisor.catalog.columns import ColumnTable, normalise
from advisor.catalog.readers import _MAX_JSON_ITEM, _SAMPLE, CatalogReader, Item
from advisor.catalog.records import RejectedRow
from advisor.catalog.rows import RowBuilder
from advisor.errors import CatalogError

__all__ = ["JsonLinesReader", "JsonReader"]


class JsonLinesReader(CatalogReader):
    """One JSON object per line; a line that is not an object is rejected with its line number."""

    format = "jsonl"

    def __init__(self, path, stream, builder, encoding, table) -> None:  # type: ignore[no-untyped-def]
        super().__init__(path, stream, builder, encoding, table)
        self._match = key_matcher(table)

    def _items(self) -> Iterator[Item]:
        decode = json.JSONDecoder().decode
        for row, line in enumerate(self._stream, 1):
            text = line.strip()
            if not text:
                self.skipped_rows += 1
                continue
            try:
                obj = decode(text)
            except ValueError as exc:
                self.rows_read += 1
                yield RejectedRow(
                    row, f"line {row} is not valid JSON ({_json_problem(exc)})", "", text
                )
                continue
            for item in _expand(self._builder, row, obj, text, self.overrides, self._match):
                self.rows_read += 1
                yield item


class JsonReader(CatalogReader):
    """A JSON list of objects, decoded one element at a time so memory does not grow with rows."""

    format = "json"

    def __init__(self, path, stream, builder, encoding, table) -> None:  # type: ignore[no-untyped-def]
        super().__init__(path, stream, builder, encoding, table)
        self._match = key_matcher(table)
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

    def _fixture(self) -> Iterator[Item]:
        """A Saleor fixture: its variants joined with their products, types and prices."""
        from advisor.catalog.saleor import variants_of_fixture

        broken: list[RejectedRow] = []
        found, other = variants_of_fixture(_fixture_rows(self, broken))
        self.skipped_rows += other
        for row, obj in found:
            self.rows_read += 1
            yield _from_object(self._builder, row, obj, "", self.overrides, self._match)
        for item in broken:
            self.rows_read += 1
            yield item

    def _items(self) -> Iterator[Item]:
        from advisor.catalog.saleor import is_fixture

        if self._first is not None and is_fixture(self._first[0]):
            yield from self._fixture()
            return
        element = self._first
        row = 0
        while element is not None:
            row += 1
            for item in _expand(
                self._builder, row, element[0], element[1], self.overrides, self._match
            ):
                self.rows_read += 1
                yield item
            try:
                element = self._next_element()
            except ValueError as exc:
                self.rows_read += 1
                yield RejectedRow(
                    row + 1, f"the rest of the file is not valid JSON ({_json_problem(exc)})"
                )
                return


def _fixture_rows(reader: JsonReader, broken: list[RejectedRow]) -> Iterator[tuple[int, Any]]:
    element, row = reader._first, 0
    while element is not None:
        row += 1
        yield row, element[0]
        try:
            element = reader._next_element()
        except ValueError as exc:
            broken.append(_json_problem_row(exc, row + 1))
            return


KeyMatch = Callable[[Any], "tuple[str, float, bool] | None"]
_MEMO_KEYS = 4096  # distinct keys remembered per file (objects repeat theirs)


def key_matcher(table: ColumnTable) -> KeyMatch:
    """`ColumnTable.lookup` for JSON keys, remembering each key's answer: a file's objects
    repeat the same few keys, and matching one is most of the cost of reading it."""
    memo: dict[Any, tuple[str, float, bool] | None] = {}

    def match(key: Any) -> tuple[str, float, bool] | None:
        try:
            return memo[key]
        except KeyError:
            hit = table.lookup(str(key))
            if len(memo) < _MEMO_KEYS:
                memo[key] = hit
            return hit

    return match


def _json_problem_row(exc: ValueError, row: int) -> RejectedRow:
    return RejectedRow(row, f"the rest of the file is not valid JSON ({_json_problem(exc)})")


def _expand(
    builder: RowBuilder,
    row: int,
    obj: Any,
    text: str,
    overrides: dict[str, str],
    match: KeyMatch,
) -> Iterator[Item]:
    """One JSON element's records: a product with variants (Saleor, Medusa) is one per variant.

    Every record of one element carries the element's number as its row, so a row number
    always points at the object in the file.
    """
    from advisor.catalog.jsonshapes import variants

    parts = variants(obj) if isinstance(obj, dict) else None
    if not parts:
        yield _from_object(builder, row, obj, text, overrides, match)
        return
    for part in parts:
        yield _from_object(builder, row, part, text, overrides, match)


def _json_problem(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc)


def _from_object(
    builder: RowBuilder,
    row: int,
    obj: Any,
    text: str,
    overrides: dict[str, str] | None,
    match: KeyMatch,
) -> Item:
    if not isinstance(obj, dict):
        return RejectedRow(row, f"item {row} is not a JSON object", "", text[:200])
    from advisor.catalog.jsonshapes import flatten

    flat = flatten(obj, builder.decimals)
    values, extra = _object_values(flat, overrides or {}, match)
    return builder.build(row, values, extra, text[:200])


def _object_values(
    obj: dict[str, Any], overrides: dict[str, str], match: KeyMatch
) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    """field → value for one JSON object: the best-ranked key that holds a value wins."""
    by_field: dict[str, tuple[tuple[bool, int], str]] = {}
    wanted = {normalise(h): f for f, h in overrides.items()}
    for key, value in obj.items():
        if wanted and normalise(str(key)) in wanted:
            by_field[wanted[normalise(str(key))]] = ((False, -1), key)
            continue
        hit = match(key)
        if hit is None or value in (None, "", [], {}):
            continue
        fld, rank, bare = hit
        if fld not in by_field or (bare, rank) < by_field[fld][0]:
            by_field[fld] = ((bare, rank), key)
    values: dict[str, Any] = {f: obj[k] for f, (_, k) in by_field.items()}
    if "title_detail" in values:
        values["title_detail"] = [values["title_detail"]]
    taken = {k for _, k in by_field.values()}
    extra = tuple(
        (str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, v in obj.items()
        if k not in taken and v not in (None, "", [], {})
    )
    return values, extra
