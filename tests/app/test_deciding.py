"""Deciding a catalog in a child process: the same rows as deciding in-process, saved as it
streams, read back only for the same inputs, and failures said in the user's words."""

from __future__ import annotations

import csv
import threading

import pytest
from tui_helpers import SAMPLES

from advisor.advice.profile import BrandProfile
from advisor.advice.recommend import recommend_from_catalog
from advisor.app import deciding
from advisor.app.advice_text import DECISION_COLUMNS, DecisionWidths, decision_cells
from advisor.app.rowtable import measure_columns
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
