"""`trackright track advise`: the cost model re-run on what the tracker saw (issue #10, point 6).

Stores are built through the tracker's own operations on a clock that moves a day per order,
so "a month of records" is a month; the catalog rows come from the real evaluator.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from advisor.advice.observed import advise, span_words
from advisor.advice.profile import BrandProfile
from advisor.advice.run import Collect, evaluate_file
from advisor.cli.main import cli
from tracker import PolicySnapshot, open_tracker

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

CATALOG = (
    "sku,title,category,price\n"
    "TEE-001,Basic cotton t-shirt,Apparel > T-Shirts,299\n"
    "PH-001,Volta A15 5G 128GB,Mobile Phones,14999\n"
)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def shop(tmp_path_factory, book):
    """A month of a fashion brand's store: a batch-tracked tee returned a third of the time,
    a serial phone never returned."""
    from advisor.advice.returns import load_return_rules

    tmp_path = tmp_path_factory.mktemp("shop")
    catalog = tmp_path / "shop.csv"
    catalog.write_text(CATALOG, encoding="utf-8")
    keep = Collect()
    evaluate_file(catalog, book, BrandProfile(), outputs=[keep], jobs=1)
    rows = keep.items
    decided = {r.record.sku: r for r in rows}
    assert decided["TEE-001"].decision.method == "batch"
    assert decided["PH-001"].decision.method == "serial"

    clock = Clock()
    rules = load_return_rules()
    t = open_tracker(tmp_path / "ws" / "store.json", verdict=rules.verdict, clock=clock)
    t.set_policies(
        [
            PolicySnapshot(
                "TEE-001", "batch", ("lot",), "fashion-low", "cheap", vertical="fashion"
            ),
            PolicySnapshot(
                "PH-001", "serial", (), "mobile-phones", "IMEI", vertical="mobile_phones"
            ),
        ]
    )
    t.receive("TEE-001", lot="T1", qty=200)
    t.receive("PH-001", generate=40)
    phones = [f"PH-001-{i:07d}" for i in range(1, 41)]
    for day in range(60):
        clock.now = START + timedelta(hours=12 * day)
        t.ship(f"SO-T{day}", lines=[("TEE-001", 1)])
        if day < 40:
            t.ship(f"SO-P{day}", scans=[phones[day]])
    for day in range(20):
        t.process_return(f"SO-T{day}", "TEE-001:T1", reason="fit")
    clock.now = START + timedelta(days=30)
    return t, rows, tmp_path, catalog


def test_a_batch_sku_returned_a_third_of_the_time_should_get_an_lpn(book, shop):
    t, rows, _, _ = shop
    result = advise(t.store, book, BrandProfile(), rows, now=START + timedelta(days=30))
    assert result.months == pytest.approx(1.0, rel=0.02)
    [tee] = result.changes
    assert (tee.sku, tee.current, tee.best) == ("TEE-001", "batch", "lpn")
    assert tee.gain > 0
    assert "20 returned (33%)" in tee.observation.evidence()
    assert "track policy set TEE-001 --method lpn" in tee.command
    assert "fashion" in tee.edit and "return_rate" in tee.edit


def test_a_phone_never_returned_stays_serial_because_of_its_floor(book, shop):
    """No returns at all would favour a cheaper method, but IMEI registration is a floor."""
    t, rows, _, _ = shop
    result = advise(t.store, book, BrandProfile(), rows, now=START + timedelta(days=30))
    kept = {a.sku: a for a in result.kept}
    assert kept["PH-001"].best == "serial"
    assert "PH-001" not in {a.sku for a in result.changes}


def test_without_a_catalog_no_method_is_lowered(book, shop):
    t, _, _, _ = shop
    result = advise(t.store, book, BrandProfile(), None, now=START + timedelta(days=30))
    assert not result.priced_values
    for a in (*result.changes, *result.kept):
        from tracker.vocabulary import METHOD_RANK

        assert METHOD_RANK[a.best] >= METHOD_RANK[a.current], a.sku


def test_too_few_shipped_is_not_judged(book, shop):
    t, rows, _, _ = shop
    result = advise(t.store, book, BrandProfile(), rows, min_shipped=50)
    assert "PH-001" in {o.sku for o in result.too_few}
    assert "PH-001" not in {a.sku for a in (*result.changes, *result.kept)}


def test_the_cli_prints_the_same_advice_as_the_core(book, shop):
    t, rows, tmp_path, catalog = shop
    store = str(tmp_path / "ws" / "store.json")
    out = CliRunner().invoke(
        cli, ["track", "--store", store, "advise", "--catalog", str(catalog), "--json"]
    )
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert [c["sku"] for c in got["changes"]] == ["TEE-001"]
    assert got["changes"][0]["best"] == "lpn"
    panel = CliRunner().invoke(
        cli, ["track", "--store", store, "advise", "--catalog", str(catalog)]
    )
    assert panel.exit_code == 0, panel.output
    assert "TEE-001" in panel.stdout and "batch → lpn" in panel.stdout


@pytest.mark.parametrize(
    ("months", "words"),
    [(1 / 30.4375, "1 day"), (2 / 30.4375, "2 days"), (1.0, "30 days"), (3.0, "3.0 months")],
)
def test_the_span_of_records_is_written_as_people_say_it(months, words):
    assert span_words(months) == words


def test_fakes_and_swaps_caught_at_the_desk_are_counted_for_their_sku(tmp_path):
    """A return of an identifier never received counts as a fake of the order's SKU; a unit of
    another order as a swap — both in the evidence the advice prints."""
    from advisor.advice.observed import observe
    from advisor.advice.returns import load_return_rules

    t = open_tracker(tmp_path / "s.json", verdict=load_return_rules().verdict)
    t.set_policies([PolicySnapshot("DRESS", "lpn", (), "fashion-mid", "fit", vertical="fashion")])
    ids = t.receive("DRESS", generate=3).ids
    t.ship("SO-1", scans=[ids[0]])
    t.ship("SO-2", scans=[ids[1]])
    assert t.process_return("SO-1", "FAKE-999").verdict.flag == "counterfeit_suspect"
    assert t.process_return("SO-2", ids[0]).verdict.flag == "swap_suspect"
    with t.store.reader() as r:
        [dress], _ = observe(r)
    assert (dress.fakes, dress.swaps) == (1, 1)
    assert "caught 1 fake and 1 swap" in dress.evidence()
