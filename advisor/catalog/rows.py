"""From raw cell values to a `SkuRecord` or a `RejectedRow`: the checks every reader shares.

Every reader (CSV, Shopify, JSON) hands each row's raw values here, so a price, a currency or a
duplicate SKU is judged the same way whatever the file format. The generic CSV reader also has a
lean path for clean rows (`readers.py`); anything unusual there falls back to `RowBuilder.build`.
"""

from __future__ import annotations

import html
import re
from array import array
from collections.abc import Mapping
from typing import Any

from advisor.catalog import categories
from advisor.catalog.prices import PriceError, currency_of_symbol, dollar_currency, parse_price
from advisor.catalog.records import RejectedRow, SkuRecord

__all__ = ["NATURE_WORDS", "RowBuilder", "SeenSkus", "new_record", "strip_excel", "truth"]

#: Yes and no as stores write them, in the languages of the column table (es pt fr de it nl pl
#: tr id/ms vi) besides English.
_TRUE = frozenset(
    {"yes", "y", "true", "t", "1", "customised", "customized", "personalised"}
    | {"sí", "si", "sim", "oui", "ja", "sì", "tak", "evet", "ya", "có", "verdadero"}
    | {"vrai", "wahr", "vero", "waar", "prawda", "doğru", "benar", "đúng", "x"}
)
_FALSE = frozenset(
    {"no", "n", "false", "f", "0", ""}
    | {"não", "nao", "non", "nein", "nee", "nie", "hayır", "hayir", "tidak", "không", "khong"}
    | {"falso", "faux", "falsch", "onwaar", "fałsz", "yanlış", "salah", "sai"}
)
#: A product type that names a nature, as stores write it → the `SkuRecord.nature` word.
NATURE_WORDS = {
    "service": "service",
    "services": "service",
    "virtual": "virtual",
    "downloadable": "downloadable",
    "download": "downloadable",
    "digital": "downloadable",
    "gift card": "gift_card",
    "giftcard": "gift_card",
    "gift cards": "gift_card",
    "gift voucher": "gift_card",
    "subscription": "subscription",
    # "Service" as an ERP (Odoo, Dynamics) or a platform types a line in its translations: es,
    # pt, it, fr / en, de, nl, pl, tr, id, vi, cs / sk, hu, ro, sv, da, nb, fi, ru, uk, ar, ja
    **dict.fromkeys(
        (
            "servicio",
            "serviço",
            "servico",
            "servizio",
            "dienstleistung",
            "dienst",
            "usługa",
            "hizmet",
            "jasa",
            "layanan",
            "dịch vụ",
            "služba",
            "szolgáltatás",
            "serviciu",
            "tjänst",
            "ydelse",
            "tjeneste",
            "palvelu",
            "услуга",
            "послуга",
            "خدمة",
            "サービス",
        ),
        "service",
    ),
}


def strip_excel(text: str) -> str:
    """Drop the apostrophe Excel puts before a number it was told to keep as text (``'0195…``)."""
    return text[1:].strip() if text[:1] == "'" and len(text) > 1 else text


class SeenSkus:
    """Remembers every SKU read so far, compactly, to name the row a duplicate first appeared on.

    Memory is what bounds a streaming read, so neither the SKUs nor a Python object per SKU are
    kept: an open-addressing table of two flat arrays holds each SKU's 60-bit hash (never 0) and
    the row it was first seen on — 12 bytes a slot, the table at most 70% full, so about
    17–34 bytes per unique SKU (25 MB at a million; a dict of hash → row would be about
    105 MB). Two different SKUs share a 60-bit hash with odds of about 1 in 2.3 billion at a
    million SKUs; such a pair would be reported as a duplicate.
    """

    def __init__(self, expected: int = 0) -> None:
        # The arrays are made on the first look-up, at most `_FIRST` slots: a reader that reads
        # a few rows (a price check's sample) never holds a table sized for the whole file, and
        # a run that learns first how few SKUs can repeat (the fast lane's counting pass) sizes
        # it for those (`plan`). Past that first table it grows straight to the planned size.
        planned = _slots(expected)
        state: list = [None, None, min(planned, _FIRST - 1), 0, planned]
        mask = 0x0FFFFFFFFFFFFFFF

        # A closure rather than a method: local names instead of attribute look-ups are a third
        # of the per-row cost of a million-row import.
        def first_row(sku: str, row: int) -> int:
            h = (hash(sku) & mask) or 1
            hashes, rows, slots, used, _ = state
            if hashes is None:
                hashes, rows = _alloc(state)
            i = h & slots
            while True:
                v = hashes[i]
                if v == h:
                    return rows[i]
                if not v:
                    break
                i = (i + 1) & slots
            hashes[i] = h
            rows[i] = row
            used += 1
            state[3] = used
            if used * 10 > slots * 7:
                _grow(state)
            return 0

        self.first_row = first_row
        """Return the row `sku` was first seen on, or 0 after recording it as seen on `row`."""
        self._state = state
        self._any = first_row
        self.dups: Any = None

    def filter(self, dups: Any) -> None:
        """Remember only the SKUs `dups` says may occur twice (`dups.repeats(sku)`): a counting
        pass over the whole file (the fast lane's `DupFilter`) found every other SKU once, so
        none of them can be a duplicate. Set before any row is read; the table is sized anew."""
        look = self._any

        def first_row(sku: str, row: int) -> int:
            # a cell that was not valid UTF-8 reads as U+FFFD here: its bytes were counted, not
            # these, so it is always looked up
            if "\ufffd" in sku or repeats(sku):
                return look(sku, row)
            return 0

        repeats = dups.repeats
        self.dups = dups
        self.plan(len(dups) + 1024)
        self.first_row = first_row

    def __len__(self) -> int:
        return self._state[3]

    def plan(self, expected: int) -> None:
        """Size the table for `expected` SKUs instead, while nothing is in it yet."""
        if self._state[0] is None:
            planned = _slots(expected)
            self._state[2], self._state[4] = min(planned, _FIRST - 1), planned

    def ready(self) -> list:
        """The table's state with its arrays made (the fast lane reads and writes them)."""
        if self._state[0] is None:
            _alloc(self._state)
        return self._state


