"""Orders and returns imported from shop files: every line accounted for, idempotent, as the desk."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import Item, ShopOrder, stamp, write_shopify
from tracker_helpers import NOW, POLICIES, real_verdict, simple_verdict, store_files

from tracker import open_tracker
from tracker.errors import AlreadyAppliedError, DuplicateIdError, InputError
from tracker.imports import STATUSES, import_orders, import_returns, read_orders, read_returns

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def _clock():
    return NOW


@pytest.fixture
def stocked(tracker):
    """A store with tea in two lots (FEFO: T-OLD first), phones and dresses in stock."""
    tracker.receive("TEA", lot="T-OLD", qty=30_000, expiry="2026-01-31")
    tracker.receive("TEA", lot="T-NEW", qty=30_000, expiry="2027-01-31")
    tracker.receive("VITC", lot="V1", qty=5_000, expiry="2027-06-30")
    tracker.receive("PHONE", serials=[f"P{i}" for i in range(1, 201)])
    tracker.receive("DRESS", generate=3)
    return tracker


def _write_generic(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order", "sku", "qty", "date", "serial", "channel"])
        w.writerows(rows)
    return path


def _big_shopify(path: Path, n_lines: int = 10_000) -> tuple[Path, set[str]]:
    """About `n_lines` line items, mostly tea and vitamin C, with a few bad orders; the names of
    the orders that must be rejected."""
    orders = []
    bad = set()
    lines = 0
    n = 0
    while lines < n_lines:
        n += 1
        name = f"#{10_000 + n}"
        items = [Item("TEA", 1 + n % 3, "Assam Tea 500g", 285)]
        if n % 2:
            items.append(Item("VITC", 1, "Vitamin C 60 tabs", 399))
        if n % 997 == 0:
            items.append(Item("GHOST-SKU", 1, "Discontinued sampler", 499))
            bad.add(name)
        if n % 1_499 == 0:
            items[0] = items[0]._replace(qty=-2)  # written as "-2": not a whole number
            bad.add(name)
        if n % 1_201 == 0:
            items.append(Item("", 1, "Gift card", 500, requires_shipping=False))
        items = items[: n_lines - lines]
        lines += len(items)
        orders.append(ShopOrder(name, stamp(1 + n % 28, n % 600), tuple(items), stamp(1 + n % 28)))
    return write_shopify(path, orders), bad


def test_ten_thousand_shopify_lines_are_each_accounted_for_and_a_rerun_changes_nothing(
    stocked, tmp_path
):
    """10,000 Shopify lines with a few bad orders: every line has one result with its line
    number, the bad orders are rejected whole, the rest shipped; the same file again ships
    nothing and leaves every store file as it was."""
    path, bad = _big_shopify(tmp_path / "orders_export.csv")
    report = import_orders(stocked.store, path, clock=_clock)
    assert report.format == "shopify"
    assert len(report.results) == 10_000
    assert [r.line for r in report.results] == list(range(2, 10_002))
    rejected_orders = {r.order for r in report.rejected}
    assert rejected_orders == bad
    assert report.count("skipped") == sum(1 for r in report.results if "gift card" in r.detail)
    assert report.count("skipped") > 0
    assert report.count("applied") + report.count("rejected") + report.count("skipped") == 10_000
    shipped_orders = {r.order for r in report.results if r.status == "applied"}
    with stocked.store.reader() as r:
        assert r.counts()["orders"] == len(shipped_orders)
        assert sum(i.qty for i in r.order("#10001").items) == 2 + 1
    qty = sum(r.qty for r in report.results if r.status == "applied")
    with stocked.store.reader() as r:
        assert sum(shipped for _sku, shipped, _back in r.return_figures()) == qty

    before = store_files(stocked.store)
    again = import_orders(stocked.store, path, clock=_clock)
    assert again.count("applied") == 0
    assert again.count("unchanged") == report.count("applied")
    assert [r.status for r in again.rejected] == [r.status for r in report.rejected]
    assert store_files(stocked.store) == before


def test_a_dry_run_records_nothing_and_foretells_the_real_run(stocked, tmp_path):
    """A dry run leaves every file of the store as it was, and says per line what the real
    import then does (stock running out included)."""
    path = _write_generic(
        tmp_path / "o.csv",
        [
            ["SO-1", "TEA", "29990", "2025-05-30", "", "web"],
            ["SO-2", "TEA", "20", "2025-05-30", "", "web"],  # only 10 of T-OLD left: FEFO spills
            ["SO-3", "PHONE", "1", "2025-05-30", "P1", "amazon"],
            ["SO-4", "PHONE", "1", "2025-05-30", "P1", "amazon"],  # P1 already gone on SO-3
        ],
    )
    before = store_files(stocked.store)
    dry = import_orders(stocked.store, path, dry_run=True, clock=_clock)
    assert store_files(stocked.store) == before
    real = import_orders(stocked.store, path, clock=_clock)
    assert [(r.status, r.detail) for r in dry.results] == [
        (r.status, r.detail) for r in real.results
    ]
    assert real.results[1].detail == (
        "shipped 10 x TEA lot T-OLD from WH1, 10 x TEA lot T-NEW from WH1"
    )
    assert real.results[3].status == "rejected" and "SHIPPED" in real.results[3].detail


def test_an_order_with_a_bad_line_is_shipped_whole_or_not_at_all(stocked, tmp_path):
    """One unreadable line rejects its whole order (each line says why); others ship."""
    path = _write_generic(
        tmp_path / "o.csv",
        [
            ["SO-1", "TEA", "2", "", "", ""],
            ["SO-1", "VITC", "two", "", "", ""],
            ["SO-2", "TEA", "1", "", "", ""],
        ],
    )
    report = import_orders(stocked.store, path, clock=_clock)
    assert [(r.line, r.status) for r in report.results] == [
        (2, "rejected"),
        (3, "rejected"),
        (4, "applied"),
    ]
    assert report.results[0].detail == (
        "order SO-1 not shipped: line 3: quantity 'two' is not a whole number"
    )
    with stocked.store.reader() as r:
        assert r.order("SO-1") is None and r.order("SO-2") is not None


def test_the_channel_and_the_line_date_are_kept(stocked, tmp_path):
    """An imported order keeps its channel, and its shipment is dated as the file says."""
    path = _write_generic(tmp_path / "o.csv", [["SO-7", "TEA", "1", "2025-05-20", "", "amazon"]])
    import_orders(stocked.store, path, clock=_clock)
    with stocked.store.reader() as r:
        order = r.order("SO-7")
        assert order.channel == "amazon"
        assert order.shipped_at.startswith("2025-05-20")
        (event,) = r.events_of_order("SO-7")
        assert event.source and event.source.startswith("orders:SO-7:")


def test_an_order_shipped_at_the_desk_is_refused_not_counted_as_imported(stocked, tmp_path):
    """An order the desk already shipped is the desk's refusal (shipped once), not 'unchanged'."""
    stocked.ship("SO-1", lines=[("TEA", 1)])
    path = _write_generic(tmp_path / "o.csv", [["SO-1", "TEA", "1", "", "", ""]])
    (result,) = import_orders(stocked.store, path, clock=_clock).results
    assert result.status == "rejected" and "already shipped" in result.detail


