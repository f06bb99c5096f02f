"""How an amount of money is written: INR as Indian readers write it, other currencies in theirs.

Every face (the CLI's tables and summary, the app, `rules diff`) writes money through
`format_money`, so one figure reads the same everywhere. Grouping and symbols come from the
Unicode CLDR through babel: INR in the en_IN convention (₹1,23,456 — lakh and crore grouping),
USD as $123,456, VND as 123.456 ₫. Digits are always Latin. A month's totals are whole units;
amounts under 100 keep two decimals, so a label's cost (₹0.75) is not rounded away.

    >>> format_money(123456, "INR")
    '₹1,23,456'
    >>> format_money(0.75, "INR")
    '₹0.75'
    >>> format_money(-2500, "USD")
    '-$2,500'
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["format_money", "money_locale"]

#: The locale whose convention a currency is written in, where more than one country uses it or
#: the first country babel lists would be a surprise. Others: the country that issues it.
_LOCALES = {
    "INR": "en_IN",
    "USD": "en_US",
    "EUR": "en_IE",
    "GBP": "en_GB",
    "AUD": "en_AU",
    "CAD": "en_CA",
    "NZD": "en_NZ",
    "SGD": "en_SG",
    "HKD": "en_HK",
    "AED": "en_AE",
    "CHF": "de_CH",
    "XOF": "fr_SN",
    "XAF": "fr_CM",
    "BTN": "dz_BT",
    "NPR": "ne_NP",
    "PKR": "en_PK",
    "LKR": "si_LK",
    "BDT": "bn_BD",
}


#: Direction marks (Arabic-script locales) mean nothing on a terminal; spaces become plain.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)
_TIDY = re.compile("[\u00a0\u202f]+")
_LETTERS_THEN_DIGIT = re.compile(r"^([A-Za-z]+)(\d)")


@lru_cache(maxsize=128)
def money_locale(code: str) -> str:
    """The locale whose convention `code` is written in (en_IN for INR; 'en' if unknown)."""
    code = code.upper()
    if code in _LOCALES:
        return _LOCALES[code]
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global
    from babel.languages import get_official_languages

    for territory, entries in get_global("territory_currencies").items():
        if not any(e[0] == code and e[2] is None for e in entries):
            continue
        for lang in ("en", *get_official_languages(territory)):
            try:
                Locale.parse(f"{lang}_{territory}")
            except (UnknownLocaleError, ValueError):
                continue
            return f"{lang}_{territory}"
    return "en"


def format_money(amount: float, currency: str, decimals: int | None = None) -> str:
    """`amount` of `currency` as its readers write it; `decimals` None: 0 from 100 up, else 2."""
    from babel.numbers import format_currency

    code = currency.upper()
    if decimals is None:
        small = round(float(amount), 2)
        decimals = 0 if abs(small) >= 100 or small.is_integer() else 2
    value = round(float(amount), decimals)
    if value == 0:
        value = 0.0  # no "-₹0"
    locale = money_locale(code)
    try:
        text = format_currency(
            abs(value),
            code,
            locale=locale,
            currency_digits=False,
            decimal_quantization=True,
            format_type="standard",
            numbering_system="latn",
            format=None if decimals else _whole_pattern(locale),
        )
    except Exception:  # an unknown code or locale: still write the amount, with its code
        text = f"{code} {abs(value):,.{decimals}f}"
    text = _TIDY.sub(" ", text.translate(_MARKS)).strip()
    if "¤" in text:  # CLDR has no symbol for it
        text = text.replace("¤", "").strip()
        text = f"{code} {text}"
    text = _LETTERS_THEN_DIGIT.sub(r"\1 \2", text)
    return ("-" if value < 0 else "") + text


@lru_cache(maxsize=128)
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals (¤#,##,##0 for en_IN)."""
    from babel import Locale

    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    pattern = pattern.split(";")[0]
    for tail in (".00", ",00"):
        pattern = pattern.replace("0" + tail, "0")
    return pattern