_FIRST = 1 << 16


def _slots(expected: int) -> int:
    size = 1 << 10
    while size * 7 < expected * 10:
        size <<= 1
    return size - 1


def _alloc(state: list) -> tuple[array, array]:
    size = state[2] + 1
    state[0], state[1] = array("q", bytes(8 * size)), array("i", bytes(4 * size))
    return state[0], state[1]


def _grow(state: list) -> None:
    """Double the table of a `SeenSkus`, or grow it to its planned size (rare: each growth
    re-places every hash once)."""
    old_hashes, old_rows, slots, used, planned = state
    slots = max(slots * 2 + 1, planned)
    hashes, rows = array("q", bytes(8 * (slots + 1))), array("i", bytes(4 * (slots + 1)))
    for h, r in zip(old_hashes, old_rows, strict=True):
        if h:
            i = h & slots
            while hashes[i]:
                i = (i + 1) & slots
            hashes[i] = h
            rows[i] = r
    state[:] = [hashes, rows, slots, used, planned]


_new_tuple = tuple.__new__


def new_record(
    row: int,
    sku: str,
    title: str,
    category: str,
    brand: str,
    price: float | None,
    currency: str,
    hsn: str,
    gtin: str,
    product_category: str,
    product_type: str,
    tags: tuple[str, ...],
    customised: bool | None,
    warranty_months: int | None,
    extra: tuple[tuple[str, str], ...],
    list_price: float | None = None,
    nature: tuple[str, ...] = (),
    price_from: str = "",
) -> SkuRecord:
    """Build a SkuRecord from all its fields in order, skipping the keyword handling of `SkuRecord(...)`."""
    return _new_tuple(
        SkuRecord,
        (
            row,
            sku,
            title,
            category,
            brand,
            price,
            currency,
            hsn,
            gtin,
            product_category,
            product_type,
            tags,
            customised,
            warranty_months,
            extra,
            list_price,
            nature,
            price_from,
        ),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _digits(value: Any) -> str:
    text = _text(value)
    return text if text.isdigit() else "".join(ch for ch in text if ch.isdigit())


def truth(value: Any) -> bool | None:
    """Yes / no as stores write it (TRUE, false, 1, Y …); None when blank or unreadable."""
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


#: GS1 prefixes of "Bookland": an EAN-13 starting so is an ISBN-13 (979-0 an ISMN, printed music).
_BOOKLAND = ("978", "979")


def barcode_nature(gtin: Any) -> tuple[str, ...]:
    """What a barcode says of the item: ("isbn_barcode",) for an ISBN-13, else nothing.

    The prefix is GS1's, not a store's habit; what an ISBN proves (a printed book, unless the
    row's words say e-book or audiobook) is evidence.yaml's `nature.isbn_barcode`.
    """
    digits = _digits(gtin)
    return ("isbn_barcode",) if len(digits) == 13 and digits.startswith(_BOOKLAND) else ()


def sku_nature(sku: Any) -> tuple[str, ...]:
    """A bookshop's SKU is often the book's ISBN itself (`9781473635302`, `978-1-4736-3530-2`):
    a SKU that is, hyphens and spaces aside, an ISBN-13 says what a barcode column would."""
    if not isinstance(sku, str) or not sku or not sku.replace("-", "").replace(" ", "").isdigit():
        return ()
    return barcode_nature(sku)


def nature_of(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The nature words a row's cells say, in a fixed order, no repeats."""
    words: list[str] = list(values.get("nature") or ())
    words.extend(barcode_nature(values.get("gtin")) or sku_nature(values.get("sku")))
    if truth(values.get("gift_card")):
        words.append("gift_card")
    if truth(values.get("requires_shipping")) is False:
        words.append("no_shipping")
    if truth(values.get("virtual")):
        words.append("virtual")
    if truth(values.get("downloadable")):
        words.append("downloadable")
    if truth(values.get("prescription")):  # a pharmacy's "Rx only" / "Voorschrift: Ja" column
        words.append("prescription")
    kind = NATURE_WORDS.get(_text(values.get("product_type")).lower())
    if kind:
        words.append(kind)
    return tuple(dict.fromkeys(words))


class RowBuilder:
    """Judges one row's raw values; holds the state a whole file shares (currency, seen SKUs)."""

    def __init__(
        self,
        default_currency: str = "",
        decimals: Mapping[str, int] | None = None,
        expected_rows: int = 0,
        assumed: str = "",
    ) -> None:
        self.default_currency = default_currency.strip().upper()
        self.decimals: Mapping[str, int] = decimals or {}  # ISO minor units, for minor amounts
        # the currency the run reads unlabelled prices in (records still carry ""): its minor
        # units say how "29.990" is read
        self.assumed = assumed.strip().upper()
        self.seen = SeenSkus(expected_rows)  # sized for the file: it need not grow as it fills

    def build(
        self,
        row: int,
        values: Mapping[str, Any],
        extra: tuple[tuple[str, str], ...] = (),
        raw: str = "",
        *,
        check_duplicate: bool = True,
    ) -> SkuRecord | RejectedRow:
        """Return the record for `values` (field name → raw cell or JSON value), or why not.

        Besides the `SkuRecord` fields, `values` may hold ``list_price``, ``sub_category`` and
        ``category_type`` (further levels of the category path), ``title_detail`` (a list of
        words added to the title), the nature columns (``gift_card``, ``requires_shipping``,
        ``virtual``, ``downloadable``), ``nature`` (words a platform reader already knows) and
        ``price_from``. A price of 0 or blank is no price (None), never the cheapest item.
        """
        sku = strip_excel(_text(values.get("sku")))
        if not sku:
            return RejectedRow(row, "missing SKU", "", raw)
        if check_duplicate:
            first = self.seen.first_row(sku, row)
            if first:
                return RejectedRow(
                    row, f'duplicate SKU "{sku}" (first seen on row {first})', sku, raw
                )
        try:
            price, list_price, currency = self._prices(
                values.get("price"), values.get("list_price"), values.get("currency")
            )
            customised = _flag(values.get("customised"))
            warranty = _months(values.get("warranty_months"))
        except ValueError as exc:
            return RejectedRow(row, str(exc), sku, raw)
        category = categories.generic(_unescaped(_text(values.get("category"))))
        sub = _text(values.get("sub_category"))
        level3 = _text(values.get("category_type"))
        if sub or level3:
            category = categories.join_levels(category, sub, level3)
        title = _unescaped(_text(values.get("title")))
        detail = values.get("title_detail")
        if detail:
            low = title.lower()
            words = [w for w in (_text(d) for d in detail) if w and w.lower() not in low]
            title = " ".join([title, *words]).strip()
        category = categories.without_title(category, title)
        return new_record(
            row,
            sku,
            title,
            category,
            _text(values.get("brand")),
            price,
            currency,
            _digits(values.get("hsn")),
            _digits(values.get("gtin")),
            _text(values.get("product_category")),
            _text(values.get("product_type")),
            _tags(values.get("tags")),
            customised,
            warranty,
            extra,
            list_price,
            nature_of(values),
            str(values.get("price_from") or ""),
        )

    def _prices(
        self, raw_price: Any, raw_list: Any, raw_currency: Any
    ) -> tuple[float | None, float | None, str]:
        """(price, list price, currency code or "") from the cells; 0 or blank is None."""
        price, sym1 = _amount(raw_price, "price")
        list_price, sym2 = _amount(raw_list, "list price")
        if sym1 and sym2 and sym1 != sym2:
            raise ValueError(f"price is written in {sym1} but the list price in {sym2}")
        symbol = sym1 or sym2
        if symbol == "$":  # a dollar or a peso: the run's currency says which
            symbol = dollar_currency(self.default_currency or self.assumed)
        cell = _text(raw_currency)
        if not cell:
            code = symbol or self.default_currency
        else:
            code = cell.upper()
            if len(code) != 3 or not code.isascii() or not code.isalpha():
                named = currency_of_symbol(cell)  # Mercado Libre's `Moneda` column says "$"
                if named is None:
                    raise ValueError(f'currency "{cell}" is not a 3-letter code such as INR or USD')
                code = (
                    dollar_currency(self.default_currency or self.assumed)
                    if named == "$"
                    else named
                )
            if symbol and symbol != code:
                raise ValueError(
                    f"price is written in {symbol} but the currency column says {code}"
                )
        if self.decimals.get(code or self.assumed) == 0:  # ISK, JPY, VND: "29.990" is 29,990
            price, list_price = _whole(raw_price, price), _whole(raw_list, list_price)
        if price is None:
            price = list_price
        return price, list_price, code


#: A plain amount written with dots between groups of three digits ("29.990", "1.250.000").
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _whole(raw: Any, value: float | None) -> float | None:
    """`value` of a cell in a currency without minor units: dots between groups of three
    digits are thousands separators there ("29.990 ISK"), whatever float() makes of them."""
    if isinstance(raw, str) and _DOT_GROUPS.fullmatch(raw.strip()):
        return float(raw.strip().replace(".", ""))
    return value


def _amount(raw: Any, what: str) -> tuple[float | None, str | None]:
    """One price cell: (value or None for blank / 0, the currency its text names)."""
    if raw is None:
        return None, None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = repr(raw)
    elif isinstance(raw, str):
        text = raw
    else:
        raise PriceError(f"{what} {_json_repr(raw)} is not a number")
    if not text.strip():
        return None, None
    value, symbol = parse_price(text)
    return (value or None), symbol


def _json_repr(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"customised {_json_repr(value)} should be yes or no")


_MONTH_UNITS = {"": 1, "m": 1, "mo": 1, "month": 1, "months": 1, "y": 12, "yr": 12, "yrs": 12}
_MONTH_UNITS |= {"year": 12, "years": 12}
# es / pt, fr, de, it, nl, pl, tr, id / ms, vi
_MONTH_UNITS |= {"mes": 1, "meses": 1, "mês": 1, "año": 12, "años": 12, "ano": 12, "anos": 12}
_MONTH_UNITS |= {"mois": 1, "an": 12, "ans": 12, "année": 12, "années": 12}
_MONTH_UNITS |= {"monat": 1, "monate": 1, "monaten": 1, "jahr": 12, "jahre": 12, "jahren": 12}
_MONTH_UNITS |= {"mese": 1, "mesi": 1, "anno": 12, "anni": 12, "maand": 1, "maanden": 1}
_MONTH_UNITS |= {"jaar": 12, "miesiąc": 1, "miesiące": 1, "miesięcy": 1, "rok": 12, "lata": 12}
_MONTH_UNITS |= {"lat": 12, "ay": 1, "yıl": 12, "bulan": 1, "tahun": 12, "tháng": 1, "năm": 12}
_WARRANTY = re.compile(r"(\d+(?:[.,]\d+)?)\s*(\w*)\.?")
#: a number and its unit (not a bare number) followed by words: the warranty's kind or part
_WARRANTY_LEAD = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?\s+\S.*")
_NO_WARRANTY = frozenset(
    {
        "no warranty",
        "none",
        "no",
        "n/a",
        "-",
        "sin garantía",
        "sin garantia",
        "sem garantia",
        "pas de garantie",
        "keine garantie",
        "tiada waranti",
        "no brand warranty",
    }
)


def _months(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in _NO_WARRANTY:
        return 0
    m = _WARRANTY.fullmatch(text)
    if m is None:  # "12 Years Compressor", "1 year manufacturer warranty": the leading term
        m = _WARRANTY_LEAD.match(text)
    amount = float(m[1].replace(",", ".")) if m else -1.0
    unit = m[2] if m else ""
    if amount < 0 or unit not in _MONTH_UNITS or not (amount * _MONTH_UNITS[unit]).is_integer():
        raise ValueError(f"warranty {_json_repr(value)} is not a number of months")
    return int(amount * _MONTH_UNITS[unit])


def _unescaped(text: str) -> str:
    """Text as a person reads it where an export wrote HTML entities (OpenCart: `3&#x27;lü`,
    `Kitchen &amp; Dining`); other text as it is."""
    return html.unescape(text) if "&" in text and ";" in text else text


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else _text(value).split(",")
    return tuple(t for t in (_text(item).lower() for item in items) if t)
