"""Issue #11, defect by defect: each test failed on the single-file store and passes now."""

from __future__ import annotations

import errno
import json
import os

import pytest
from click.testing import CliRunner
from tracker_helpers import NOW, POLICIES, simple_verdict, store_files, unit_ids

from advisor.cli import track as track_cli
from advisor.commands import base as commands_base
from tracker import (
    BadIdentifierError,
    InputError,
    NotAllowedError,
    PolicySnapshot,
    RefusedError,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    open_store,
    open_tracker,
    read_policy_file,
    stats,
    trace_lot,
    trace_unit,
)
from tracker.store import files

GTIN_A = "80614141123458"
GTIN_B = "06291041500213"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """`trackright track` on a workspace with the test policies, returns decided in Python."""
    monkeypatch.setattr(commands_base, "return_verdicts", lambda rules_dir=None: simple_verdict)
    ws = tmp_path / "ws"
    t = open_tracker(ws, clock=lambda: NOW)
    t.set_policies(POLICIES + [PolicySnapshot("CAM", "serial", gtin=GTIN_A)])
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(track_cli.track, ["--store", str(ws), *args])

    invoke.ws = ws
    return invoke


@pytest.fixture
def faults():
    """Make the store's write step `name` raise (or run) something, once or always."""
    plan: dict[str, object] = {}

    def hook(name: str, path: str) -> None:
        action = plan.get(name)
        if action is not None:
            action()

    files.fault_hook = hook
    yield plan
    files.fault_hook = None


def _enospc() -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


# 1 -------------------------------------------------------------------------------------------


def test_1_failure_after_the_durable_commit_reports_success_and_never_doubles(tracker, faults):
    """A failing apply after the journal fsync is a success with a warning; the next op finishes it."""
    faults["sync"] = _enospc
    result = tracker.receive("VITC", lot="L1", qty=5, expiry="2026-01-01")
    assert result.qty == 5
    assert tracker.store.warnings and "is recorded" in tracker.store.warnings[0]
    assert trace_lot(open_store(tracker.store.path), "VITC", "L1").lot.qty("IN_STOCK") == 5
    faults.clear()
    tracker.store.warnings.clear()
    tracker.receive("VITC", lot="L1", qty=5, expiry="2026-01-01")
    assert trace_lot(tracker.store, "VITC", "L1").lot.qty("IN_STOCK") == 10
    assert not tracker.store.warnings


def test_1_cli_reports_success_with_a_warning(cli, faults):
    """The command exits 0 and says on stderr that the operation is recorded."""
    faults["wal-reset"] = _enospc
    result = cli("receive", "PHONE", "--serial", "P1")
    assert result.exit_code == 0, result.output
    assert "Warning: operation" in result.output and "is recorded" in result.output
    faults.clear()
    again = cli("receive", "PHONE", "--serial", "P1")
    assert again.exit_code == 1 and "already in the store" in again.output


def test_1_failure_before_the_journal_is_durable_changes_nothing(tracker, faults):
    """When the journal cannot be written the operation fails and the store is unchanged."""
    before = store_files(tracker.store)
    faults["wal-append"] = _enospc
    with pytest.raises(StoreError, match="nothing changed"):
        tracker.receive("PHONE", serials=["P1"])
    faults.clear()
    assert store_files(tracker.store) == before


# 2 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["existing.csv", "ws/store.json", "folder.csv"])
def test_2_report_never_overwrites_and_nothing_is_recalled(cli, tmp_path, target):
    """An existing file or folder as --report is refused before the recall is recorded."""
    cli("receive", "VITC", "--lot", "L1", "--qty", "3", "--expiry", "2099-01-01")
    (tmp_path / "existing.csv").write_text("keep me")
    (tmp_path / "folder.csv").mkdir()
    path = tmp_path / target
    before = path.read_bytes() if path.is_file() else None
    result = cli("recall", "--lot", "VITC:L1", "--report", str(path))
    assert result.exit_code == 2
    assert "never overwritten" in result.output or "is a folder" in result.output
    if before is not None:
        assert path.read_bytes() == before
    assert not trace_lot(open_store(cli.ws), "VITC", "L1").lot.recalled


