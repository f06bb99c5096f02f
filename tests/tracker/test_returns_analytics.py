"""Returns analytics: rates per SKU and per unit, repeat returners, fakes and swaps per channel."""

from __future__ import annotations

import csv

import pytest

from tracker.analytics import NO_CHANNEL, returns_analytics, write_csv
from tracker.store import records


@pytest.fixture
def history(tracker):
    """A dress that keeps coming back, a swap on a marketplace order, a fake on the web shop."""
    lpn = tracker.receive("DRESS", generate=2).ids
    tracker.receive("PHONE", serials=["P1", "P2"])
    tracker.receive("TEA", lot="T1", qty=10, expiry="2099-01-01")
    for n in range(3):  # the same dress: shipped, returned for fit, resold … three times
        tracker.ship(f"SO-D{n}", scans=[lpn[0]], channel="web")
        tracker.process_return(f"SO-D{n}", lpn[0], reason="fit")
    tracker.ship("SO-P1", scans=["P1"], channel="amazon")
    tracker.ship("SO-P2", scans=["P2"], channel="amazon")
    tracker.process_return("SO-P2", "P1", reason="defective")  # P1 left on SO-P1: a swap
    tracker.ship("SO-W1", lines=[("TEA", 4)], channel="web")
    tracker.process_return("SO-W1", "FAKE-1", reason="damaged")  # never ours
    tracker.process_return("SO-W1", "TEA:T1", qty=1, reason="changed_mind")
    tracker.ship("SO-DESK", lines=[("TEA", 1)])  # the desk: no channel given
    tracker.process_return("SO-DESK", "FAKE-2")
    return tracker


def test_units_that_keep_coming_back_are_listed_with_their_rate(history):
    """The dress back three times leads the per-unit table; its SKU counts one repeat unit."""
    a = returns_analytics(history.store)
    top = a.units[0]
    assert (top.sku, top.shipped, top.returned, top.rate) == ("DRESS", 3, 3, 1.0)
    assert top.returned_on == ("SO-D0", "SO-D1", "SO-D2")
    dress = next(r for r in a.by_sku if r.sku == "DRESS")
    assert (dress.shipped, dress.returned, dress.repeat_units, dress.repeat_returns) == (3, 3, 1, 2)
    tea = next(r for r in a.by_sku if r.sku == "TEA")
    assert (tea.shipped, tea.returned, tea.rate) == (5, 1, 0.2)


def test_fakes_and_swaps_are_counted_per_channel(history):
    """The swap came through amazon, a fake through the web shop, one fake on a desk order."""
    a = returns_analytics(history.store)
    by_channel = {c.channel: (c.fakes, c.swaps, c.never_shipped) for c in a.channels}
    assert by_channel == {"amazon": (0, 1, 0), "web": (1, 0, 0), NO_CHANNEL: (1, 0, 0)}
    swap = next(s for s in a.suspects if s.kind == "swap")
    assert (swap.identifier, swap.order, swap.channel) == ("P1", "SO-P2", "amazon")
    phone = next(r for r in a.by_sku if r.sku == "PHONE")
    assert phone.swaps == 1


def test_the_analytics_never_scan_every_unit_or_the_ledger(history, monkeypatch):
    """Only the store's running views are read: no ledger scan, no pass over the units table."""

    def no_ledger(self, **kw):
        raise AssertionError("the returns analytics scanned the whole ledger")

    real_table = records.Reader._table

    def table(self, name):
        assert name != "units", "the returns analytics scanned every unit"
        return real_table(self, name)

    monkeypatch.setattr(records.Reader, "events", no_ledger)
    monkeypatch.setattr(records.Reader, "_table", table)
    assert returns_analytics(history.store).units


def test_the_tables_are_written_as_csv_files(history, tmp_path):
    """`write_csv` writes one file per table, every row, with a header."""
    paths = write_csv(returns_analytics(history.store), tmp_path / "out")
    assert [p.name for p in paths] == [
        "returns_by_sku.csv",
        "repeat_returners.csv",
        "suspects_by_channel.csv",
        "suspect_returns.csv",
    ]
    rows = list(csv.reader(paths[1].open(encoding="utf-8")))
    assert rows[0][:4] == ["unit", "SKU", "shipped", "returned"]
    assert rows[1][1:5] == ["DRESS", "3", "3", "100%"]