def test_the_operation_itself_refuses_a_key_it_has_applied(stocked):
    """ship and return with the same import key twice: the second is AlreadyAppliedError;
    the same order without the key is the desk's DuplicateIdError."""
    stocked.ship("SO-1", lines=[("TEA", 1)], source="k1")
    with pytest.raises(AlreadyAppliedError):
        stocked.ship("SO-1", lines=[("TEA", 1)], source="k1")
    with pytest.raises(DuplicateIdError):
        stocked.ship("SO-1", lines=[("TEA", 1)])
    stocked.process_return("SO-1", "TEA:T-OLD", source="r1")
    with pytest.raises(AlreadyAppliedError):
        stocked.process_return("SO-1", "TEA:T-OLD", source="r1")


def test_shopify_order_fields_are_carried_and_lines_counted_in_the_file():
    """Order fields sit on an order's first row only; a note with a line break moves the line
    numbers of the rows after it; gift cards, cancelled and unfulfilled orders are skipped."""
    fmt, lines = read_orders(DATA / "shopify_orders_export.csv")
    assert fmt == "shopify"
    by_order = {}
    for ln in lines:
        by_order.setdefault(ln.order, []).append(ln)
    ghee = by_order["#1001"][1]
    assert (ghee.sku, ghee.qty, ghee.when) == (
        "CHA-GHE-COW-1L",
        1,
        datetime(
            2026, 11, 19, 10, 30, tzinfo=datetime.fromisoformat("2026-11-19T10:30+05:30").tzinfo
        ),
    )
    assert by_order["#1003"][0].channel == "pos"
    assert "gift card" in by_order["#1002"][1].skip
    assert "cancelled" in by_order["#1004"][0].skip
    assert "not fulfilled" in by_order["#1005"][0].skip
    assert by_order["#1010"][0].line == by_order["#1009"][0].line + 2  # the note's line break


