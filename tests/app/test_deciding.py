"""Deciding a catalog in a child process: the same rows as deciding in-process, saved as it
streams, read back only for the same inputs, and failures said in the user's words."""

from __future__ import annotations

import csv
import threading
from dataclasses import replace

import pytest
from tui_helpers import SAMPLES

from advisor.advice.evaluate import EvaluatedRow
from advisor.advice.profile import BrandProfile
from advisor.advice.recommend import recommend_from_catalog
from advisor.app import deciding
from advisor.app.advice_text import DECISION_COLUMNS, DecisionWidths, decision_cells
from advisor.app.rowtable import measure_columns
from advisor.catalog.records import RejectedRow
from advisor.rulebook.load import load_rulebook
from tracker.errors import TrackrightError

CATALOG = SAMPLES / "electronics_brand.csv"
PROFILE = BrandProfile(brand="Volta", verticals=("electronics",), monthly_orders=5000)


@pytest.fixture(scope="module")
def book():
    return load_rulebook()


def _rows(rec):
    return [(r.record.sku, r.decision.method, r.decision.rule, r.unit_value) for r in rec.items]


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_the_child_decides_what_the_app_would_decide_itself(book, tmp_path, start):
    """Every row, in order, with the same decision, summary and costs as in-process; the
    rows' shared decisions arrive as shared objects again (one per distinct decision)."""
    seen: list[int] = []
    got = deciding.decide(
        book,
        PROFILE,
        str(CATALOG),
        "k1",
        save_to=tmp_path / "rec.pickle",
        progress=seen.append,
        start=start,
    )
    here = recommend_from_catalog(book, PROFILE, CATALOG)
    assert got is not None and _rows(got.rec) == _rows(here)
    # each row whole: its record field by field, its value, its own evidence text
    assert [(r.record, r.unit_value, r.source, r.facts) for r in got.rec.items] == [
        (r.record, r.unit_value, r.source, r.facts) for r in here.items
    ]
    assert {type(r.record) for r in got.rec.items} == {type(r.record) for r in here.items}
    assert got.rec.summary.by_method == here.summary.by_method
    assert got.rec.costs.recommended == here.costs.recommended
    assert seen and seen[-1] == len(here.items)
    shared = {id(r.shared) for r in got.rec.items}
    assert len(shared) == len({id(r.shared) for r in here.items}) < len(got.rec.items)


def test_the_stream_is_saved_and_read_back_only_for_the_same_inputs(book, tmp_path):
    """The file the child saved gives the same rows for its key, and nothing for another key
    or a damaged file (the app then decides again)."""
    saved = tmp_path / "rec.pickle"
    got = deciding.decide(book, PROFILE, str(CATALOG), "k1", save_to=saved)
    assert saved.exists() and not list(tmp_path.glob("*.tmp"))
    again = deciding.read_saved(saved, "k1")
    assert again is not None and _rows(again.rec) == _rows(got.rec)
    assert again.columns == got.columns
    assert deciding.read_saved(saved, "another") is None
    saved.write_bytes(saved.read_bytes()[:-200])
    assert deciding.read_saved(saved, "k1") is None
    assert deciding.read_saved(tmp_path / "missing.pickle", "k1") is None


def test_a_catalog_that_cannot_be_read_fails_with_the_readers_message(book, tmp_path):
    """The child's error comes back as the error a user reads, and nothing is saved."""
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    saved = tmp_path / "rec.pickle"
    with pytest.raises(TrackrightError) as err:
        deciding.decide(book, PROFILE, str(bad), "k1", save_to=saved)
    assert "empty.csv" in str(err.value) or "empty" in str(err.value)
    assert not saved.exists() and not list(tmp_path.glob("*.tmp"))


