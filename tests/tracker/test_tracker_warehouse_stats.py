"""Stats per warehouse, on both stores: each warehouse's figures, `--warehouse` limiting them, the CLI table."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tracker_helpers import BOTH, NOW, POLICIES, simple_verdict

from tracker import open_tracker, stats
from tracker.results import WarehouseStock

STORES = BOTH


@pytest.fixture
def t(store_path):
    """Two warehouses: phones and a tea lot at each, a shipment and returns at the second."""
    found = open_tracker(store_path, verdict=simple_verdict, clock=lambda: NOW)
    found.set_policies(POLICIES)
    found.receive("PHONE", serials=["P1", "P2", "P3"], location="WH1")
    found.receive("PHONE", serials=["P4", "P5"], location="WH2")
    found.receive("TEA", lot="T1", qty=40, expiry="2026-01-31", location="WH1")
    found.transfer("TEA:T1", "WH2", qty=15)
    found.ship("SO-1", scans=["P4"], lines=[("TEA", 5)], location="WH2")
    found.process_return("SO-1", "P4", reason="damaged")  # INSPECTING, at WH2
    found.process_return("SO-1", "FAKE-1", location="WH2")  # a suspect handed in at WH2
    found.quarantine("P1", "seal broken")
    found.scrap("P1", "crushed")
    yield found
    found.store.close()


def test_each_warehouse_has_its_own_figures(t):
    """Sellable, held, shipped and destroyed are counted per warehouse, units and lots alike."""
    assert stats(t.store).warehouses == (
        WarehouseStock("WH1", sellable=2 + 25, held=0, shipped=0, destroyed=1, skus=2),
        WarehouseStock("WH2", sellable=1 + 10, held=1, shipped=5, destroyed=0, skus=2),
    )
    assert stats(t.store).warehouses[1].on_hand == 12


def test_one_warehouse_limits_stock_and_suspects_but_not_return_rates(t):
    """`stats(store, "WH2")` keeps WH2's stock rows and suspects; return rates stay store-wide."""
    everywhere = stats(t.store)
    wh2 = stats(t.store, "WH2")
    assert {row[1] for row in wh2.stock} == {"WH2"}
    assert wh2.warehouses == everywhere.warehouses[1:]
    assert [s.id for s in wh2.suspects] == ["FAKE-1"]
    assert stats(t.store, "WH1").suspects == ()
    assert wh2.returns == everywhere.returns and wh2.counts == everywhere.counts
    assert stats(t.store, "NOWHERE").warehouses == ()


def test_stats_prints_a_table_per_warehouse_and_limits_it_with_warehouse(store_path, tmp_path):
    """`track stats` opens with "Stock by warehouse", one row each; with --warehouse only that
    warehouse's row and stock are printed, and the summary says so."""
    from advisor.cli.track import track

    runner = CliRunner()

    def run(*args: str) -> str:
        r = runner.invoke(track, ["--store", str(store_path), *args], env={"COLUMNS": "120"})
        assert r.exit_code == 0, r.output
        return r.output

    decisions = tmp_path / "dec.json"
    decisions.write_text(
        json.dumps(
            [
                {"sku": "PHONE", "method": "serial"},
                {"sku": "TEA", "method": "batch", "capture": ["lot"]},
            ]
        )
    )
    run("policy", "import", str(decisions))
    run("--warehouse", "NORTH", "receive", "PHONE", "--serial", "N1", "--serial", "N2")
    run("--warehouse", "SOUTH", "receive", "TEA", "--lot", "T1", "--qty", "12")
    run("quarantine", "TEA:T1", "--qty", "2", "--reason", "torn")
    out = run("stats")
    table = out.split("Stock by warehouse", 1)[1].split("Stock\n", 1)[0]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in table.splitlines()]
    rows = [r for r in rows if r and r[0] in ("NORTH", "SOUTH")]
    assert rows == [
        ["NORTH", "2", "0", "2", "0", "0", "1"],
        ["SOUTH", "10", "2", "12", "0", "0", "1"],
    ]
    south = run("stats", "--warehouse", "SOUTH")
    assert "(figures below: warehouse SOUTH)" in south.splitlines()[0]
    assert "NORTH" not in south and "SOUTH" in south.split("Stock by warehouse", 1)[1]
