"""Returns analytics: which SKUs and which units keep coming back, and where fakes and swaps come from.

Read from the store's running views only — shipped and returned per SKU (`return_figures`),
the units worth watching (`watched_units`: back twice or more, or flagged), the suspects
table, and one order look-up per suspect return for its channel — never a scan of every unit
or of the ledger, so it costs about the same at 1,000 units as at 1,000,000.

What it cannot see, by design of those views: a unit returned once is counted in its SKU's
rate but not listed; a batch lot returned against the wrong order is a swap in the ledger
(`trackright track advise` scans it) but not here, as lots carry no flags.

    >>> a = returns_analytics(store)                                 # doctest: +SKIP
    >>> a.by_sku[0].rate, a.channels[0].fakes                        # doctest: +SKIP
    >>> write_csv(a, "returns-report/")                              # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from .errors import InputError
from .store import Store, StoreReader

#: The channel shown for orders that did not say where they were sold (shipped at the desk).
NO_CHANNEL = "(not recorded)"


class SkuReturnRow(NamedTuple):
    """One SKU: how much went out and came back, units that loop, fakes and swaps caught."""

    sku: str
    method: str
    shipped: int
    returned: int
    repeat_units: int  # units back twice or more
    repeat_returns: int  # returns of those units beyond their first
    fakes: int
    swaps: int

    @property
    def rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0


class UnitReturnRow(NamedTuple):
    """One unit that keeps coming back (or is flagged): shipped and returned, on which orders."""

    unit: str
    sku: str
    shipped: int
    returned: int
    status: str
    flags: tuple[str, ...]
    returned_on: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0


class SuspectReturn(NamedTuple):
    """One return the desk caught as a fake (never received), a swap or a never-shipped unit."""

    identifier: str
    sku: str
    kind: str  # "fake", "swap" or "never shipped"
    order: str
    channel: str
    status: str


class ChannelRow(NamedTuple):
    """Suspect returns caught per sales channel."""

    channel: str
    fakes: int
    swaps: int
    never_shipped: int

    @property
    def total(self) -> int:
        return self.fakes + self.swaps + self.never_shipped


class Section(NamedTuple):
    """One table of the analytics as text cells: for the terminal and for a CSV file alike."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more: int = 0


class ReturnsAnalytics(NamedTuple):
    """Every table of `track stats --returns`."""

    by_sku: tuple[SkuReturnRow, ...]
    units: tuple[UnitReturnRow, ...]
    suspects: tuple[SuspectReturn, ...]
    channels: tuple[ChannelRow, ...]

    @property
    def shipped(self) -> int:
        return sum(r.shipped for r in self.by_sku)

    @property
    def returned(self) -> int:
        return sum(r.returned for r in self.by_sku)

    def tables(self, limit: int | None = None) -> list[Section]:
        """The four tables, each cut to `limit` rows (None: all)."""

        def cut(rows: list[tuple[str, ...]]) -> tuple[tuple[tuple[str, ...], ...], int]:
            if limit is None or len(rows) <= limit:
                return tuple(rows), 0
            return tuple(rows[:limit]), len(rows) - limit

        out = []
        skus = [
            (r.sku, r.method, str(r.shipped), str(r.returned), f"{r.rate:.1%}",
             str(r.repeat_units), str(r.repeat_returns), str(r.fakes), str(r.swaps))
            for r in self.by_sku
        ]  # fmt: skip
        out.append(
            Section(
                "returns_by_sku",
                "Return rate per SKU",
                ("SKU", "method", "shipped", "returned", "return rate", "units back 2+",
                 "repeat returns", "fakes", "swaps"),
                *cut(skus),
            )
        )  # fmt: skip
        units = [
            (u.unit, u.sku, str(u.shipped), str(u.returned), f"{u.rate:.0%}", u.status,
             ", ".join(u.flags), " ".join(u.returned_on))
            for u in self.units
        ]  # fmt: skip
        out.append(
            Section(
                "repeat_returners",
                "Units that keep coming back (return rate per unit)",
                ("unit", "SKU", "shipped", "returned", "rate", "status", "flags", "returned on"),
                *cut(units),
            )
        )
        channels = [
            (c.channel, str(c.fakes), str(c.swaps), str(c.never_shipped), str(c.total))
            for c in self.channels
        ]
        out.append(
            Section(
                "suspects_by_channel",
                "Fake and swap suspects per channel",
                ("channel", "fakes", "swaps", "never shipped", "total"),
                *cut(channels),
            )
        )
        suspects = [
            (s.identifier, s.sku, s.kind, s.order, s.channel, s.status) for s in self.suspects
        ]
        out.append(
            Section(
                "suspect_returns",
                "Suspect returns",
                ("returned", "SKU", "kind", "order", "channel", "status"),
                *cut(suspects),
            )
        )
        return out


def returns_analytics(store: Store) -> ReturnsAnalytics:
    """The returns analytics of the store as of its last committed operation."""
    with store.reader() as r:
        return _analyse(r)


