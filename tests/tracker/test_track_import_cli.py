"""`track import orders|returns` and `track stats --returns` as a user runs them (runner, processes)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tracker_helpers import POLICIES, simple_verdict

from advisor.cli import track as track_cli
from advisor.commands import base as commands_base
from tracker import open_tracker

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "imports"
VOLTA = ["356938035643809", "356938035643817", "356938035643825", "356938035643833"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    """`trackright track --store WS …` through click's runner, returns decided in plain Python."""
    monkeypatch.setattr(commands_base, "return_verdicts", lambda rules_dir=None: simple_verdict)
    store = tmp_path / "ws"
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(
            track_cli.track, ["--store", str(store), *args], env={"COLUMNS": "250"}
        )

    decisions = [
        {"sku": "VLT-PH-A15-128", "method": "serial", "rule": "r", "reason": "phone"},
        {"sku": "VLT-PH-A15-256", "method": "serial", "rule": "r", "reason": "phone"},
        {"sku": "VLT-PH-N9-128", "method": "serial", "rule": "r", "reason": "phone"},
        {"sku": "TEA", "method": "batch", "capture": "lot;expiry", "rule": "r", "reason": "food"},
    ]
    (tmp_path / "dec.json").write_text(json.dumps(decisions))
    assert invoke("policy", "import", str(tmp_path / "dec.json")).exit_code == 0
    args = ["receive", "VLT-PH-A15-128", "--serial", VOLTA[0], "--serial", VOLTA[1]]
    assert invoke(*args).exit_code == 0
    assert (
        invoke("receive", "VLT-PH-A15-256", "--serial", VOLTA[2], "--serial", VOLTA[3]).exit_code
        == 0
    )
    assert invoke("receive", "VLT-PH-N9-128", "--serial", "356938035643841").exit_code == 0
    return invoke


def test_importing_the_generic_orders_file_lists_the_rejected_lines(run, tmp_path):
    """A dry run says what would happen and records nothing; the import then ships the good
    orders, lists each rejected line with its number and the desk's words, writes every line
    to --report, and exits 1; the same file again ships nothing."""
    orders = str(DATA / "generic_orders.csv")
    dry = run("import", "orders", orders, "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert "4 would be applied, 2 would be rejected — nothing was recorded" in dry.output
    assert run("trace", "--order", "SO-5001").exit_code == 1  # not shipped by the dry run
    report = tmp_path / "report.csv"
    real = run("import", "orders", orders, "--report", str(report))
    assert real.exit_code == 1
    assert "6 order lines (generic): 4 applied, 2 rejected" in real.output
    assert "SKU VLT-PH-A15-128 is tracked by serial: scan the 1 unit(s)" in real.output
    assert "unit 356938035640000 is not in the store" in real.output
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [r["line"] for r in rows] == ["2", "3", "4", "5", "6", "7"]
    assert [r["status"] for r in rows].count("applied") == 4
    again = run("import", "orders", orders)
    assert "0 applied, 2 rejected, 4 unchanged (imported before)" in again.output


def test_imported_returns_show_the_desks_verdicts(run, tmp_path):
    """Each returned item gets the desk's verdict, in the desk's words; refusals exit 1."""
    assert run("import", "orders", str(DATA / "generic_orders.csv")).exit_code == 1
    result = run(
        "import", "returns", str(DATA / "returns_list.csv"), "--report", str(tmp_path / "v.csv")
    )
    assert result.exit_code == 1
    out = result.output
    assert "8 returns (returns): 5 applied, 3 rejected" in out
    for words in (
        "RESTOCK — restocked",
        "SWAP SUSPECT — quarantined",
        "COUNTERFEIT SUSPECT — quarantined",
    ):
        assert words in out
    rows = list(csv.DictReader((tmp_path / "v.csv").open(encoding="utf-8")))
    assert [r["flag"] for r in rows][:3] == ["", "swap_suspect", "counterfeit_suspect"]
    again = run("import", "returns", str(DATA / "returns_list.csv"))
    assert "0 applied, 3 rejected, 5 unchanged" in again.output


def test_stats_returns_shows_the_tables_and_writes_them_as_csv(run, tmp_path):
    """`stats --returns` draws the four tables and `--csv DIR` writes them."""
    run("import", "orders", str(DATA / "generic_orders.csv"))
    run("import", "returns", str(DATA / "returns_list.csv"))
    out_dir = tmp_path / "returns-report"
    result = run("stats", "--returns", "--csv", str(out_dir))
    assert result.exit_code == 0, result.output
    assert "1 fake(s) and 1 swap(s) caught" in result.output
    assert "Fake and swap suspects per channel" in result.output
    # the last 28 days up to today as a column a day (the counts: test_returns_analytics.py,
    # with a fixed clock; the list's own dates fall out of the window as the calendar moves)
    trend = {line.split()[0]: line.split()[1] for line in result.output.splitlines()
             if line.strip().startswith(("returns ", "suspects "))}  # fmt: skip
    assert "Returns a day" in result.output
    assert len(trend["returns"]) == len(trend["suspects"]) == 28
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "repeat_returners.csv",
        "returns_by_sku.csv",
        "suspect_returns.csv",
        "suspects_by_channel.csv",
    ]
    channels = list(csv.DictReader((out_dir / "suspects_by_channel.csv").open(encoding="utf-8")))
    assert {(c["channel"], c["fakes"], c["swaps"]) for c in channels} == {
        ("amazon", "0", "1"),
        ("flipkart", "1", "0"),
    }