def test_a_file_without_the_columns_says_which_are_missing(tmp_path):
    """A CSV with neither an order column nor a Shopify header is refused, naming the columns."""
    path = tmp_path / "x.csv"
    path.write_text("when,what\n2025-01-01,tea\n", encoding="utf-8")
    with pytest.raises(InputError, match="no order column"):
        read_orders(path)
    with pytest.raises(InputError, match="no such file|No such file"):
        read_orders(tmp_path / "missing.csv")


def test_a_bom_and_loose_column_names_are_read(tmp_path):
    """Excel's BOM and headers such as `Order ID`, `Quantity`, `Serial / LPN` are understood."""
    path = tmp_path / "o.csv"
    path.write_bytes("\ufeffOrder ID,SKU,Quantity,Serial-or-LPN\nSO-1,PHONE,2,P1;P2\n".encode())
    fmt, (line,) = read_orders(path)
    assert fmt == "generic"
    assert (line.order, line.sku, line.qty, line.scans) == ("SO-1", "PHONE", 2, ("P1", "P2"))


def _desk_and_import_stores(tmp_path: Path):
    stores = []
    for name in ("desk", "import"):
        t = open_tracker(tmp_path / name, verdict=real_verdict, clock=_clock)
        t.set_policies(POLICIES)
        t.receive("PHONE", serials=["P1", "P2", "P3", "P4"])
        t.receive("TEA", lot="T1", qty=20, expiry="2099-01-01")
        t.ship("SO-1", scans=["P1"], lines=[("TEA", 3)])
        t.ship("SO-2", scans=["P2"])
        t.ship("SO-3", scans=["P3"], lines=[("TEA", 1)])
        stores.append(t)
    return stores


RETURNS = [
    ("SO-1", "P1", "fit"),  # genuine: restock
    ("SO-1", "P2", "fit"),  # shipped on SO-2: swap suspect
    ("SO-1", "FAKE-9", "defective"),  # never received: counterfeit suspect
    ("SO-1", "P4", "other"),  # never shipped: not-shipped suspect
    ("SO-3", "P3", "damaged"),  # inspect
    ("SO-1", "TEA:T1", "changed mind"),
    ("SO-3", "P3", "fit"),  # already returned on SO-3: refused
    ("SO-9", "P1", "fit"),  # unknown order
]


def test_imported_returns_get_the_verdicts_the_desk_gives(tmp_path):
    """The same returns taken one by one at the desk and imported from a list end alike:
    verdict, flag, rule and status per line, refusals included (bundled returns rulebook)."""
    desk, imp = _desk_and_import_stores(tmp_path)
    path = tmp_path / "returns.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order", "identifier", "reason", "date"])
        w.writerows([*r, ""] for r in RETURNS)
    report = import_returns(imp.store, path, verdict=real_verdict, clock=_clock)
    for (order, ident, reason), line in zip(RETURNS, report.results, strict=True):
        try:
            at_desk = desk.process_return(order, ident, reason=reason)
        except Exception as err:  # noqa: BLE001 - the desk's refusal, compared as words
            assert line.status == "rejected" and line.detail == err.message
            continue
        got = line.returned
        assert got is not None
        assert (got.verdict, got.status, got.facts) == (
            at_desk.verdict,
            at_desk.status,
            at_desk.facts,
        )
        assert line.status == ("applied" if at_desk.status else "rejected")
    flags = [r.returned.verdict.flag for r in report.results if r.returned]
    assert {"swap_suspect", "counterfeit_suspect", "not_shipped_suspect"} <= set(flags)