# 3 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["[/]", "SO[/x]", "FAKE[/b]", "[bold]X"])
def test_3_markup_is_stored_and_shown_literally(cli, ident):
    """Identifiers with rich markup are received, shipped, returned, traced and counted as typed."""
    assert cli("receive", "PHONE", "--serial", ident).exit_code == 0
    shipped = cli("ship", ident, "--scan", ident)
    assert shipped.exit_code == 0 and ident in shipped.output, shipped.output
    back = cli("return", ident, ident)
    assert back.exit_code == 0 and f"{ident} (PHONE)" in back.output
    fake = cli("return", ident, f"{ident}9")
    assert fake.exit_code == 0 and "COUNTERFEIT" in fake.output
    for args in (("trace", ident), ("stats",), ("trace", "--order", ident)):
        result = cli(*args)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
        assert ident in result.output


# 4 -------------------------------------------------------------------------------------------


def test_4_a_serial_is_ours_only_under_our_gtin(tracker):
    """Another product bearing our serial is a counterfeit suspect, never restocked."""
    tracker.set_policies([PolicySnapshot("CAM", "serial", gtin=GTIN_A)])
    tracker.receive("CAM", serials=["S1", "S2"])
    tracker.ship("SO-1", scans=[f"(01){GTIN_A}(21)S1"])
    other = tracker.process_return("SO-1", f"(01){GTIN_B}(21)S1")
    assert other.verdict.flag == "counterfeit_suspect" and other.suspect
    assert trace_unit(tracker.store, "S1").units[0].status == "SHIPPED"
    with pytest.raises(NotAllowedError, match="GTIN"):
        tracker.ship("SO-2", scans=[f"(01){GTIN_B}(21)S2"])
    genuine = tracker.process_return("SO-1", f"(01){GTIN_A}(21)S1")
    assert genuine.status == "IN_STOCK"


def test_4_two_products_may_share_a_serial(tracker):
    """Serial 123 of GTIN A and serial 123 of GTIN B are two units; a plain scan must choose."""
    tracker.set_policies(
        [
            PolicySnapshot("CAM", "serial", gtin=GTIN_A),
            PolicySnapshot("LENS", "serial", gtin=GTIN_B),
        ]
    )
    tracker.receive("CAM", serials=["123"])
    tracker.receive("LENS", serials=["123"])
    with pytest.raises(BadIdentifierError, match="borne by 2 products"):
        tracker.ship("SO-1", scans=["123"])
    assert tracker.ship("SO-1", scans=[f"(01){GTIN_B}(21)123"]).items[0].sku == "LENS"


# 5 -------------------------------------------------------------------------------------------


def test_5_a_fake_return_never_poisons_the_genuine_lot(tracker):
    """A suspect SKU:LOT return is kept apart; the genuine lot works and its recall misses no one."""
    tracker.receive("TEA", lot="T0", qty=1, expiry="2026-01-01")
    tracker.ship("SO-0", lines=[("TEA", 1)])
    fake = tracker.process_return("SO-0", "TEA:T9", qty=2)
    assert fake.suspect and fake.verdict.flag == "counterfeit_suspect"
    tracker.receive("TEA", lot="T9", qty=60, expiry="2026-01-01")
    for n in range(41):
        tracker.ship(f"SO-{n + 1}", lines=[("TEA", 1)])
    assert tracker.process_return("SO-1", "TEA:T9").status == "IN_STOCK"
    assert tracker.quarantine("TEA:T9", "seal", qty=2) == ("QUARANTINED", 2)
    report = tracker.recall("TEA", lot="T9")
    assert len(report.orders_to_contact) == 40  # 41 shipped, SO-1 came back
    assert sum(r.qty for r in report.rows if r.action == "contact customer") == 40


def test_5_a_fake_serial_never_blocks_the_genuine_receipt(tracker):
    """A serial first seen as a counterfeit return can still be received as genuine stock."""
    tracker.receive("PHONE", serials=["P0"])
    tracker.ship("SO-1", scans=["P0"])
    tracker.process_return("SO-1", "IMEI-7")
    assert tracker.receive("PHONE", serials=["IMEI-7"]).ids == ("IMEI-7",)
    tracker.ship("SO-2", scans=["IMEI-7"])
    assert tracker.process_return("SO-2", "IMEI-7").status == "IN_STOCK"
    assert {s.id for s in stats(tracker.store).suspects} == {"IMEI-7"}  # the suspect record


