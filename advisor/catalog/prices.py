"""Turn the price text people type into catalogs into a number and, when the text says so, a currency.

Accepted, among others: ``1299``, ``₹1,299.00``, ``Rs. 399``, ``Rs 399/-``, ``INR 1,299``,
``1,23,456.00`` (Indian grouping), ``1.299,00`` and ``1 299,50`` (European), ``$12.50``,
``€1.299,00``, ``£8``, ``AED 120``, ``650.000₫``, ``650.000đ``, ``₱1,890.00``, ``R$ 49,90``,
``RM 25``, ``64.999,00 TL``.

How separators are read: with both ``,`` and ``.`` present, the one written last is the decimal
point. With only one kind, a separator that repeats (``1,23,456``) or is followed by exactly three
digits (``1,299``) groups thousands; otherwise it is the decimal point (``12,5``, ``12.50``).
So ``1.299`` is read as one point two nine nine — write ``1.299,00`` for the European thousand.
"""

from __future__ import annotations

import re

__all__ = ["DOLLAR_SIGN", "PriceError", "currency_of_symbol", "dollar_currency", "parse_price"]


class PriceError(ValueError):
    """A price cell that is not a usable price; the message is written for a catalog manager."""


# Symbols and words that name a currency, matched case-insensitively; any other three letters
# next to the number are taken as an ISO code and checked later, where the rates live.
_SYMBOLS = {
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "रु": "INR",
    "$": "$",  # a dollar or peso: which one, the run's currency says (`dollar_currency`)
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₫": "VND",
    "₱": "PHP",
    "฿": "THB",
    "₩": "KRW",
    "₦": "NGN",
    "৳": "BDT",
    "₺": "TRY",
    "₴": "UAH",
    "₽": "RUB",
    "₪": "ILS",
    "r$": "BRL",
    "s$": "SGD",
    "a$": "AUD",
    "c$": "CAD",
    "hk$": "HKD",
    "nz$": "NZD",
    "rm": "MYR",
    "rp": "IDR",
    "zł": "PLN",
    "tl": "TRY",
    "đ": "VND",
    "vnđ": "VND",
}
#: Currencies written with a bare "$": the US dollar and the dollars and pesos of other markets.
DOLLAR_SIGN = frozenset(
    "USD MXN CAD AUD NZD SGD HKD ARS CLP COP UYU TWD DOP CUP FJD JMD TTD BSD BZD LRD BND XCD "
    "SBD KYD BMD GYD SRD BBD".split()
)


def dollar_currency(run_currency: str) -> str:
    """The currency a bare "$" means in a run that reads prices in `run_currency`: that
    currency where it is written with "$" (a Mexican shop's $3,499 is pesos), else USD."""
    code = (run_currency or "").upper()
    return code if code in DOLLAR_SIGN else "USD"


def currency_of_symbol(text: str) -> str | None:
    """The ISO code a currency cell names by its symbol (`€`, `£`, `₹`, `R$`), "$" for a bare
    dollar sign, or None when the text is no known symbol."""
    return _SYMBOLS.get(text.strip().lower())


_CURRENCY = r"₹|रु|hk\$|nz\$|us\$|[rsac]\$|rs\.?|rm|rp|zł|tl|vnđ|đ|[$€£₫₱฿₩₦৳₺₴₽₪]|[a-z]{3}"
_PRICE = re.compile(
    rf"""^\s*(?P<sign1>[-+−])?\s*(?P<pre>{_CURRENCY})?\s*(?P<sign2>[-+−])?\s*
    (?P<num>\d[\d.,'\s\u00a0\u202f]*)
    \s*(?P<post>{_CURRENCY})?\s*(?:/-)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_GROUP_SPACES = re.compile(r"[\s\u00a0\u202f']")


#: Words a price cell holds where the item has no fixed price (decided as a row with no price).
NO_PRICE_WORDS = frozenset(
    "variable|open price|market price|price on request|on request|poa|p.o.a.|tbc|"
    "precio variable|a consultar|consultar|sur demande|auf anfrage|preço variável".split("|")
)


def parse_price(text: str) -> tuple[float, str | None]:
    """Return ``(value, currency_or_None)`` for a price cell, or raise `PriceError`.

    A blank cell raises ``no price``; a negative price raises too: a catalog lists what a unit
    sells for, and a negative number is always a typing or export mistake. A word that says the
    price is not fixed (`NO_PRICE_WORDS`: Square's "Variable", "price on request") is 0: the
    row is decided as one with no price, and flagged so.
    """
    raw = text.strip()
    if not raw:
        raise PriceError("no price")
    try:
        value = float(raw)
    except ValueError:
        if raw.lower() in NO_PRICE_WORDS:  # Square's "Variable": priced at the till
            return 0.0, None
        value, currency = _parse_decorated(raw)
    else:
        currency = None
        if value - value != 0:  # nan and inf pass float() but are not prices
            raise PriceError(f'price "{raw}" is not a number')
    if value < 0:
        raise PriceError(f'price "{raw}" is negative')
    return value, currency


def _parse_decorated(raw: str) -> tuple[float, str | None]:
    m = _PRICE.match(raw)
    if m is None or (m["pre"] and m["post"]):
        raise PriceError(f'price "{raw}" is not a number')
    symbol = (m["pre"] or m["post"] or "").lower()
    currency = _SYMBOLS.get(symbol, symbol.upper()) if symbol else None
    number = _GROUP_SPACES.sub("", m["num"])
    try:
        value = float(_normalise_separators(number))
    except ValueError:
        raise PriceError(f'price "{raw}" is not a number') from None
    sign = (m["sign1"] or "") + (m["sign2"] or "")
    if "-" in sign or "−" in sign:
        value = -value
    return value, currency


def _normalise_separators(number: str) -> str:
    comma, dot = number.rfind(","), number.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal, group = (",", ".") if comma > dot else (".", ",")
        head, _, tail = number.rpartition(decimal)
        if group in tail or decimal in head:
            raise ValueError(number)
        return _ungroup(head, group) + "." + tail
    sep = "," if comma >= 0 else "." if dot >= 0 else ""
    if not sep:
        return number
    parts = number.split(sep)
    if len(parts) > 2 or len(parts[-1]) == 3:
        return _ungroup(number, sep)
    return number.replace(sep, ".")


def _ungroup(number: str, sep: str) -> str:
    """Drop thousand (or Indian lakh) separators after checking the groups look like groups."""
    parts = number.split(sep)
    if not parts[0] or any(len(p) not in (2, 3) for p in parts[1:]) or len(parts[-1]) != 3:
        raise ValueError(number)
    return "".join(parts)
