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
from advisor.commands.line import UsageProblem
from advisor.render.tracker import verdict_tone
from tracker import InputError, NoPolicyError


@pytest.fixture
def ws(store) -> Workspace:
    return Workspace(store, clock=lambda: NOW)


def test_a_desk_line_runs_the_cli_command_itself(ws):
    """A desk line is parsed by the very command object `trackright track` runs (one definition)."""
    import click

    from advisor.cli.track import track
    from advisor.commands.line import resolve

    name, cmd, args = resolve(["ship", "SO-1", "--line", "TEA:2"])
    assert (name, args) == ("ship", ["SO-1", "--line", "TEA:2"])
    assert cmd is track.get_command(click.Context(track), "ship")
    name, cmd, _ = resolve(["policy", "set", "X"])
    policy = track.get_command(click.Context(track), "policy")
    assert cmd is policy.get_command(click.Context(policy), "set")


def test_bare_identifier_is_a_trace(ws):
    """A scanned identifier on its own means: show its history."""
    desk.run(ws, "policy set PH --method serial")
    desk.run(ws, "receive PH --serial LPN00000012X")
    assert desk.run(ws, "LPN00000012X").summary == "History of unit LPN00000012X: 1 event(s)"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "type a command"),
        ("recieve X Y", "unknown command 'recieve'"),
        ("receive", "Missing argument 'SKU'"),
        ("receive X --qty many", "'many' is not a valid integer"),
        ("policy", "policy needs one of: import, list, set"),
        ("ship 'SO-1", "cannot read that line"),
        ("ship SO-1 --line TEA", "'TEA' must be written SKU:QTY"),
        ("receive X --expiry 20280101", "'20280101' is not a date: expected YYYY-MM-DD"),
    ],
)
def test_bad_lines_say_what_to_type(ws, line, message):
    """Mistyped lines are usage problems in the CLI's own words, with the verb's usage as hint."""
    with pytest.raises(UsageProblem, match=message) as caught:
        desk.run(ws, line)
    if line.startswith(("receive ", "ship S")):
        assert caught.value.hint.startswith("usage: ")


def test_run_dispatches_to_the_tracker(ws):
    """policy set, receive, ship, return and trace run through the command layer and say what happened."""
    assert desk.run(ws, "policy set PH --method serial").summary == "SKU PH: tracked by serial"
    assert desk.run(ws, "receive PH --serial S1 --serial S2").summary == (
        "Received 2 x PH into WH1 by serial"
    )
    desk.run(ws, "ship SO-1 --line PH:1 --scan S1")
    back = desk.run(ws, "return SO-1 S1 --reason fit")
    assert back.label == "restock" and verdict_tone(back.result.verdict.verdict) == "success"
    fake = desk.run(ws, "return SO-1 S9")
    assert fake.label == "counterfeit suspect"
    assert verdict_tone(fake.result.verdict.verdict) == "error"
    assert desk.run(ws, "S1").summary == "History of unit S1: 4 event(s)"
    with pytest.raises(NoPolicyError):
        desk.run(ws, "receive NOPE --serial X")


def test_the_desk_refuses_another_store_and_standard_input(ws, tmp_path):
    """The desk works on the app's store: --store is refused, not ignored; so is reading stdin."""
    with pytest.raises(InputError, match="the desk works on the app's store"):
        desk.run(ws, f"stats --store {tmp_path / 'other'}")
    desk.run(ws, "policy set PH --method serial")
    with pytest.raises(InputError, match="no standard input"):
        desk.run(ws, "receive PH --serials-file -")


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
    assert [(s.sku, s.vertical, s.method, s.rule, s.gtin) for s in snaps] == [
        (r.record.sku, r.facts.vertical, r.decision.method, r.decision.rule, r.record.gtin)
        for r in rec.decided
    ]


def test_workspace_saves_and_resumes_the_conversation(ws, store):
    """The conversation saved in the store is what a new workspace on that store resumes."""
    conv = ws.load_conversation()
    assert conv.answer("Volta").ok
    ws.save_conversation(conv)
    again = Workspace(store).load_conversation()
    assert again.to_profile().brand == "Volta" and again.current().id == "verticals"
    ws.forget_conversation()
    assert Workspace(store).load_conversation().answered() == []
