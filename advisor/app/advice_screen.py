"""The recommendation: method per SKU (or per vertical), its reason and rule, and the monthly cost.

A catalog is decided in a child process (`advisor.app.deciding`) under a progress bar, and what
the screen shows is built in the worker (`advice_text`), so the UI thread only hands it over;
"why?" shows every matched rule and which won; exporting, another catalog and accepting are the
verbs of `advice_actions`, the what-if line is `whatif_panel`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import get_current_worker

from advisor.advice.evaluate import EvaluatedRow
from advisor.advice.recommend import (
    Recommendation,
    recommend_from_profile,
)
from advisor.app.advice_actions import STILL_DECIDING, RecommendationActions
from advisor.app.advice_text import (
    CostsView,
    DecisionWidths,
    costs_view,
    decision_cells,
    vertical_columns,
)
from advisor.app.charts import recommendation_charts
from advisor.app.deciding import Decided, decide, expected_rows, read_saved
from advisor.app.mode_screen import ModeScreen
from advisor.app.rowtable import RowTable
from advisor.app.whatif_panel import WhatIfPanel
from advisor.app.widgets import (
    KeyFooter,
    RenderScreen,
    TitleBar,
    method_style,
    tone,
)
from advisor.catalog.records import RejectedRow
from advisor.errors import TrackrightError
from advisor.render.report import VERTICAL_COLUMNS
from advisor.render.tracker import why
from tracker.errors import as_error

HELP = """\
# Recommendation

Each row is one SKU of your catalog (or, without a catalog, a typical product at the low end,
middle and high end of the price range you gave) with the tracking **method** the rules chose,
what else to **capture** (lot, expiry), and the **rule** that decided. The line under the table
gives that rule's reason. The cost line compares this policy with serialising, LPN-labelling
or batching everything, per month at your volume.

| key | does |
|---|---|
| ↑ ↓ | move between rows; the reason shows below |
| enter or w | why? every rule that matched this row, and which one won |
| a | accept: store this policy in the tracker and open the desk |
| e | export the decisions (file name ending .csv, .json or .jsonl) |
| p | save the brand profile (`trackright evaluate --profile FILE` reads it) |
| c | evaluate a catalog file |
| g | the split of SKUs and the monthly cost per method and per vertical, as bars |
| i | what if…: type `bad_return_share=0.05` (or several, space apart) to re-price at once |
| b | back to your answers |