# 6 -------------------------------------------------------------------------------------------


def test_6_the_busy_hint_never_invites_deleting_anything(store_path):
    """While another process holds the lock the error says to wait, never to delete a file."""
    store = open_store(store_path, timeout=0.1)
    other = files.Lock(store.path)
    assert other.acquire(1)
    try:
        with pytest.raises(StoreBusyError) as err, store.transaction("t"):
            pass
    finally:
        other.release()
    assert "never stale" in err.value.hint and "delete any file" in err.value.hint
    assert not list(store.path.parent.glob("*.lock"))


def test_6_two_commits_of_one_sequence_number_are_refused_loudly(tracker):
    """An op log holding one operation number twice (two writers at once) is an error."""
    tracker.receive("PHONE", serials=["P1"])
    data = tracker.store.data
    log = max(data.glob("head.*.log"))
    lines = log.read_bytes().splitlines(keepends=True)
    entry = json.loads(lines[-1][9:])
    entry["op"] = "ship"
    lines.append(files.encode_line(entry))
    log.write_bytes(b"".join(lines))
    with pytest.raises(StoreCorruptError, match="committed twice"):
        stats(open_store(tracker.store.path))


# 7 -------------------------------------------------------------------------------------------


def test_7_a_missing_op_log_names_what_is_lost(tracker):
    """Deleting the op log is an error naming the partition whose changes are lost."""
    tracker.receive("PHONE", serials=["P1", "P2"])
    tracker.ship("SO-1", scans=["P1"])
    for log in tracker.store.data.glob("head.*.log"):
        log.unlink()
    with pytest.raises(StoreCorruptError, match="recorded|lost"):
        trace_unit(open_store(tracker.store.path), "P1")


def test_7_a_partition_cut_in_the_middle_is_an_error(tracker):
    """A delta log shorter than the op log recorded is reported with what is lost."""
    tracker.receive("PHONE", serials=["P1"])
    tracker.ship("SO-1", scans=["P1"])
    delta = next(p for p in (tracker.store.data / "units").glob("*.log") if p.stat().st_size)
    delta.write_bytes(delta.read_bytes()[: delta.stat().st_size // 2])
    with pytest.raises(StoreCorruptError, match="recorded"):
        trace_unit(open_store(tracker.store.path), "P1")


def test_7_a_well_formed_but_wrong_line_is_an_error_not_a_traceback(tracker):
    """A line with a valid checksum but a record missing its fields is reported as damage."""
    tracker.receive("PHONE", serials=["P1"])
    delta = next(p for p in (tracker.store.data / "units").glob("*.log") if p.stat().st_size)
    bad = files.encode_line({"s": 1, "d": [{"id": "P1"}]})
    delta.write_bytes(bad + b"\n" * 0)
    data = tracker.store.data
    head = max(data.glob("head.*.log"))
    entries = [json.loads(line[9:]) for line in head.read_bytes().splitlines()]
    rel = str(delta.relative_to(data))
    entries[-1]["f"][rel] = len(bad)
    head.write_bytes(b"".join(files.encode_line(e) for e in entries))
    with pytest.raises(StoreCorruptError, match="malformed"):
        trace_unit(open_store(tracker.store.path), "P1")


# 8 -------------------------------------------------------------------------------------------


def test_8_temporary_files_of_killed_writers_are_removed(tracker):
    """Temp files a killed fold left behind are removed by the next writer."""
    tmp = tracker.store.data / "tmp"
    (tmp / "units-0a3.1.json.999.deadbeef.tmp").write_bytes(b"x" * 1000)
    tracker.receive("PHONE", serials=["P1"])
    assert not list(tmp.iterdir())


# 9 -------------------------------------------------------------------------------------------


def test_9_stock_tinydb_reads_the_export_whole(cli, tmp_path):
    """`export tinydb` gives stock TinyDB every unit, journalled or folded."""
    from tinydb import TinyDB

    for n in range(30):
        cli("receive", "PHONE", "--serial", f"P{n}")
    result = cli("export", "tinydb", str(tmp_path / "plain.json"))
    assert result.exit_code == 0, result.output
    db = TinyDB(tmp_path / "plain.json")
    assert {d["id"] for d in db.table("units").all()} == {f"P{n}" for n in range(30)}
    assert {d["sku"] for d in db.table("policies").all()} >= {"PHONE", "CAM"}


# 11 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("receive", "VITC", "--lot", "L", "--qty", str(10**30), "--expiry", "2099-01-01"),
            "more than",
        ),
        (("receive", "PHONE", "--generate", "1000001"), "more than one operation may move (100,000)"),
        (("receive", "DRESS", "--qty", "100001"), "more than"),
        (("ship", "SO-1", "--line", f"VITC:{10**30}"), "SKU:QTY"),
        (("quarantine", "VITC:L", "--reason", "x" * 600, "--qty", "1"), "at most 500"),
    ],
)
def test_11_bounds_have_clear_messages(cli, args, message):
    """Absurd quantities and sizes are refused with the limit named, never attempted."""
    result = cli(*args)
    assert result.exit_code in (1, 2) and message in result.output, result.output
    assert "Traceback" not in result.output


