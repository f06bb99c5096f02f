"""The app's recommendation and `trackright evaluate` show the same money for the same inputs."""

from __future__ import annotations

import json

from click.testing import CliRunner
from textual.widgets import DataTable, Input
from tui_helpers import SAMPLES, settle

from advisor.cli.main import cli
from advisor.render.report import vertical_cells

CATALOG = SAMPLES / "electronics_brand.csv"


def _cli(profile, tmp_path, *extra):
    summary = tmp_path / "s.json"
    result = CliRunner().invoke(
        cli,
        [
            "evaluate",
            str(CATALOG),
            "--profile",
            str(profile),
            "--format",
            "csv",
            "-o",
            str(tmp_path / "d.csv"),
            "--summary",
            str(summary),
            *extra,
        ],
        env={"COLUMNS": "240"},
    )
    assert result.exit_code == 0, result.output
    return result.output, json.loads(summary.read_text(encoding="utf-8"))


async def test_app_and_cli_show_identical_figures_and_what_if(make_app, onboard, tmp_path):
    """Driven both ways, every vertical's row, the totals and a what-if read the same."""
    onboard(CATALOG)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        screen = app.screen
        rec = screen.rec
        table = screen.query_one("#verticals", DataTable)
        app_rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        costs_line = str(screen.query_one("#costs").render())
        breakeven = str(screen.query_one("#breakeven").render())
        await pilot.press("i")
        assert isinstance(app.focused, Input)
        app.focused.insert_text_at_cursor("bad_return_share=0.05")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.what_if_result is not None)
        app_after = screen.what_if_result.after
        what_if_text = str(screen.query_one("#whatif").render())

    profile = tmp_path / "profile.yaml"
    rec.profile.save(profile)
    out, summary = _cli(profile, tmp_path, "--what-if", "bad_return_share=0.05")
    labels = {k: v.label for k, v in app.workspace.rulebook.classification.verticals.items()}
    cur = rec.costs.currency
    assert app_rows == [list(vertical_cells(v, cur, labels)) for v in rec.costs.verticals]
    lines = out.splitlines()
    for row in app_rows:  # the CLI's per-vertical table has the same cells on one line
        assert any(all(cell in line for cell in row) for line in lines), row
    costs = summary["costs"]
    assert costs["recommended"] == round(rec.costs.recommended, 2)
    assert costs["benefit_recommended"] == round(rec.costs.benefit_recommended, 2)
    for name in ("policy", "serial", "lpn", "batch"):
        assert costs["plans"][name] == rec.costs.to_dict()["plans"][name]
    from advisor.advice.amounts import format_money

    for amount in (rec.costs.recommended, rec.costs.serialise_all, rec.costs.batch_all):
        text = format_money(amount, cur)
        assert text in costs_line and text in out
    for sentence in breakeven.splitlines():
        assert sentence.strip() in " ".join(out.split()), sentence
    after = summary["what_if"]["after"]
    for name, plan in app_after.plans.items():
        assert after[name] == {
            "cost": round(plan.cost, 2),
            "benefit": round(plan.benefit, 2),
            "net": round(plan.net, 2),
        }
        assert format_money(plan.cost, cur) in what_if_text and format_money(plan.cost, cur) in out