Under the table (on a screen of 24 lines or more; the bars, g, always have it): each
vertical's cost under this policy and under serial, LPN or batch everywhere, what the policy
earns back (fakes and swaps caught, repeat returns and mix-ups avoided) and its net; then where serialising and an LPN start to pay, in returns that must be
fakes or swaps. The figures are the same as `trackright evaluate --profile` prints.
"""


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while a big catalog's rows arrive, then the survivors
    frozen: a full collection over 200,000 rows' objects holds the GIL for a second and freezes
    the UI thread with it. The rows have no reference cycles, so they are still freed by
    reference counting when the recommendation is replaced."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


NARROW = 80  # columns below which the cost line is short
TALL_ENOUGH = 36  # lines on screen from which the break-even sentences are shown in full…
FEW_ENOUGH = 6  # …when there are this few (each wraps to two lines; else the table had none)
SHORT = 24  # lines below which the vertical costs leave the screen for the bars view (g)
_EVERY = 0.1  # seconds between progress reports from the worker


@dataclass
class Progressed(Message):
    """Run `run` of the worker has `done` rows of the catalog (`doing` says what with)."""

    run: int
    done: int
    doing: str


class AdviceScreen(RecommendationActions, ModeScreen):
    """The advisor's proposal for the brand, with costs; accept it to start tracking."""

    AUTO_FOCUS = "#decisions"
    HELP = HELP
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("w", "why", "Why?", show=False),  # enter does it too, as the reason line says
        Binding("e", "export", "Export"),
        Binding("p", "save_profile", "Profile"),
        Binding("c", "catalog", "Catalog"),
        Binding("i", "what_if", "What if", show=False),
        Binding("g", "pictures", "Bars", show=False),
        Binding("b", "back", "Back"),  # to the answers; "Answers" pushed f1 off 80 columns
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rec: Recommendation | None = None
        self._inputs: tuple | None = None
        self._rows: tuple[EvaluatedRow | RejectedRow, ...] = ()
        self.reused = False  # the last recommendation came from the workspace, not re-decided
        self._expected = 0  # about how many rows the catalog being decided has (its lines)
        self._view: CostsView | None = None
        self._fitted: tuple = ()  # the columns and lines the costs were laid out for
        self._run = 0  # which refresh the worker is (or was last) deciding for
        self._running = False  # that run's result is not on screen yet
        self._on_top = False  # resumed, and not suspended since

    @property
    def what_if_result(self):
        """The last what-if asked of this recommendation (advisor.advice.whatif.WhatIfResult)."""
        return self.query_one(WhatIfPanel).result

    def compose(self) -> ComposeResult:
        yield TitleBar("trackright · recommendation", id="title")
        yield Static("", id="costs")
        yield ProgressBar(id="progress", show_eta=False)
        yield RowTable(id="decisions")
        yield Static("", id="reason")
        yield DataTable(id="verticals", cursor_type="none")
        yield Static("", id="breakeven")
        yield WhatIfPanel()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Nothing to show below the table until there is a result: the first frame (drawn
        while the catalog is decided, keys waiting for it) lays out and draws less."""
        self.query_one("#progress").display = False
        self.query_one("#verticals").display = False

    def on_screen_resume(self) -> None:
        """Decide, or decide again if the answers changed. A mode's screen is resumed as soon
        as it is mounted, so this is also the first time (deciding from `on_mount` as well read
        the answers from the store again in the turn that draws the first frame), and Textual
        resumes a mode's new screen twice: only the first resume after a suspension reads."""
        if self._on_top:
            return
        self._on_top = True
        self.refresh_advice()

    def on_screen_suspend(self) -> None:
        self._on_top = False

    # -- computing -------------------------------------------------------------------------------

    def refresh_advice(self) -> None:
        """Decide again if the answers, the catalog or the rules changed since last time."""
        ws = self.app.workspace
        if ws.rulebook is None:
            return
        conv = ws.load_conversation()
        profile, catalog = conv.to_profile(), conv.catalog_path
        inputs = (profile, catalog, ws.rulebook.version)
        if inputs == self._inputs:
            return
        self._inputs = inputs
        brand = profile.brand or "your brand"
        source = Path(catalog).name if catalog else "your answers"
        self.query_one("#title", TitleBar).update(
            f"trackright · recommendation for {brand} · from {source}"
        )
        self.query_one("#costs", Static).update("Deciding…")
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = catalog is not None
        tones = {m: method_style(self.app, m) for m in ("serial", "lpn", "batch")}
        self._run += 1
        self._running = True
        self._compute(self._run, profile, catalog, tones, self._labels())

    def show_status(self) -> None:
        """The rules were reloaded (the app calls this): decide again with the new rulebook."""
        self.refresh_advice()

    @work(thread=True, exclusive=True, group="advice", description="deciding the catalog")
    def _compute(self, run: int, profile, catalog, tones: dict[str, str], labels) -> None:
        """Get the recommendation and build what the screen shows of it, off the UI thread: a
        catalog is decided in a child process (`advisor.app.deciding`) or read back from the
        last launch, and the UI thread gets everything in one message, ready to hand over."""
        ws = self.app.workspace
        worker = get_current_worker()
        try:
            book = ws.require_rulebook()
            with _quiet_gc():
                if not catalog:
                    with ws.engine_lock:
                        rec = recommend_from_profile(book, profile)
                    widths = DecisionWidths(rec.labels)
                    for item in rec.items:
                        widths.add(item)
                    decided, reused = Decided(rec, widths.columns()), False
                else:
                    decided, reused = self._from_catalog(run, book, profile, catalog, worker)
            if decided is None or worker.is_cancelled:
                return
            view = costs_view(decided.rec, labels, lambda m: tones.get(m, ""))
        except (TrackrightError, OSError, MemoryError) as err:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, run, str(as_error(err)))
            return
        self.app.call_from_thread(self._show, run, decided, view, reused)

    def _from_catalog(self, run, book, profile, catalog, worker) -> tuple[Decided | None, bool]:
        """The saved recommendation when it was decided from exactly these inputs, else the
        catalog decided afresh in a child process (which saves it for the next launch)."""
        ws = self.app.workspace
        key = ws.recommendation_key(profile, catalog)
        self._expected = 0  # the saved stream does not say how many rows come
        saved = read_saved(
            ws.recommendation_file, key, self._reporter(run, "Reading the saved decisions")
        )
        if saved is not None:
            return saved, True
        report = self._reporter(run, "Deciding")

        def progress(done: int) -> None:
            if not self._expected:  # counted once the child decides, not before it starts
                self._expected = expected_rows(catalog)
            report(done)

        decided = decide(
            book,
            profile,
            catalog,
            key,
            save_to=ws.recommendation_file,
            progress=progress,
            cancelled=lambda: worker.is_cancelled,
            lock=ws.engine_lock,
        )
        return decided, False

    def _reporter(self, run: int, doing: str):
        """A progress callback for the worker: at most every `_EVERY` seconds, as a message
        (posting never waits for the UI thread, so rows keep coming in meanwhile)."""
        last = [0.0]

        def report(done: int) -> None:
            now = time.monotonic()
            if now - last[0] >= _EVERY:
                last[0] = now
                self.post_message(Progressed(run, done, doing))

        return report

    @on(Progressed)
    def _progress(self, event: Progressed) -> None:
        if event.run != self._run or not self._running:
            return  # a late report of a run already shown, or given up
        bar = self.query_one("#progress", ProgressBar)
        done = event.done
        if self._expected:  # a determinate bar: no animation frames while deciding
            bar.update(total=self._expected, progress=min(done, self._expected))
            self.query_one("#costs", Static).update(
                f"{event.doing}: {done:,} of about {self._expected:,} rows…"
            )
        else:
            self.query_one("#costs", Static).update(f"{event.doing}: {done:,} rows…")

    def _failed(self, run: int, message: str) -> None:
        if run != self._run:
            return
        self._running = False
        self._inputs = None
        self.query_one("#progress").display = False
        self.query_one("#costs", Static).update(
            Text(f"Could not decide: {message}\nPress c to pick another catalog.", style="bold")
        )
        self.notify(message, title="Could not decide", severity="error", timeout=8, markup=False)

    def _show(self, run: int, decided: Decided, view: CostsView, reused: bool = False) -> None:
        """Hand what the worker built to the widgets: nothing here walks the rows."""
        if run != self._run:
            return
        self._running = False
        rec = decided.rec
        self.rec = rec
        self.reused = reused
        self._view = view
        self.query_one("#progress").display = False
        self._rows = rec.items
        tones = {m: method_style(self.app, m) for m in ("serial", "lpn", "batch")}
        table = self.query_one("#decisions", RowTable)
        table.show(decided.columns, rec.items, decision_cells(rec, tones))
        self._fill_costs()
        self.query_one(WhatIfPanel).reset(rec)
        if self._rows:
            self._show_reason(0)

    def _method_tone(self, method: str) -> str:
        return method_style(self.app, method)

    def action_pictures(self) -> None:
        rec = self.rec
        if rec is None:
            self.notify(STILL_DECIDING)
            return
        width = max(int(self.app.size.width * 0.96) - 8, 30)  # border, padding, scrollbar
        parts = recommendation_charts(
            rec.summary.by_method, rec.costs, self._labels(), width, self._method_tone
        )
        if self._view is not None and self._view.breakeven:
            parts.append(Text("Where serialising and an LPN start to pay", style="bold"))
            parts.append(Text("\n".join(self._view.breakeven)))
        self.app.push_screen(RenderScreen("The recommendation as bars", *parts))

    def _fill_costs(self) -> None:
        """The cost line and each vertical's costs, as the screen's size allows: every plan
        from 100 columns, fewer below (`vertical_columns`); below `SHORT` lines the table
        leaves the screen to the decisions, and the bars (g) have it."""
        view = self._view
        if view is None:
            return
        width, height = self.app.size
        self._fitted = (vertical_columns(width), width < NARROW, height < SHORT)
        keep, narrow, short = self._fitted
        self.query_one("#costs", Static).update(view.short_line if narrow else view.line)
        table = self.query_one("#verticals", DataTable)
        table.clear(columns=True)
        for i in keep:
            table.add_column(VERTICAL_COLUMNS[i], key=VERTICAL_COLUMNS[i])
        for cells in view.verticals:
            table.add_row(*(Text(cells[i], justify="left" if i == 0 else "right") for i in keep))
        table.display = bool(view.verticals) and not short
        # its own height, not `auto`: the table measures its rows on idle, and a layout taken
        # before that left it 0 lines high now and then (max-height in advice.tcss still caps it)
        table.styles.height = len(view.verticals) + 1
        self._place_breakeven()

    def on_resize(self) -> None:
        self._place_breakeven()
        width, height = self.app.size
        fits = (vertical_columns(width), width < NARROW, height < SHORT)
        if self.rec is not None and fits != self._fitted:
            self._fill_costs()

    def _place_breakeven(self) -> None:
        """Where serialising and an LPN pay, in full when the screen has the lines for it and
        they are few; else one line pointing at the bars view (g), which always has them,
        never a cut text."""
        lines = self._view.breakeven if self._view is not None else ()
        box = self.query_one("#breakeven", Static)
        if not lines or (self.app.size.height >= TALL_ENOUGH and len(lines) <= FEW_ENOUGH):
            box.update("\n".join(lines))
        elif self.app.size.height < SHORT:
            box.update("Costs per vertical, and where serialising pays: press g.")
        else:
            box.update("Where serialising and an LPN start to pay, vertical by vertical: press g.")

    def _labels(self) -> dict[str, str]:
        book = self.app.workspace.rulebook
        if book is None:
            return {}
        return {k: v.label for k, v in book.classification.verticals.items()}

    def action_what_if(self) -> None:
        self.query_one(WhatIfPanel).open()

    @on(RowTable.Highlighted, "#decisions")
    def _highlighted(self, event: RowTable.Highlighted) -> None:
        self._show_reason(event.index)

    def _show_reason(self, index: int) -> None:
        if not 0 <= index < len(self._rows):
            return
        item = self._rows[index]
        if isinstance(item, RejectedRow):
            text = f"Row {item.row} was not decided: {item.reason}"
        else:
            d = item.decision
            text = f"{item.record.sku}: {d.reason} (rule {d.rule}; enter for why)"
        self.query_one("#reason", Static).update(text)

    @on(RowTable.Selected, "#decisions")
    def _selected(self, event: RowTable.Selected) -> None:
        self.action_why()

    # -- actions ---------------------------------------------------------------------------------

    def _current(self) -> EvaluatedRow | None:
        table = self.query_one("#decisions", RowTable)
        if not self._rows or table.cursor_row < 0 or table.cursor_row >= len(self._rows):
            return None
        item = self._rows[table.cursor_row]
        return item if isinstance(item, EvaluatedRow) else None

    def action_why(self) -> None:
        row = self._current()
        if row is None or self.rec is None:
            self.notify("Pick a decided row first.")
            return
        ws = self.app.workspace
        d = row.decision
        matched = tuple(replace(m, file=ws.in_rules(m.file)) for m in d.matched)
        self.app.push_screen(
            RenderScreen(
                f"Why {self.rec.label(row)}?",
                why(replace(d, matched=matched), lambda var: tone(self.app, var)),
            )
        )

    def action_back(self) -> None:
        self.app.show_onboarding()

    def commands(self) -> list[tuple[str, str, object]]:
        return [
            ("Accept the policy", "Store it in the tracker and open the desk", self.action_accept),
            ("Why? (this row)", "Every matched rule and which won", self.action_why),
            ("Export decisions", "CSV, JSON or JSON Lines", self.action_export),
            (
                "Save brand profile",
                "A file `trackright evaluate --profile` reads",
                self.action_save_profile,
            ),
            ("Evaluate a catalog", "Decide every SKU of a catalog file", self.action_catalog),
            (
                "Bars: SKUs and cost per method",
                "The split of SKUs and the monthly cost per method and vertical (g)",
                self.action_pictures,
            ),
        ]


__all__ = ["AdviceScreen"]
