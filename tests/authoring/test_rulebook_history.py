"""The rulebook's change log: every accepted rulebook kept, listed, and usable as OLD in `rules diff`."""

from __future__ import annotations

import json

from advisor_helpers import SAMPLES
from click.testing import CliRunner

from advisor.authoring.history import entries, history_folder, record
from advisor.cli.main import cli
from advisor.rulebook.load import load_rulebook

CATALOG = SAMPLES / "electronics_brand.csv"


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


def test_policy_import_records_the_rulebook_and_history_lists_it(tmp_path, monkeypatch, rules_copy):
    """Importing decisions keeps their rulebook; a changed rulebook adds a version with its changes."""
    monkeypatch.chdir(tmp_path)
    assert run("evaluate", str(CATALOG), "-o", "d1.json").exit_code in (0, 1)
    out = run("track", "policy", "import", "d1.json")
    assert "recorded v1" in out.output
    row = rules_copy.row("policy.yaml", "electronics-accessories-low")
    rules_copy.edit("policy.yaml", row, row.replace(" batch,  [lot],", " lpn,    -,    "))
    run("evaluate", str(CATALOG), "--rules", str(rules_copy.root), "-o", "d2.json")
    assert (
        "recorded v2"
        in run("track", "--rules", str(rules_copy.root), "policy", "import", "d2.json").output
    )
    assert (
        "recorded"
        not in run("track", "--rules", str(rules_copy.root), "policy", "import", "d2.json").output
    )
    listed = run("rules", "history")
    assert listed.exit_code == 0
    assert "v1" in listed.stdout and "v2" in listed.stdout
    assert "electronics-accessories-low changed (then)" in listed.stdout
    data = json.loads(run("rules", "history", "--format", "json").stdout)
    assert [e["n"] for e in data] == [1, 2] and data[1]["hash"] == load_rulebook(
        rules_copy.root
    ).version
    snap = history_folder(tmp_path / ".trackright" / "store.json") / data[0]["snapshot"]
    assert (snap / "policy.yaml").is_file()


def test_rules_diff_takes_a_stored_version_as_old(tmp_path, monkeypatch, rules_copy):
    """`rules diff 1 FOLDER` compares what was in force then with a folder today."""
    monkeypatch.chdir(tmp_path)
    run("evaluate", str(CATALOG), "-o", "d1.json")
    run("track", "policy", "import", "d1.json")
    row = rules_copy.row("policy.yaml", "electronics-accessories-low")
    rules_copy.edit("policy.yaml", row, row.replace(" batch,  [lot],", " lpn,    -,    "))
    result = run(
        "rules", "diff", "1", str(rules_copy.root), "--catalog", str(CATALOG), "--format", "json"
    )
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["flips"] > 0 and any(
        c["rule"] == "electronics-accessories-low" for c in out["rule_changes"]
    )
    bad = CliRunner().invoke(
        cli, ["rules", "diff", "7", str(rules_copy.root), "--catalog", str(CATALOG)]
    )
    assert bad.exit_code == 2 and "rules history" in bad.stderr


def test_decisions_from_another_rulebook_are_not_recorded_as_this_one(
    tmp_path, monkeypatch, rules_copy
):
    """The history holds the rulebook that decided; a mismatch is said, not papered over."""
    monkeypatch.chdir(tmp_path)
    rules_copy.edit("policy.yaml", "version: policy-2026.11", "version: policy-edit")
    run("evaluate", str(CATALOG), "--rules", str(rules_copy.root), "-o", "d.json")
    out = CliRunner().invoke(cli, ["track", "policy", "import", "d.json"])
    assert "not updated" in out.stderr and "--rules" in out.stderr
    assert entries(history_folder(tmp_path / ".trackright")) == []


def test_history_at_a_date_and_the_app_accept_hook(tmp_path, book):
    """`record` is what the app's accept calls; `--at` finds the version in force on a date."""
    store = tmp_path / "ws" / "store.json"
    store.parent.mkdir()
    assert record(book, store, "app accept", when="2026-01-10T09:00:00+00:00").n == 1
    assert record(book, store, "app accept") is None  # unchanged: nothing new
    result = run("rules", "history", "--store", str(store), "--at", "2026-02-01")
    assert "v1" in result.stdout and "app accept" in result.stdout
    early = CliRunner().invoke(
        cli, ["rules", "history", "--store", str(store), "--at", "2025-01-01"]
    )
    assert early.exit_code == 2


def test_the_workspace_records_on_accept(tmp_path):
    """The app's accept path keeps the rulebook in force in the workspace's history."""
    from advisor.app.workspace import Workspace

    ws = Workspace(tmp_path / "store.json")
    ws.record_rulebook("app accept")
    (e,) = entries(history_folder(ws.store_path))
    assert e.source == "app accept" and e.hash == ws.rulebook.version
