"""Money: which currency a catalog's prices are in, whether they look like it, and a unit's value.

The currency rule lives here and nowhere else. A price's currency is the one its row gives (a
currency column, or a symbol or code written in the price); for the rows that give none it is
`--currency`, else the brand profile's `currency`, else the rulebook's base currency — and then
the run says it *assumed* it. `check_prices` looks at the median of the first priced rows, in
the base currency, against `currencies.yaml: plausible_median`; a median outside that range is
reported loudly, with the currencies whose conversion would land inside it (VND or COP amounts
read as INR turn silver rings into serialised luxury; this is the check that catches it).

`unit_amount` is the one place that decides which of a row's prices is its value
(`currencies.yaml: unit_value`, regular price / MRP before a sale price by default).

    >>> from advisor.rulebook import load_rulebook
    >>> money = load_rulebook().currencies
    >>> choice = resolve_currency(money)
    >>> choice.code, choice.source
    ('INR', 'assumed')
    >>> check_prices(money, choice, [650000.0] * 40).plausible
    False
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from advisor.catalog.records import SkuRecord
from advisor.errors import TrackrightError
from advisor.rulebook.load import Currencies

__all__ = [
    "CurrencyChoice",
    "CurrencyError",
    "PriceCheck",
    "check_prices",
    "resolve_currency",
    "unit_amount",
    "unknown_currency",
]

SOURCES = ("option", "profile", "assumed")
_FITS_SHOWN = 6


class CurrencyError(TrackrightError, ValueError):
    """A currency code the rulebook has no rate for, given by an option or a profile (exit 2)."""


def unknown_currency(code: str, money: Currencies, where: str = "") -> str:
    """The message for a currency without a rate: what to add, and where."""
    lead = f"{where}: " if where else ""
    known = ", ".join(sorted(money.rates))
    return (
        f"{lead}unknown currency {code}: {money.file} has no rate for it; add one under "
        f"`currencies:` there, e.g. `{code}: {{rate: <{money.base} for 1 {code}>, as_of: "
        f"YYYY-MM-DD, source: <where the rate is from>}}` (known: {known})"
    )


@dataclass(frozen=True, slots=True)
class CurrencyChoice:
    """The currency for prices a catalog leaves unlabelled, and who chose it."""

    code: str
    source: str  # "option" (--currency), "profile", or "assumed" (nobody said: the base currency)
    detail: str = ""  # e.g. the profile's file name

    @property
    def assumed(self) -> bool:
        return self.source == "assumed"

    def describe(self) -> str:
        """Where the currency came from, in words: '--currency', 'the brand profile', 'assumed'."""
        if self.source == "option":
            return "given by --currency"
        if self.source == "profile":
            return "from the brand profile" + (f" {self.detail}" if self.detail else "")
        return "assumed: neither the file, --currency nor a brand profile names one"


def resolve_currency(
    money: Currencies,
    option: str | None = None,
    profile_currency: str | None = None,
    profile_name: str = "",
) -> CurrencyChoice:
    """The currency of unlabelled prices: `option`, else the profile's, else the base (assumed).

    Raises `CurrencyError` for a code the rulebook has no rate for, saying how to add one.
    """
    for raw, source, where in (
        (option, "option", "--currency"),
        (profile_currency, "profile", f"{profile_name or 'brand profile'}: currency"),
    ):
        code = (raw or "").strip().upper()
        if not code:
            continue
        if money.rate(code) is None:
            raise CurrencyError(unknown_currency(code, money, where))
        return CurrencyChoice(code, source, profile_name if source == "profile" else "")
    return CurrencyChoice(money.base, "assumed")


def unit_amount(order: Sequence[str]) -> Callable[[SkuRecord], float | None]:
    """A function giving a record's value in its own currency: the first of `order` it has.

    `order` is `currencies.yaml: unit_value` (field names of `SkuRecord`: `list_price`,
    `price`). Every path that values a row (classification, the evaluator's memo, explain) uses
    the function this returns, so the rule is applied in exactly one way.
    """
    fields = tuple(order)
    if fields == ("list_price", "price"):
        return lambda r: r.list_price if r.list_price is not None else r.price
    if fields == ("price", "list_price"):
        return lambda r: r.price if r.price is not None else r.list_price
    if fields == ("price",):
        return lambda r: r.price
    if fields == ("list_price",):
        return lambda r: r.list_price

    def first(r: SkuRecord) -> float | None:
        for name in fields:
            value = getattr(r, name)
            if value is not None:
                return value
        return None

    return first


@dataclass(frozen=True, slots=True)
class PriceCheck:
    """What the first priced rows say about the currency used for unlabelled prices."""

    choice: CurrencyChoice
    base: str
    sampled: int  # priced rows looked at whose currency the file did not give
    labelled: int  # rows looked at whose currency the file gave (not judged)
    median: float | None  # of the sampled amounts, in `choice.code`
    median_base: float | None  # the same, converted to the base currency
    low: float
    high: float
    fits: tuple[str, ...] = ()  # currencies whose conversion of the median is plausible
    #: a generic file with no price column: the columns no field read (None: prices are read)
    unpriced: tuple[str, ...] | None = None
    #: a generic file whose SKU column was found by a word of its header, not its name: that
    #: header (None: the SKU column was named as one, or mapped)
    sku_by_word: str | None = None

    @property
    def plausible(self) -> bool | None:
        """None when there was nothing to judge; else whether the median sits in the range."""
        if self.median_base is None:
            return None
        return self.low <= self.median_base <= self.high

    @property
    def needs_saying(self) -> bool:
        """The run must state its currency: it assumed one for priced rows, or prices look off;
        or it found no price at all."""
        return (
            self.plausible is False
            or (self.choice.assumed and self.sampled > 0)
            or self.unpriced is not None
        )

    def message(self) -> str:
        """One paragraph for stderr and the summary; empty when nothing needs saying."""
        if self.unpriced is not None:
            return self._no_price_column()
        if not self.needs_saying:
            return ""
        c = self.choice
        head = f"prices without a currency of their own are read as {c.code} ({c.describe()})"
        if self.plausible is not False:
            return (
                head + "; give --currency CODE or `currency:` in the brand profile if they are not"
            )
        assert self.median is not None and self.median_base is not None
        scale = (
            f"their median, {c.code} {self.median:,.2f}"
            + (f" (= {self.base} {self.median_base:,.2f})" if c.code != self.base else "")
            + f", is {'above' if self.median_base > self.high else 'below'} what a catalog's "
            f"median plausibly is ({self.base} {self.low:,.0f}–{self.high:,.0f})"
        )
        fits = "; currencies that would fit: " + ", ".join(self.fits) if self.fits else ""
        return (
            f"WARNING: {head}, but these prices look implausible for {c.code}: {scale}{fits}. "
            "Decisions that depend on value will be wrong if the currency is: rerun with "
            "--currency CODE, or set `currency:` in the brand profile"
        )

    def _no_price_column(self) -> str:
        """A file whose prices went unread would have every row decided as a typical item."""
        cols = self.unpriced or ()
        shown = ", ".join(cols[:40]) + (f" … ({len(cols)} in all)" if len(cols) > 40 else "")
        return (
            "WARNING: no column of this file is a price"
            + (f" (columns not read: {shown})" if shown else "")
            + ": every row is decided as a typical item of its vertical, not on its value. Say "
            "which column holds the price: --column price=<header> (or list_price=<header> for "
            "the price before a sale), or `columns: {price: <header>}` in the brand profile"
        )

    def reading_note(self) -> str:
        """How the SKU column was found, when it was a guess a person should confirm."""
        if self.sku_by_word is None:
            return ""
        return (
            f"no column is named as a SKU; column {self.sku_by_word!r} is read as the SKU, since its "
            "name says it identifies the item and its values are all different. If it is not the "
            "SKU, say which column is: --column sku=<header>, or `columns: {sku: <header>}` in the "
            "brand profile"
        )

    def describe(self) -> str:
        """A short line for a summary: the currency used and where it came from."""
        if not self.sampled and self.labelled:
            return "as the file gives it on each row"
        return f"{self.choice.code} ({self.choice.describe()})"

    def to_dict(self) -> dict[str, object]:
        return {
            "currency": self.choice.code,
            "source": self.choice.source,
            "assumed": self.choice.assumed,
            "rows_sampled": self.sampled,
            "rows_with_own_currency": self.labelled,
            "median": None if self.median is None else round(self.median, 2),
            "median_in_base": None if self.median_base is None else round(self.median_base, 2),
            "plausible": self.plausible,
            "would_fit": list(self.fits),
            "price_column": self.unpriced is None,
            "sku_column_by_word": self.sku_by_word,
            "message": self.message(),
        }


def check_prices(
    money: Currencies,
    choice: CurrencyChoice,
    amounts: Sequence[float],
    labelled: int = 0,
) -> PriceCheck:
    """Judge `amounts` (unlabelled prices of the first rows, in `choice.code`) for plausibility."""
    values = sorted(a for a in amounts if a is not None and a > 0 and math.isfinite(a))
    rate = money.rate(choice.code) or 1.0
    low, high = money.plausible_low, money.plausible_high
    if not values:
        return PriceCheck(choice, money.base, 0, labelled, None, None, low, high)
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    median_base = median * rate
    fits: tuple[str, ...] = ()
    if not low <= median_base <= high:
        # The plausible currencies, nearest the range's geometric middle first.
        middle = math.log(math.sqrt(max(low, 1e-9) * high))
        scored = sorted(
            (abs(math.log(median * r.rate) - middle), code)
            for code, r in money.rates.items()
            if low <= median * r.rate <= high
        )
        fits = tuple(code for _, code in scored[:_FITS_SHOWN])
    return PriceCheck(choice, money.base, n, labelled, median, median_base, low, high, fits)