def test_cancelling_stops_the_child_and_returns_nothing(book, tmp_path):
    """A caller that stops waiting while rows are still coming (the app quitting mid-way) gets
    None without reading the rest, and no half-written file stays."""
    catalog = tmp_path / "big.csv"
    with catalog.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "category", "price", "currency"])
        for i in range(20 * deciding.CHUNK):
            w.writerow([f"SKU-{i:05d}", f"Redmi Note {i} 5G", "Mobile Phones", "9000", "INR"])
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int) -> None:
        seen.append(done)
        stop.set()  # stop waiting once the first rows are in

    saved = tmp_path / "rec.pickle"
    got = deciding.decide(
        book, PROFILE, str(catalog), "k1", save_to=saved, progress=progress, cancelled=stop.is_set
    )
    assert got is None
    assert seen == [deciding.CHUNK]
    assert not saved.exists() and not list(tmp_path.glob("*.tmp"))


def test_decision_widths_are_the_widths_measured_over_every_cell(book):
    """Measuring as rows stream gives the columns `measure_columns` finds over the cells."""
    rec = recommend_from_catalog(book, PROFILE, CATALOG)
    widths = DecisionWidths()
    for item in rec.items:
        widths.add(item)
    cells = decision_cells(rec, {})
    assert widths.columns() == measure_columns(DECISION_COLUMNS, rec.items, cells, right=(1,))


def test_decision_widths_measure_the_widest_value_however_it_rounds(book):
    """The value column is as wide as its widest value written out: negative ones and ones
    that round up to another digit ("999.6" is "1,000") included, as when every row was
    measured."""
    rec = recommend_from_catalog(book, PROFILE, CATALOG)
    first = next(item for item in rec.items if isinstance(item, EvaluatedRow))
    for values, width in (
        ((5.0, 99_999.6, 12.0), len("100,000")),
        ((5.0, -10_000.4, 3.0), len("-10,000")),
        ((-123_456.5, 99_999.4), len("-123,456")),
        ((-1_234_567.0, 10.0), len("-1,234,567")),
        ((None, float("nan"), 123_456.0), len("123,456")),
    ):
        widths = DecisionWidths()
        for value in values:
            widths.add(first._replace(unit_value=value))
        assert widths.columns()[1].width == max(width, len(DECISION_COLUMNS[1]))


