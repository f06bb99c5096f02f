"""The stdlib table `trace` draws: rich's look at full width, every line inside a narrow screen."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from advisor.cli.grid import Grid, cell_width


def _grid() -> Grid:
    g = Grid(("when", "step", "status", "why"), title="History")
    g.add_row("2026-12-01 11:20:06", "receiving", "IN_STOCK", "", styles=("", "", "green"))
    g.add_row("2026-12-02 09:00:00", "shipping", "SHIPPED", "customer changed their mind")
    return g


def test_full_width_draws_every_cell_on_one_line():
    lines = _grid().lines(120)
    assert lines[0] == "History"
    assert lines[1].startswith("┏") and lines[-1].startswith("└")
    body = [click.unstyle(line) for line in lines[4:-1]]
    assert len(body) == 2
    assert "customer changed their mind" in body[1]
    assert len({cell_width(click.unstyle(line)) for line in lines[1:]}) == 1  # one frame width


@pytest.mark.parametrize("room", [30, 40, 50, 60, 72])
def test_narrow_screens_always_fit(room):
    lines = [click.unstyle(line) for line in _grid().lines(room)]
    assert all(cell_width(line) <= room for line in lines), lines


@pytest.mark.parametrize("room", [50, 60, 72])
def test_text_wraps_between_words_while_the_words_fit(room):
    lines = [click.unstyle(line) for line in _grid().lines(room)]
    text = " ".join(line.strip("│ ") for line in lines)
    for word in ("customer", "changed", "their", "mind"):
        assert word in text  # wrapped at spaces, words kept whole while they fit


def test_a_colour_never_moves_the_columns():
    plain = [click.unstyle(line) for line in _grid().lines(100)]
    coloured = _grid().lines(100)
    assert any("\x1b[" in line for line in coloured)
    assert [click.unstyle(line) for line in coloured] == plain


def test_wide_characters_count_two_columns():
    assert cell_width("商品") == 4 and cell_width("abc") == 3
    g = Grid(("SKU", "note"))
    g.add_row("茶-1", "x")
    widths = {cell_width(line) for line in g.lines(80)}
    assert len(widths) == 1


def test_a_row_of_the_wrong_length_is_a_programming_error():
    with pytest.raises(ValueError, match="3 cells for 4 columns"):
        _grid().add_row("a", "b", "c")


def test_trace_never_imports_rich():
    """The scan path's budget: `rich.console` alone is ~45 ms of a 200 ms fresh process."""
    code = (
        "import sys\n"
        "from advisor.cli import track\n"
        "from advisor.cli.grid import Grid\n"
        "g = Grid(('a',)); g.add_row('x'); g.echo()\n"
        "assert 'rich' not in sys.modules, sorted(m for m in sys.modules if 'rich' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_whole_columns_stay_on_one_line_while_others_can_wrap():
    g = Grid(("when", "why"), whole=frozenset({"when"}))
    g.add_row("2026-12-01 17:30:38", "transfer from the north warehouse to the south one")
    lines = [click.unstyle(line) for line in g.lines(50)]
    assert all(cell_width(line) <= 50 for line in lines)
    assert "2026-12-01 17:30:38" in lines[3] and not lines[4].strip("│ ").startswith("17:")


def test_the_width_is_read_as_shutil_reads_it(monkeypatch):
    """$COLUMNS first, then the terminal, then 80: the width rich and shutil would have used."""
    import shutil

    from advisor.cli.grid import terminal_columns

    for value in ("100", "0", "wide", None):
        if value is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", value)
        assert terminal_columns() == shutil.get_terminal_size((80, 24)).columns, value
