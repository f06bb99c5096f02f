"""The `track` command group, driven through click's runner in a temporary folder."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tracker_helpers import simple_verdict

from advisor.cli import track as track_cli
from advisor.commands import base as commands_base

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = [
    {"sku": "PHONE", "method": "serial", "capture": [], "rule": "r1", "reason": "value"},
    {"sku": "DRESS", "method": "lpn", "capture": "", "rule": "r2", "reason": "fit"},
    {"sku": "TEA", "method": "batch", "capture": "lot;expiry", "rule": "r3", "reason": "food"},
]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setattr(commands_base, "return_verdicts", lambda rules_dir=None: simple_verdict)
    runner = CliRunner()
    store = tmp_path / "ws"

    def invoke(*args: str):
        return runner.invoke(track_cli.track, ["--store", str(store), *args])

    (tmp_path / "dec.json").write_text(json.dumps(DECISIONS))
    assert invoke("policy", "import", str(tmp_path / "dec.json")).exit_code == 0
    invoke.store = store  # type: ignore[attr-defined]
    return invoke


def test_new_user_walkthrough(run, tmp_path):
    """Receive each method, ship, return genuine/counterfeit/swapped units, recall and trace."""
    assert run("receive", "PHONE", "--serial", "P1", "--serial", "P2").exit_code == 0
    assert run("receive", "DRESS", "--generate", "1").exit_code == 0
    r = run("receive", "TEA", "--lot", "T1", "--qty", "10", "--expiry", "2099-01-01")
    assert r.exit_code == 0, r.output
    r = run("ship", "SO-1", "--scan", "P1", "--scan", "LPN0000000000017", "--line", "TEA:4")
    assert r.exit_code == 0 and "T1" in r.output
    assert run("ship", "SO-2", "--scan", "P2").exit_code == 0
    r = run("return", "SO-1", "P1", "--reason", "fit")
    assert r.exit_code == 0 and "RESTOCK — restocked" in r.output
    r = run("return", "SO-1", "NEVER-SOLD")
    assert r.exit_code == 0 and "COUNTERFEIT SUSPECT — quarantined" in r.output
    r = run("return", "SO-1", "P2")
    assert r.exit_code == 0 and "SWAP SUSPECT — quarantined" in r.output
    report = tmp_path / "recall.csv"
    r = run("recall", "--lot", "TEA:T1", "--report", str(report))
    assert r.exit_code == 0 and "SO-1" in r.output
    assert "SO-1" in report.read_text() and "pulled from stock" in report.read_text()
    r = run("trace", "P1")
    assert r.exit_code == 0 and "shipping" in r.output and "stocking" in r.output
    r = run("stats")
    assert r.exit_code == 0 and "NEVER-SOLD" in r.output


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("receive", "NOPE", "--generate", "1"), 1, "no tracking decision"),
        (
            ("receive", "TEA", "--lot", "T", "--qty", "-3", "--expiry", "2099-01-01"),
            1,
            "above zero",
        ),
        (("receive", "TEA", "--lot", "T", "--qty", "3", "--expiry", "2001-01-01"), 1, "expired"),
        (("receive", "TEA", "--lot", "T", "--qty", "3", "--expiry", "soon"), 2, "not a date"),
        (("receive", "PHONE", "--scan", "X1", "--scan", "X1"), 1, "twice"),
        (("ship", "SO-9", "--line", "TEA"), 2, "SKU:QTY"),
        (("return", "NOPE", "X"), 1, "not known"),
        (("trace", "NOPE"), 1, "not in the store"),
        (("recall", "--lot", "TEA"), 2, "SKU:LOT"),
    ],
)
def test_refusals_are_one_clear_line(run, args, code, message):
    """Refused operations exit 1 and unusable input exits 2, with a message and no traceback."""
    result = run(*args)
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output


def test_double_shipment_is_refused(run):
    """Shipping the same order twice is refused."""
    run("receive", "PHONE", "--serial", "P1", "--serial", "P2")
    assert run("ship", "SO-1", "--scan", "P1").exit_code == 0
    result = run("ship", "SO-1", "--scan", "P2")
    assert result.exit_code == 1 and "already shipped" in result.output


def test_damaged_store_exits_2_and_is_kept(tmp_path):
    """A damaged store file is reported with exit 2 and not overwritten."""
    store = tmp_path / "store.json"
    store.write_text("{broken")
    result = CliRunner().invoke(track_cli.track, ["--store", str(store), "stats"])
    assert result.exit_code == 2 and "damaged" in result.output
    assert store.read_text() == "{broken"


def test_env_var_chooses_the_store(tmp_path):
    """TRACKRIGHT_STORE picks the store when --store is not given."""
    store = tmp_path / "env-store.json"
    result = CliRunner().invoke(
        track_cli.track,
        ["policy", "set", "X", "--method", "batch"],
        env={"TRACKRIGHT_STORE": str(store)},
    )
    assert result.exit_code == 0 and store.exists()


@pytest.mark.skipif(
    importlib.util.find_spec("advisor.advice.returns") is None,
    reason="advisor.advice.returns not written yet",
)
def test_real_returns_rulebook_end_to_end(tmp_path):
    """With the real returns rulebook, a genuine return restocks and an unknown id is quarantined.

    Run in a subprocess so that a crash in the rules engine fails this test, not the whole run.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), TRACKRIGHT_STORE=str(tmp_path / "s"))
    cli = [sys.executable, "-m", "advisor.cli.track"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *args], env=env, capture_output=True, text=True, timeout=60)

    assert run("policy", "set", "PHONE", "--method", "serial").returncode == 0
    assert run("receive", "PHONE", "--serial", "P1").returncode == 0
    assert run("ship", "SO-1", "--scan", "P1").returncode == 0
    genuine = run("return", "SO-1", "P1", "--reason", "changed_mind")
    assert genuine.returncode == 0, genuine.stderr
    assert "restocked" in genuine.stdout
    fake = run("return", "SO-1", "NEVER-SOLD")
    assert fake.returncode == 0 and "quarantined" in fake.stdout