def test_11_out_of_memory_is_a_message(cli, monkeypatch):
    """A MemoryError becomes one clear line and exit 2."""
    from tracker import Tracker

    def boom(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(Tracker, "receive", boom)
    result = cli("receive", "PHONE", "--serial", "P1")
    assert result.exit_code == 2 and "out of memory" in result.output


# 12 ------------------------------------------------------------------------------------------


def test_12_policy_import_reports_rows_and_keeps_the_rest(tmp_path):
    """Disagreeing rows name both rows; a list SKU and a non-ASCII SKU are row errors; GTINs read."""
    rows = [
        {"sku": "A", "method": "serial", "gtin": GTIN_A},
        {"sku": "B", "method": "batch"},
        {"sku": "B", "method": "serial"},
        {"sku": ["C"], "method": "batch"},
        {"sku": "DÉJÀ", "method": "batch"},
        {"sku": "E", "method": "none", "reason": "gift card", "nature": "gift_card"},
        {"sku": "F", "method": "batch", "gtin": "123"},
    ]
    path = tmp_path / "dec.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    found = read_policy_file(path)
    assert {s.sku for s in found.snapshots} == {"A", "E"}
    assert found.snapshots[0].gtin == GTIN_A
    text = "\n".join(f"{p.where}: {p.message}" for p in found.problems)
    assert f"{path}:2" in text and f"{path}:3" in text and "disagree" in text
    assert f"{path}:4: sku must be text" in text and f"{path}:4: {path}:4" not in text
    assert f"{path}:5" in text and "DÉJÀ" in text
    assert f"{path}:7: gtin" in text


def test_12_cli_imports_good_rows_and_exits_1(cli, tmp_path):
    """The import takes the usable rows, lists the others with their rows, and exits 1."""
    path = tmp_path / "dec.csv"
    path.write_text("sku,method,capture,rule,reason,gtin\nOK1,batch,,r,x,\nBAD,laser,,r,x,\n")
    result = cli("policy", "import", str(path))
    assert result.exit_code == 1 and "Imported 1" in result.output
    assert f"{path}:3" in result.output and "laser" in result.output


def test_12_not_stock_imports_and_refuses_every_receive(cli, tmp_path):
    """A `none` decision imports as a policy, and receiving the SKU is refused clearly."""
    path = tmp_path / "dec.json"
    path.write_text(
        json.dumps(
            [{"sku": "GC-500", "method": "none", "reason": "Gift card", "nature": "gift_card"}]
        )
    )
    assert cli("policy", "import", str(path)).exit_code == 0
    for args in (("--generate", "1"), ("--serial", "X"), ("--lot", "L", "--qty", "1")):
        result = cli("receive", "GC-500", *args)
        assert result.exit_code == 1
        assert "gift cards are not stock: nothing to receive" in result.output


# 13 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask, mode", [(0o002, 0o664), (0o077, 0o600), (0o022, 0o644)])
def test_13_every_file_follows_the_umask(tmp_path, umask, mode):
    """Manifest, journal, op log, partitions and ledger all get 0o666 less the umask."""
    old = os.umask(umask)
    try:
        t = open_tracker(tmp_path / "ws", verdict=simple_verdict, clock=lambda: NOW)
        t.set_policies(POLICIES)
        for n in range(60):
            t.receive("PHONE", serials=[f"P{n}-{k}" for k in range(20)])
        t.receive("VITC", lot="L1", qty=3, expiry="2026-01-01")
    finally:
        os.umask(old)
    found = {p: p.stat().st_mode & 0o777 for p in (tmp_path / "ws").rglob("*")}
    assert {m for p, m in found.items() if p.is_file()} == {mode}
    assert {m for p, m in found.items() if p.is_dir()} == {mode | ((mode & 0o444) >> 2)}


def test_13_read_only_mode_reads_and_refuses_to_write(cli):
    """With --read-only, stats and trace work and a receive is refused; nothing is written."""
    cli("receive", "PHONE", "--serial", "P1")
    before = store_files(open_store(cli.ws))
    assert cli("--read-only", "stats").exit_code == 0
    assert cli("--read-only", "trace", "P1").exit_code == 0
    result = cli("--read-only", "receive", "PHONE", "--serial", "P2")
    assert result.exit_code == 2 and "read-only" in result.output
    assert store_files(open_store(cli.ws)) == before


# 14 ------------------------------------------------------------------------------------------


def test_14_a_unit_trace_shows_no_lot_quantity(cli):
    """A unit shipped with five lot units shows `shipping`, not `shipping x5`."""
    cli("receive", "PHONE", "--serial", "P1")
    cli("receive", "TEA", "--lot", "T1", "--qty", "9", "--expiry", "2099-01-01")
    cli("ship", "SO-1", "--scan", "P1", "--line", "TEA:5")
    unit = cli("trace", "P1")
    assert "shipping" in unit.output and "x5" not in unit.output
    assert "x5" in cli("trace", "--lot", "TEA:T1").output


def test_14_dates_must_be_written_yyyy_mm_dd(tracker):
    """`20280101` is refused: the message says YYYY-MM-DD and means it."""
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        tracker.receive("VITC", lot="L1", qty=1, expiry="20280101")


def test_14_a_scrapped_unit_handed_back_raises_the_alert(tracker):
    """A destroyed unit handed in as a return gets the copied-label alert, not 'already returned'."""
    tracker.receive("PHONE", serials=["P1"])
    tracker.ship("SO-1", scans=["P1"])
    tracker.process_return("SO-1", "P1", reason="damaged")
    tracker.scrap("P1", "broken")
    with pytest.raises(NotAllowedError, match="destroyed on record"):
        tracker.process_return("SO-1", "P1")


def test_14_a_lowercase_lpn_is_the_same_label(tracker):
    """`lpn…` typed in lower case finds the unit instead of making a counterfeit suspect."""
    (label,) = tracker.receive("DRESS", generate=1).ids
    tracker.ship("SO-1", scans=[label.lower()])
    assert tracker.process_return("SO-1", label.lower(), reason="fit").status == "IN_STOCK"


def test_14_a_symlinked_store_is_one_store(tmp_path):
    """A symlink to store.json opens the same store, not a second one beside the link."""
    t = open_tracker(tmp_path / "real", clock=lambda: NOW)
    t.set_policies(POLICIES)
    t.receive("PHONE", serials=["P1"])
    (tmp_path / "link.json").symlink_to(tmp_path / "real" / "store.json")
    again = open_tracker(tmp_path / "link.json", clock=lambda: NOW)
    again.receive("PHONE", serials=["P2"])
    assert unit_ids(open_store(tmp_path / "real")) == {"P1", "P2"}
    assert not (tmp_path / "link").exists()


def test_14_refused_receive_of_more_than_limit_changes_nothing(tracker):
    """A refused oversized receipt leaves every store file as it was."""
    before = store_files(tracker.store)
    with pytest.raises(RefusedError):
        tracker.receive("PHONE", generate=10**7)
    assert store_files(tracker.store) == before
