"""The app's textual-free logic: desk command lines, the recommendation, the workspace."""

from __future__ import annotations

import pytest
from tui_helpers import NOW, SAMPLES

from advisor.advice.profile import BrandProfile
from advisor.advice.recommend import (
    policy_snapshots,
    recommend_from_catalog,
    recommend_from_profile,
    representative_records,
)
from advisor.app import desk
from advisor.app.workspace import Workspace
from tracker import NoPolicyError


@pytest.fixture
def ws(store) -> Workspace:
    return Workspace(store, clock=lambda: NOW)


def test_parse_uses_the_cli_options():
    """A desk line is parsed by the `track` command's own options, repeated options included."""
    verb, p = desk.parse("ship SO-1 --line TEA:2 --scan IMEI-1 --scan 'IMEI 2'")
    assert verb == "ship"
    assert p["order"] == "SO-1" and p["lines"] == ("TEA:2",) and p["scans"] == ("IMEI-1", "IMEI 2")


def test_bare_identifier_is_a_trace():
    """A scanned identifier on its own means: show its history."""
    assert desk.parse("LPN00000012") == (
        "trace",
        {"identifier": "LPN00000012", "lot_ref": None, "order": None},
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "type a command"),
        ("recieve X Y", "unknown command 'recieve'"),
        ("receive", "Missing argument 'SKU'"),
        ("receive X --qty many", "'many' is not a valid integer"),
        ("policy", "policy needs one of: import, list, set"),
        ("ship 'SO-1", "cannot read that line"),
    ],
)
def test_bad_lines_say_what_to_type(line, message):
    """Mistyped lines raise DeskError with the CLI's own wording."""
    with pytest.raises(desk.DeskError, match=message):
        desk.parse(line)


def test_run_dispatches_to_the_tracker(ws):
    """policy set, receive, ship, return and trace run through Tracker and report what happened."""
    t = ws.tracker
    assert desk.run(t, "policy set PH --method serial").summary == "SKU PH: tracked by serial"
    assert desk.run(t, "receive PH --serial S1 --serial S2").summary.startswith("Received 2 x PH")
    desk.run(t, "ship SO-1 --line PH:1 --scan S1")
    back = desk.run(t, "return SO-1 S1 --reason fit")
    assert (
        desk.verdict_label(back.result) == "restock" and desk.verdict_tone(back.result) == "success"
    )
    fake = desk.run(t, "return SO-1 S9")
    assert desk.verdict_label(fake.result) == "counterfeit suspect"
    assert desk.verdict_tone(fake.result) == "error"
    assert desk.run(t, "S1").summary == "History of unit S1: 4 event(s)"
    with pytest.raises(NoPolicyError):
        desk.run(t, "receive NOPE --serial X")


def test_representative_records_span_the_price_range(ws):
    """Each chosen vertical gets its low, middle and high price, in that vertical's category."""
    profile = BrandProfile(verticals=("fashion",), price_ranges=(("fashion", 500.0, 3000.0),))
    recs = list(representative_records(ws.rulebook, profile).values())
    assert [r.price for r in recs] == [500.0, 1750.0, 3000.0]
    assert {r.category for r in recs} == {
        ws.rulebook.classification.verticals["fashion"].categories[0]
    }


def test_profile_recommendation_costs_every_plan(ws):
    """Deciding from answers alone prices this policy beside all-serial, all-LPN and all-batch."""
    profile = BrandProfile(
        verticals=("electronics",),
        price_ranges=(("electronics", 200.0, 60000.0),),
        monthly_orders=5000,
    )
    rec = recommend_from_profile(ws.rulebook, profile)
    methods = [row.decision.method for row in rec.decided]
    assert methods[0] == "batch" and methods[-1] == "serial"
    assert rec.costs.serialise_all == pytest.approx(10000.0)
    assert rec.costs.batch_all < rec.costs.recommended < rec.costs.serialise_all
    assert policy_snapshots(rec) == []


def test_catalog_recommendation_reports_progress_and_snapshots(ws):
    """A catalog is decided row by row with progress, and becomes one policy per decided SKU."""
    seen = []
    rec = recommend_from_catalog(
        ws.rulebook, BrandProfile(), SAMPLES / "messy_catalog.csv", lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (13, 13)
    assert len(rec.rejected) == 5 + 1  # five bad rows, and the unknown currency XYZ
    snaps = policy_snapshots(rec)
    assert len(snaps) == len(rec.decided) == 7  # the blank-price row is decided, flagged
    assert all(s.rulebook_version == ws.rulebook.tag for s in snaps)


def test_workspace_saves_and_resumes_the_conversation(ws, store):
    """The conversation saved in the store is what a new workspace on that store resumes."""
    conv = ws.load_conversation()
    assert conv.answer("Volta").ok
    ws.save_conversation(conv)
    again = Workspace(store).load_conversation()
    assert again.to_profile().brand == "Volta" and again.current().id == "verticals"
    ws.forget_conversation()
    assert Workspace(store).load_conversation().answered() == []