def test_return_verdicts_follow_the_rules_folder_given(tmp_path):
    """`track --rules DIR return …` decides with that folder's returns.yaml, not the bundled one."""
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from advisor.cli.main import cli

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", rules)
    text = (rules / "returns.yaml").read_text(encoding="utf-8")
    (rules / "returns.yaml").write_text(
        text.replace(
            "then: {verdict: quarantine, flag: counterfeit_suspect}",
            "then: {verdict: inspect, flag: counterfeit_suspect}",
        ),
        encoding="utf-8",
    )
    store = tmp_path / "ws"
    run = CliRunner().invoke
    assert (
        run(
            cli, ["track", "--store", str(store), "policy", "set", "PHONE", "--method", "serial"]
        ).exit_code
        == 0
    )
    assert (
        run(cli, ["track", "--store", str(store), "receive", "PHONE", "--serial", "S1"]).exit_code
        == 0
    )
    assert run(cli, ["track", "--store", str(store), "ship", "SO-1", "--scan", "S1"]).exit_code == 0
    result = run(
        cli, ["track", "--store", str(store), "--rules", str(rules), "return", "SO-1", "FAKE-1"]
    )
    assert result.exit_code == 0, result.output
    assert "INSPECTING" in result.output and "unknown-id" in result.output


def test_a_recall_whose_report_cannot_be_written_records_nothing(run, tmp_path):
    """`recall --report missing/dir/x.csv` is refused before anything is recorded (issue #12)."""
    assert (
        run("receive", "TEA", "--lot", "T1", "--qty", "5", "--expiry", "2099-01-01").exit_code == 0
    )
    before = run("trace", "--lot", "TEA:T1").output
    result = run("recall", "--lot", "TEA:T1", "--report", str(tmp_path / "missing" / "r.csv"))
    assert result.exit_code != 0 and "does not exist" in result.output
    assert "Traceback" not in result.output
    after = run("trace", "--lot", "TEA:T1")
    assert after.output == before and "RECALLED" not in after.output
    assert not (tmp_path / "missing").exists()


def test_identifiers_with_markup_print_as_typed_in_tables(run):
    """A SKU or lot such as `[red]X` prints literally in every table (never read as rich markup)."""
    assert run("policy", "set", "[red]X", "--method", "batch").exit_code == 0
    r = run("receive", "[red]X", "--lot", "[b]L", "--qty", "5", "--expiry", "2099-01-01")
    assert r.exit_code == 0 and "[red]X lot [b]L" in r.output
    for args in (("policy", "list"), ("stats",), ("trace", "--lot", "[red]X:[b]L")):
        result = run(*args)
        assert result.exit_code == 0 and "[red]X" in result.output, result.output
    recalled = run("recall", "--lot", "[red]X:[b]L")
    assert recalled.exit_code == 0 and "[red]X" in recalled.output and "[b]L" in recalled.output


def test_advise_prints_the_advice_and_its_json(run):
    """`track advise` prices what the store saw; `--json` is the core's own advice, as data."""
    from advisor.advice.observed import advise
    from advisor.advice.profile import BrandProfile
    from advisor.rulebook.load import load_rulebook
    from tracker import open_tracker

    assert run("receive", "PHONE", "--serial", "P1", "--serial", "P2").exit_code == 0
    assert run("ship", "SO-1", "--scan", "P1", "--scan", "P2").exit_code == 0
    assert run("return", "SO-1", "P1", "--reason", "fit").exit_code == 0
    shown = run("advise", "--min-shipped", "1", "--all")
    assert shown.exit_code == 0, shown.output
    assert "Advice from what the tracker saw" in shown.output
    assert "PHONE: serial stays" in shown.output and "shipped 2" in shown.output
    as_json = run("advise", "--min-shipped", "1", "--json")
    assert as_json.exit_code == 0, as_json.output
    store = open_tracker(Path(run.store), readonly=True).store
    expected = advise(store, load_rulebook(None), BrandProfile(), None, min_shipped=1)
    assert json.loads(as_json.output) == json.loads(json.dumps(expected.to_dict()))
    refused = run("advise", "--min-shipped", "0")
    assert refused.exit_code == 2 and "0" in refused.output


def test_the_console_script_runs_verbs_and_shows_refusals_on_stderr(script, tmp_path):
    """The installed `trackright` script, as a shell runs it: a verb's outcome on stdout, a
    refusal as one `Error:` line on stderr with exit code 1, a bad option with exit code 2."""
    store = str(tmp_path / "ws")
    done = script("track", "--store", store, "policy", "set", "PHONE", "--method", "serial")
    assert done.returncode == 0 and "SKU PHONE: tracked by serial" in done.stdout, done.stderr
    refused = script("track", "--store", store, "ship", "SO-1", "--scan", "NOPE")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("Error: unit NOPE is not in the store")
    bad = script("track", "--store", store, "ship", "SO-1", "--line", "PHONE")
    assert bad.returncode == 2 and "SKU:QTY" in bad.stderr and "Traceback" not in bad.stderr