def test_a_returned_batch_sku_comes_back_from_the_lot_its_order_shipped(stocked, tmp_path):
    """A bare SKU of a batch product is returned from its order's lot; a serial SKU needs the
    unit; a SKU the order never shipped is refused. The same list again changes nothing."""
    stocked.ship("SO-1", lines=[("TEA", 2)], scans=["P1"])
    path = tmp_path / "r.csv"
    path.write_text(
        "order,sku,serial,reason\nSO-1,TEA,,fit\nSO-1,PHONE,,fit\nSO-1,VITC,,fit\n"
        "SO-1,TEA,,fit\nSO-1,TEA,,fit\n",
        encoding="utf-8",
    )
    report = import_returns(stocked.store, path, verdict=simple_verdict, clock=_clock)
    first, phone, vitc, second, third = report.results
    assert first.status == "applied" and first.returned.identifier == "TEA:T-OLD"
    assert phone.status == "rejected" and "needs the unit's serial" in phone.detail
    assert vitc.status == "rejected" and "shipped no VITC" in vitc.detail
    assert second.status == "applied"
    assert third.status == "rejected" and third.returned.verdict.flag == "already_returned"
    again = import_returns(stocked.store, path, verdict=simple_verdict, clock=_clock)
    assert [r.status for r in again.results] == [
        "unchanged",
        "rejected",
        "rejected",
        "unchanged",
        "rejected",
    ]


def test_the_sample_returns_list_reads_every_line():
    """The bundled returns list is read line by line, with its reasons and dates."""
    lines = read_returns(DATA / "returns_list.csv")
    assert [ln.line for ln in lines] == list(range(2, 2 + len(lines)))
    assert lines[0].reason == "changed mind"
    assert lines[0].when == datetime(2026, 11, 25, tzinfo=UTC)


_ROW = st.tuples(
    st.sampled_from(["SO-1", "SO-2", "SO-3", "SO-4", ""]),
    st.sampled_from(["TEA", "VITC", "NOPE", ""]),
    st.sampled_from(["1", "2", "7", "0", "x", ""]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(_ROW, min_size=1, max_size=12))
def test_any_orders_file_is_accounted_for_line_by_line_and_stock_is_kept(tmp_path_factory, rows):
    """Whatever the lines, each gets one result with a known status (a row with no cell filled
    is no line); the quantity shipped is the sum of the applied lines; no order ships in part;
    a second import applies nothing."""
    folder = tmp_path_factory.mktemp("prop")
    t = open_tracker(folder / "ws", verdict=simple_verdict, clock=_clock)
    t.set_policies(POLICIES)
    t.receive("TEA", lot="T1", qty=12, expiry="2099-01-01")
    t.receive("VITC", lot="V1", qty=3, expiry="2099-01-01")
    path = _write_generic(folder / "o.csv", [[o, s, q, "", "", ""] for o, s, q in rows])
    report = import_orders(t.store, path, clock=_clock)
    filled = [n for n, row in enumerate(rows, 2) if any(row)]
    assert [r.line for r in report.results] == filled
    assert all(r.status in STATUSES for r in report.results)
    with t.store.reader() as r:
        shipped = sum(n for _sku, n, _back in r.return_figures())
    assert shipped == sum(r.qty for r in report.results if r.status == "applied")
    for order in {r.order for r in report.results}:
        statuses = {r.status for r in report.results if r.order == order}
        assert not ({"applied", "rejected"} <= statuses), "an order shipped in part"
    again = import_orders(t.store, path, clock=_clock)
    assert again.count("applied") == 0


def test_a_returns_dry_run_records_nothing_and_gives_the_same_verdicts(tmp_path):
    """A dry run of a returns list leaves the store as it was and foretells each verdict."""
    _desk, imp = _desk_and_import_stores(tmp_path)
    path = tmp_path / "returns.csv"
    path.write_text(
        "order,identifier,reason\n" + "".join(f"{o},{i},{r}\n" for o, i, r in RETURNS),
        encoding="utf-8",
    )
    before = store_files(imp.store)
    dry = import_returns(imp.store, path, verdict=real_verdict, dry_run=True, clock=_clock)
    assert store_files(imp.store) == before
    real = import_returns(imp.store, path, verdict=real_verdict, clock=_clock)

    def seen(report):
        return [(r.status, r.returned.verdict if r.returned else r.detail) for r in report.results]

    assert seen(dry) == seen(real)