def _mixed_catalog(path, rows: int) -> None:
    """A generic CSV of several verticals, with rows to reject and a SKU repeated across the
    middle of the file (where a two-core run cuts it)."""
    kinds = [
        ("Redmi Note {i} 5G 8GB/128GB", "Mobile Phones", "14999"),
        ("Cotton Kurta {i} - Blue", "Women > Kurtas", "899"),
        ("Whey Protein {i} 1kg Chocolate", "Health > Supplements", "2499"),
        ("Steel Kadai {i} 24cm", "Home > Kitchen > Cookware", "1299"),
        ("Gift Card {i}", "Gift Cards", "500"),
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "category", "price", "currency"])
        for i in range(rows):
            title, category, price = kinds[i % len(kinds)]
            sku = f"SKU-{i:05d}"
            if i == rows * 3 // 4:
                sku = "SKU-00010"  # first seen in the first half: a duplicate in the second
            if i in (rows // 10, rows * 9 // 10):
                price = "n/a"  # rejected, in each half
            w.writerow([sku, title.format(i=i), category, price, "INR"])


def test_a_big_csv_is_decided_on_two_cores_with_the_one_process_answer(book, tmp_path, monkeypatch):
    """Cut in two (the threshold lowered for the test): every row in order with the same
    record, value, evidence, facts and decision; the same rejections, with their row numbers
    and reasons (the duplicate across the cut included); the same summary and costs."""
    catalog = tmp_path / "mixed.csv"
    _mixed_catalog(catalog, 3000)
    here = recommend_from_catalog(book, PROFILE, catalog)
    monkeypatch.setenv("TRACKRIGHT_PARALLEL_MIN_BYTES", "1")
    got = deciding.decide(book, PROFILE, str(catalog), "k1", save_to=tmp_path / "rec.pickle")
    assert got is not None and len(got.rec.items) == len(here.items) == 3000

    def whole(item):
        if isinstance(item, RejectedRow):
            return item
        # a shared decision's title, category, brand and value are its first row's (documented
        # on EvaluatedRow): with two processes the second half's first row is another row
        facts = replace(item.facts, title="", category="", brand="", unit_value=None)
        return (item.record, item.unit_value, item.source, facts, item.decision)

    assert [whole(r) for r in got.rec.items] == [whole(r) for r in here.items]
    rejected = [r for r in got.rec.items if isinstance(r, RejectedRow)]
    assert len(rejected) == 3 and any("SKU-00010" in r.reason for r in rejected)
    for name in ("decided", "rejected", "by_method", "by_vertical", "rejection_reasons"):
        assert getattr(got.rec.summary, name) == getattr(here.summary, name), name
    assert got.rec.costs == here.costs
    # two processes decided it: the second half's rows carry the worker's shared decisions
    assert len({id(r.shared) for r in got.rec.items if not isinstance(r, RejectedRow)}) > len(
        {id(r.shared) for r in here.items if not isinstance(r, RejectedRow)}
    )
    again = deciding.read_saved(tmp_path / "rec.pickle", "k1")
    assert again is not None and [whole(r) for r in again.rec.items] == [
        whole(r) for r in here.items
    ]


def test_a_two_core_decide_cancelled_leaves_no_worker_files(book, tmp_path, monkeypatch):
    """The second half's rows file has no name in any folder (nothing stays whoever is
    stopped), and its worker stops once the process that forked it is gone."""
    import tempfile
    import time

    catalog = tmp_path / "mixed.csv"
    _mixed_catalog(catalog, 20 * deciding.CHUNK)
    monkeypatch.setenv("TRACKRIGHT_PARALLEL_MIN_BYTES", "1")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    stop = threading.Event()
    got = deciding.decide(
        book,
        PROFILE,
        str(catalog),
        "k1",
        save_to=tmp_path / "rec.pickle",
        progress=lambda done: stop.set(),
        cancelled=stop.is_set,
    )
    assert got is None
    deadline = time.monotonic() + 30
    while list(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(scratch.iterdir())


class _Planted:
    """What someone with write access to a shared workspace could leave as the saved file."""

    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))  # unpickling it would create the marker file


def test_a_saved_file_is_read_back_only_under_this_users_seal(book, tmp_path, monkeypatch):
    """The store's folder may be a group workspace: a file planted there, changed by a byte,
    or sealed by another user is never unpickled; the app decides again."""
    import pickle

    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "mine"))
    saved = tmp_path / "rec.pickle"
    deciding.decide(book, PROFILE, str(CATALOG), "k1", save_to=saved)
    assert deciding.read_saved(saved, "k1") is not None
    good = saved.read_bytes()

    marker = tmp_path / "ran.txt"
    saved.write_bytes(pickle.dumps(_Planted(marker)))
    assert deciding.read_saved(saved, "k1") is None
    assert not marker.exists()  # nothing in the file was run

    changed = bytearray(good)
    changed[len(changed) // 2] ^= 1
    saved.write_bytes(bytes(changed))
    assert deciding.read_saved(saved, "k1") is None

    saved.write_bytes(good)
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "someone-else"))
    assert deciding.read_saved(saved, "k1") is None


def test_without_a_private_key_nothing_is_saved_or_read(book, tmp_path, monkeypatch):
    """A key file others can read is no secret: the recommendation is not kept at all."""
    from advisor.app import sealed

    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "cache"))
    assert sealed.user_key() is not None
    sealed.key_path().chmod(0o644)
    saved = tmp_path / "rec.pickle"
    got = deciding.decide(book, PROFILE, str(CATALOG), "k1", save_to=saved)
    assert got is not None and got.rec.items  # decided all the same
    assert not saved.exists() and not list(tmp_path.glob("*.tmp"))
