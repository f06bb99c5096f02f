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


def test_returns_and_suspects_are_counted_a_day_and_only_the_window_is_read(
    store_path, monkeypatch
):
    """Three days of returns: a fit return and a fake one day, two fit returns two days later;
    the trend counts each day's units and suspects, and reads the ledger only back to the
    window's first day."""
    from datetime import UTC, datetime, timedelta

    from tracker_helpers import POLICIES, simple_verdict

    from tracker import open_tracker
    from tracker.analytics import returns_by_day

    now = [datetime(2026, 11, 1, 10, tzinfo=UTC)]
    t = open_tracker(store_path, verdict=simple_verdict, clock=lambda: now[0])
    t.set_policies(POLICIES)
    ids = t.receive("DRESS", generate=4).ids
    for i, unit in enumerate(ids):
        t.ship(f"SO-{i}", scans=[unit], channel="web")
    now[0] += timedelta(days=20)  # 21 Nov
    t.process_return("SO-0", ids[0], reason="fit")
    t.process_return("SO-1", "FAKE-1", reason="damaged")
    now[0] += timedelta(days=2)  # 23 Nov
    t.process_return("SO-2", ids[2], reason="fit")
    t.process_return("SO-3", ids[3], reason="fit")
    days = returns_by_day(t.store, now[0].date(), days=7)
    assert [d.day for d in days][0] == "2026-11-17" and days[-1].day == "2026-11-23"
    by_day = {d.day: (d.returns, d.suspects) for d in days}
    assert by_day["2026-11-21"] == (2, 1) and by_day["2026-11-23"] == (2, 0)
    assert sum(d.returns for d in days) == 4
    seen = []
    real = records.Reader.events

    def counting(self, **kw):
        for e in real(self, **kw):
            seen.append(e.time[:10])
            yield e

    monkeypatch.setattr(records.Reader, "events", counting)
    monkeypatch.setattr("tracker.analytics._OLDER_RUN", 2)
    returns_by_day(t.store, now[0].date(), days=3)  # 21 – 23 Nov: stops in the 1 Nov events
    assert min(seen) == "2026-11-01" and seen.count("2026-11-01") == 2
    assert len(seen) < len(list(real(t.store.reader().__enter__())))
    t.store.close()