def test_an_unreadable_file_is_an_error_with_exit_2(run, tmp_path):
    """A file that is not there, or has no usable columns, exits 2 with the file named."""
    result = run("import", "orders", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "nope.csv" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("import", "returns", str(bad))
    assert result.exit_code == 2 and "no order column" in result.output


def _cli(*args: str, store: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120", TRACKRIGHT_STORE=str(store))
    return subprocess.Popen(
        [sys.executable, "-m", "advisor.cli.main", "track", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_importing_one_file_at_once_apply_each_line_once(tmp_path):
    """Two `trackright track import orders` processes on the same 3,000-line file at the same
    time: every line is applied by exactly one of them, the other finds it unchanged."""
    store = tmp_path / "ws"
    t = open_tracker(store, verdict=simple_verdict)
    t.set_policies(POLICIES)
    t.receive("TEA", lot="T1", qty=100_000, expiry="2099-01-01")
    path = tmp_path / "orders.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order", "sku", "qty"])
        w.writerows([f"SO-{n // 2}", "TEA", str(1 + n % 3)] for n in range(3_000))
    procs = [
        _cli("import", "orders", str(path), "--report", str(tmp_path / f"r{i}.csv"), store=store)
        for i in (1, 2)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    reports = [
        list(csv.DictReader((tmp_path / f"r{i}.csv").open(encoding="utf-8"))) for i in (1, 2)
    ]
    for a, b in zip(*reports, strict=True):
        assert {a["status"], b["status"]} == {"applied", "unchanged"}, (a, b)
    with t.store.reader() as r:
        assert r.counts()["orders"] == 1_500
        assert sum(n for _sku, n, _back in r.return_figures()) == sum(
            1 + n % 3 for n in range(3_000)
        )


def test_the_sample_shopify_export_imports_in_a_real_process(tmp_path):
    """`trackright track import orders` on the bundled Shopify sample, a fresh process: lines
    are skipped (gift card, cancelled, unfulfilled) or rejected (no decision) with their
    line numbers; exit 1."""
    store = tmp_path / "ws"
    t = open_tracker(store)
    from tracker import PolicySnapshot

    t.set_policies([PolicySnapshot("CHA-ASM-TEA-500", "batch", ("lot", "expiry"))])
    t.receive("CHA-ASM-TEA-500", lot="L1", qty=50, expiry="2099-01-01")
    sample = ROOT / "sample_catalogs" / "shop" / "chaiwala_shopify_orders.csv"
    p = _cli("import", "orders", str(sample), store=store)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 1, err
    assert "17 order lines (shopify): 1 applied, 13 rejected, 3 skipped" in out
    assert "SKU CHA-GHE-COW-1L has no tracking decision yet" in out