def _analyse(r: StoreReader) -> ReturnsAnalytics:
    channels: dict[str, str] = {}

    def channel(order_id: str) -> str:
        if order_id not in channels:
            order = r.order(order_id)
            channels[order_id] = (order.channel if order else "") or NO_CHANNEL
        return channels[order_id]

    suspects: list[SuspectReturn] = []
    for s in r.all_suspects():
        for order_id in s.returned_on:
            suspects.append(
                SuspectReturn(s.id, s.sku, "fake", order_id, channel(order_id), s.status)
            )
    units: list[UnitReturnRow] = []
    repeat_units: Counter[str] = Counter()
    repeat_returns: Counter[str] = Counter()
    for u in r.watched_units():
        units.append(
            UnitReturnRow(u.id, u.sku, len(u.orders), u.returns, u.status, u.flags, u.returned_on)
        )
        if u.returns >= 2:
            repeat_units[u.sku] += 1
            repeat_returns[u.sku] += u.returns - 1
        if "not_shipped_suspect" in u.flags:
            kind, orders = "never shipped", list(u.returned_on)
        elif "swap_suspect" in u.flags:
            kind = "swap"
            orders = [o for o in u.returned_on if o not in u.orders] or list(u.returned_on[-1:])
        else:
            continue
        for order_id in orders:
            suspects.append(SuspectReturn(u.id, u.sku, kind, order_id, channel(order_id), u.status))
    fakes = Counter(s.sku for s in suspects if s.kind == "fake")
    swaps = Counter(s.sku for s in suspects if s.kind != "fake")
    figures = {sku: (shipped, back) for sku, shipped, back in r.return_figures()}
    by_sku = []
    for sku in sorted(set(figures) | set(fakes) | set(swaps) | set(repeat_units)):
        shipped, back = figures.get(sku, (0, 0))
        policy = r.policy(sku)
        by_sku.append(
            SkuReturnRow(
                sku,
                policy.method if policy else "",
                shipped,
                back,
                repeat_units[sku],
                repeat_returns[sku],
                fakes[sku],
                swaps[sku],
            )
        )
    by_sku.sort(key=lambda row: (-row.rate, -row.returned, row.sku))
    units.sort(key=lambda u: (-u.returned, -u.rate, u.unit))
    suspects.sort(key=lambda s: (s.channel, s.kind, s.order, s.identifier))
    per_channel: dict[str, Counter[str]] = {}
    for s in suspects:
        per_channel.setdefault(s.channel, Counter())[s.kind] += 1
    rows = [
        ChannelRow(name, c["fake"], c["swap"], c["never shipped"])
        for name, c in per_channel.items()
    ]
    rows.sort(key=lambda c: (-c.total, c.channel))
    return ReturnsAnalytics(tuple(by_sku), tuple(units), tuple(suspects), tuple(rows))


def write_csv(analytics: ReturnsAnalytics, folder: str | os.PathLike[str]) -> list[Path]:
    """Write each table as `<name>.csv` in `folder` (made if missing); the paths written."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for section in analytics.tables():
            path = out / f"{section.name}.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(section.columns)
                w.writerows(section.rows)
            written.append(path)
        return written
    except OSError as err:
        raise InputError(f"{err.filename or out}: {err.strerror or err}") from None


#: Events in a row older than the window that end the trend's scan of the ledger.
_OLDER_RUN = 1000


class DayReturns(NamedTuple):
    """One day of the returns trend: units received back, and those held as suspects."""

    day: str  # ISO date
    returns: int
    suspects: int


def returns_by_day(store: Store, until: date, days: int = 28) -> tuple[DayReturns, ...]:
    """Returns and suspect returns a day over the `days` days ending `until`, oldest first.

    Read from the ledger's newest events back to the window's first day, so a store with
    months of history reads only the last weeks. The ledger is appended mostly in time order;
    an import of returns dated earlier (`track import returns`) appends older events later, so
    the scan ends only after `_OLDER_RUN` events in a row older than the window. A return counts its units (or lot quantities) once, on
    its `return` event; a suspect is a return whose verdict flagged it (`*_suspect`) or an
    identifier the store never had (a fake, held as a suspect: one each).
    """
    first = (until - timedelta(days=days - 1)).isoformat()
    last = until.isoformat()
    counts: dict[str, list[int]] = {}
    older = 0
    with store.reader() as r:
        for e in r.events(newest_first=True):
            day = e.time[:10]
            if day < first:
                older += 1
                if older >= _OLDER_RUN:
                    break
                continue
            older = 0
            if day > last or e.op not in ("return", "return-verdict"):
                continue
            # a held identifier we never had (a fake) is no unit of ours: it counts as one
            n = len(e.ids) + sum(m.qty for m in e.moves) or (1 if e.suspect else 0)
            slot = counts.setdefault(day, [0, 0])
            if e.op == "return":
                slot[0] += n
            elif e.suspect or any(flag.endswith("_suspect") for flag in e.persistent_set):
                slot[1] += n
    out = []
    for i in range(days):
        day = (until - timedelta(days=days - 1 - i)).isoformat()
        returns, suspects = counts.get(day, (0, 0))
        out.append(DayReturns(day, returns, suspects))
    return tuple(out)


__all__ = [
    "NO_CHANNEL",
    "ChannelRow",
    "DayReturns",
    "ReturnsAnalytics",
    "Section",
    "SkuReturnRow",
    "SuspectReturn",
    "UnitReturnRow",
    "returns_analytics",
    "returns_by_day",
    "write_csv",
]
