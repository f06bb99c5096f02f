"""The tracker desk: a command line for scanners and keyboards, the returns desk, a dashboard.

Every command, whether typed, scanned or built by a form, becomes one line for
`advisor.app.desk.run` (the command layer `trackright track` runs too), queued and run one at a
time, each in a worker thread, so a slow operation never blocks typing and scans are applied in
the order they were made. What comes back is drawn here: the outcome's summary (the CLI's very
words) and its body (`advisor.render.tracker`); an error as its message and hint
(`tracker.errors.as_error`), user text always shown as typed.
"""

from __future__ import annotations

import shlex
from collections import deque
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.suggester import SuggestFromList
from textual.widgets import (
    DataTable,
    Input,
    RichLog,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from advisor.app import desk
from advisor.app.desk_forms import LabelsForm, ReceiveForm, ShipForm
from advisor.app.desk_labels import LabelsOffer
from advisor.app.desk_panes import LazyPanes
from advisor.app.desk_title import PolicyTitle
from advisor.app.mode_screen import ModeScreen
from advisor.app.widgets import Field, KeyFooter, TitleBar, tone
from advisor.commands.base import Outcome
from advisor.render import tracker as render
from tracker.errors import as_error
from tracker.model import Stats

HELP = """\
# Tracker desk

**Desk (f2)** — type a command, or scan a barcode into the line (a scanner types and presses
enter). The same verbs as `trackright track`:

```text
receive SKU --serial IMEI-1 --serial IMEI-2   (serial)
receive SKU --generate 10              (LPN: labels made)
receive SKU --lot L1 --qty 50 --expiry 2027-01-31 (batch)
ship ORDER --line SKU:2 --scan IMEI-1
return ORDER IMEI-1 --reason fit
recall --lot SKU:LOT          trace IMEI-1
trace --order ORDER           stats
transfer IMEI-1 --to WH2      transfer SKU:LOT --qty 40 --to WH2
policy list                   policy set SKU --method serial
```

A serial or LPN on its own shows its history as a timeline. `help receive` lists every option.
**ctrl+r** and **ctrl+o** open small forms to receive a lot and ship an order. After a receipt of
units, **ctrl+l** prints their labels: ZPL 50×25 for a thermal printer, or a PDF / PNG, to a
file you choose (the `labels` verb, with exactly the units just received).

**Returns (f3)** — type or scan the order number, then scan each returned unit. The verdict
shows big: RESTOCK, COUNTERFEIT SUSPECT (never received here), SWAP SUSPECT (shipped on another
order), RECALLED, INSPECT (returned again and again, or damaged), with the rule's reason.

**Dashboard (f4)** — stock by warehouse and by status, returns per SKU, repeat returners and
suspects, the returns analytics (`track stats --returns`) and the advice from what the tracker
saw (`track advise`: SKUs whose method should change). **pgdn** / **pgup** page through it even
while a table has the focus; **ctrl+end** goes to the advice, **ctrl+home** back to the top.
"""

VERDICT_TONES = ("success", "warning", "error")


class DeskLog(RichLog):
    """The desk's scrollback: every entry wrapped to the log's width, wrapped again when it changes.

    A RichLog wraps an entry once, at the width the log has when the entry is written; written
    while the desk's tab is hidden (a return taken on F3, a note from the recommendation) it would
    be wrapped to `min_width`, a column of twenty characters. So the log keeps its entries, an
    entry written while it has no width waits, and a new width draws them all again.
    """

    #: Entries kept for drawing again (older ones scroll away for good).
    KEEP = 2000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries: list[Any] = []
        self._drawn_width = 0
        self._waiting = False  # entries written that are not drawn yet

    def write(self, content, width=None, expand=True, shrink=True, scroll_end=None, animate=False):
        self._entries.append(content.copy() if isinstance(content, Text) else content)
        del self._entries[: -self.KEEP]
        usable = self.scrollable_content_region.width
        if self._size_known and not self._waiting and 0 < usable == self._drawn_width:
            return super().write(content, width, expand, shrink, scroll_end, animate)
        self._waiting = True  # drawn, with the rest, once the log has its width
        self._draw_all()
        return self

    def on_resize(self, event: Any) -> None:
        self._draw_all()

    def on_show(self, event: Any) -> None:
        self.call_after_refresh(self._draw_all)

    def _draw_all(self) -> None:
        usable = self.scrollable_content_region.width
        if usable <= 0 or (usable == self._drawn_width and not self._waiting):
            return
        self._size_known = True
        self._drawn_width = usable
        self._waiting = False
        RichLog.clear(self)
        for entry in self._entries:
            super().write(entry, None, True, True)


class DeskScreen(LabelsOffer, PolicyTitle, LazyPanes, ModeScreen):
    """Receive, ship, return, recall and trace, against the workspace store."""

    # desk.tcss is read at start with the app's sheets (`TrackrightApp.CSS_PATH`): read here,
    # the first switch to the desk parsed and applied every sheet again, keys waiting 0.3 s
    AUTO_FOCUS = "#command"
    HELP = HELP
    BINDINGS = [
        # The tabs' own labels show f2, f3 and f4; the footer keeps room for the forms.
        Binding("f2", "tab('desk')", "Desk", show=False),
        Binding("f3", "tab('returns')", "Returns", show=False),
        Binding("f4", "tab('dashboard')", "Dashboard", show=False),
        Binding("ctrl+r", "receive_form", "Receive"),
        Binding("ctrl+o", "ship_form", "Ship"),
        Binding("ctrl+l", "labels_form", "Labels"),  # shown once there are units to label
    ]

    def __init__(self) -> None:
        super().__init__()
        self._waiting: deque[tuple[str, str, str]] = deque()  # (line, origin, as echoed)
        self._busy = False
        self._started = False  # lines wait until the screen is mounted
        #: Lines submitted and not yet drawn, and counts of the policies not yet in the title
        #: (tests wait for the desk's workers to bring it to 0).
        self.pending = 0
        self._notes: list[str] = []

    def compose(self) -> ComposeResult:
        yield TitleBar("trackright · tracker desk", id="title")
        with TabbedContent(id="tabs", initial="desk"):
            with TabPane("Desk f2", id="desk"):
                yield DeskLog(id="log", wrap=True, markup=False, highlight=False, min_width=20)
                yield Field(
                    id="command",
                    placeholder="Scan a barcode or type a command (help lists them)",
                    suggester=SuggestFromList([f"{v} " for v in desk.verb_names()]),
                )
            yield TabPane("Returns f3", id="returns")  # filled once the desk is drawn
            yield TabPane("Dashboard f4", id="dashboard")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._started = True
        log = self.query_one("#log", RichLog)
        log.write(Text("Tracker desk. Type help for the commands, F1 for more.", style="bold"))
        for note in self._notes:
            log.write(Text(note, style=self._style("text-success")))
        self.fill_panes_later()
        # after the first drawing: the count forks the app's process, holding the GIL a moment
        self.call_after_refresh(self.count_policies)

    def _style(self, variable: str) -> str:
        return tone(self.app, variable)

    def note(self, text: str) -> None:
        """A line for the log from elsewhere in the app (e.g. "policy accepted")."""
        if self.is_mounted:
            self.query_one("#log", RichLog).write(Text(text, style=self._style("text-success")))
        else:
            self._notes.append(text)
        self.count_policies()

    # -- running commands ------------------------------------------------------------------------

    def submit(self, line: str, origin: str = "desk", echo: str | None = None) -> None:
        """Queue one command line; `origin` says which part of the screen shows the result,
        `echo` what the log shows of the line (a line naming 10,000 units is not repeated)."""
        self.pending += 1
        self._waiting.append((line, origin, echo or line))
        self._next()

    def _next(self) -> None:
        """Start the next queued line, once the one before it is drawn (and the screen is up)."""
        if self._busy or not self._waiting or not self._started:
            return
        self._busy = True
        self._run(*self._waiting.popleft())

    @work(thread=True, group="desk-runner")
    def _run(self, line: str, origin: str, echo: str) -> None:
        ws = self.app.workspace
        try:
            with ws.store_lock:
                outcome = desk.run(ws, line)
        except Exception as exc:  # every error is shown, never a crash of the desk
            self.app.call_from_thread(self._refused, echo, exc, origin)
        else:
            self.app.call_from_thread(self._done, echo, outcome, origin)

    def _advise_line(self) -> str:
        """`advise`, given the catalog the brand onboarded with: its unit values price the
        fakes and its policy rows say which methods a SKU may lower to."""
        try:
            catalog = self.app.workspace.load_conversation().catalog_path
        except Exception:  # noqa: BLE001 - no saved onboarding: the advice without a catalog
            catalog = None
        return f"advise --catalog {shlex.quote(catalog)}" if catalog else "advise"

    def _finished(self) -> None:
        self.pending -= 1
        self._busy = False
        self._next()

    def _done(self, line: str, outcome: Outcome, origin: str) -> None:
        try:
            self._draw(line, outcome, origin)
        finally:
            self._finished()

    def _draw(self, line: str, outcome: Any, origin: str) -> None:
        if origin == "dashboard":
            self._fill_dashboard(outcome.result)
            # the same verbs as `track stats --returns` and `track advise`, drawn the same way
            self.submit("stats --returns", "dash-returns")
            self.submit(self._advise_line(), "dash-advice")
            return
        if origin in ("dash-returns", "dash-advice"):
            self.ensure_pane("dashboard")
            body = render.render(outcome, self._style)
            self.query_one(f"#{origin}", Static).update(
                body if body is not None else Text(outcome.summary)
            )
            return
        if outcome.verb == "return":
            tone_name = render.verdict_tone(outcome.result.verdict.verdict)
            self._show_verdict(outcome.label.upper(), tone_name, _verdict_reason(outcome.result))
        log = self.query_one("#log", RichLog)
        if origin != "silent":
            log.write(Text(f"> {line}", style=self._style("text-muted")))
        if outcome.verb == "help":
            log.write(Text(outcome.text))
            return
        log.write(Text(outcome.summary, style="bold"))
        body = render.render(outcome, self._style)
        if body is not None:
            log.write(body)
        for warning in outcome.warnings:
            log.write(Text(f"! {warning}", style=self._style("text-warning")))
        if outcome.verb == "receive":
            self.offer_labels(outcome.result)
        if outcome.verb in ("policy set", "policy import"):
            self.count_policies()
        if self.query_one("#tabs", TabbedContent).active == "dashboard":
            self.submit("stats", "dashboard")

    def _refused(self, line: str, exc: BaseException, origin: str) -> None:
        try:
            self._show_error(line, exc, origin)
        finally:
            self._finished()

    def _show_error(self, line: str, exc: BaseException, origin: str) -> None:
        err = as_error(exc)
        if origin in ("dashboard", "dash-returns", "dash-advice"):
            self.notify(str(err), severity="error", markup=False)
            return
        if origin == "returns":
            refused = getattr(err, "outcome", None)  # the rulebook refused the return
            if refused is not None:
                self._show_verdict(refused.label.upper(), "warning", err.message)
            else:
                self._show_verdict("NOT TAKEN", "warning", err.message)
        log = self.query_one("#log", RichLog)
        log.write(Text(f"> {line}", style=self._style("text-muted")))
        log.write(Text(f"✗ {err.message}", style=self._style("text-error")))
        if err.hint:
            log.write(Text(f"  hint: {err.hint}", style=self._style("text-muted")))

    @on(Input.Submitted, "#command")
    def _command(self, event: Input.Submitted) -> None:
        line = event.value.strip()
        event.input.value = ""
        if line:
            self.submit(line)

    # -- returns desk ----------------------------------------------------------------------------

    @on(Input.Submitted, "#order")
    def _order(self, event: Input.Submitted) -> None:
        scan = self.query_one("#scan", Input)
        if event.value.strip() and scan.value.strip():
            self._return()
        else:
            scan.focus()

    @on(Input.Submitted, "#scan")
    def _scan(self, event: Input.Submitted) -> None:
        self._return()

    def _return(self) -> None:
        order = self.query_one("#order", Input)
        scan = self.query_one("#scan", Input)
        ident = scan.value.strip()
        if not ident:
            return
        if not order.value.strip():
            self._show_verdict(
                "WHICH ORDER?", "warning", f"Type or scan the order {ident} came back on."
            )
            order.focus()
            return
        reason = self.query_one("#reason", Select).value
        line = shlex.join(["return", order.value.strip(), ident, "--reason", str(reason)])
        scan.value = ""
        scan.focus()
        self._show_verdict("CHECKING…", "", f"{ident} on order {order.value.strip()}")
        self.submit(line, "returns")

    def _show_verdict(self, label: str, tone_name: str, why: str) -> None:
        self.ensure_pane("returns")  # a return typed on the desk line shows there too
        box = self.query_one("#verdict", Static)
        for t in VERDICT_TONES:
            box.set_class(t == tone_name, f"-{t}")
        box.update(Text(label))  # user text (identifiers) is shown as typed, never as markup
        self.query_one("#verdict-why", Static).update(Text(why))

    # -- dashboard -------------------------------------------------------------------------------

    def _fill_dashboard(self, s: Stats) -> None:
        self.ensure_pane("dashboard")
        by_status: dict[str, int] = {}
        for _sku, _loc, status, qty in s.stock:
            by_status[status] = by_status.get(status, 0) + qty
        head = Text()
        for status, n in sorted(by_status.items()):
            head.append(f"{status} ", style=self._style(render.STATUS_TONE.get(status, "text")))
            head.append(f"{n}   ")
        if not by_status:
            head.append("No stock yet: receive some on the desk (f2).")
        head.append(
            f"\nSuspects {len(s.suspects)} · returned more than once {len(s.repeat_returners)}"
        )
        self.query_one("#dash-head", Static).update(head)
        self.query_one("#dash-warehouses", Static).update(render.warehouses(s))
        stock = self.query_one("#stock", DataTable)
        stock.clear()
        for sku, loc, status, qty in s.stock:
            stock.add_row(Text(sku), Text(loc), render.status_text(status, self._style), str(qty))
        rates = self.query_one("#rates", DataTable)
        rates.clear()
        for r in s.returns:
            rates.add_row(Text(r.sku), str(r.shipped), str(r.returned), f"{r.rate:.0%}")
        suspects = self.query_one("#suspects", DataTable)
        suspects.clear()
        for u in (*s.suspects, *(u for u in s.repeat_returners if u not in s.suspects)):
            suspects.add_row(
                Text(u.id),
                Text(u.sku),
                render.status_text(u.status, self._style),
                str(u.returns),
                ", ".join(u.flags),
            )

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id
        mounting = self.ensure_pane(tab or "")  # a click on a tab not filled yet
        if mounting is not None:
            await mounting
        if tab == "dashboard":
            self.query_one("#stock").focus()  # focus left in a hidden pane would switch back
            self.submit("stats", "dashboard")
        elif tab == "returns":
            field = self.query_one(
                "#order" if not self.query_one("#order", Input).value else "#scan"
            )
            field.focus()
        elif tab == "desk":
            self.query_one("#command").focus()

    def action_tab(self, tab: str) -> None:
        self.ensure_pane(tab)
        self.query_one("#tabs", TabbedContent).active = tab

    # -- forms -----------------------------------------------------------------------------------

    def action_receive_form(self) -> None:
        self.app.push_screen(ReceiveForm(), self._from_form)

    def action_ship_form(self) -> None:
        self.app.push_screen(ShipForm(), self._from_form)

    def _from_form(self, line: str | None) -> None:
        if line:
            self.action_tab("desk")
            self.submit(line)

    def commands(self) -> list[tuple[str, str, object]]:
        def run(line: str):
            return lambda: (self.action_tab("desk"), self.submit(line))

        return [
            ("Desk", "Command line for scans and commands (f2)", lambda: self.action_tab("desk")),
            (
                "Returns desk",
                "Check a returned unit against its order (f3)",
                lambda: self.action_tab("returns"),
            ),
            (
                "Dashboard",
                "Stock by status, returns and suspects (f4)",
                lambda: self.action_tab("dashboard"),
            ),
            (
                "Receive stock (form)",
                "Serials, LPN labels or a lot (ctrl+r)",
                self.action_receive_form,
            ),
            (
                "Ship an order (form)",
                "Order lines and scanned units (ctrl+o)",
                self.action_ship_form,
            ),
            *self.labels_commands(),
            ("Command help", "Every verb with examples", run("help")),
            *(
                (f"Command: {v.name}", v.help, run(v.name) if v.runs_alone else self._start(v.name))
                for v in desk.palette_verbs()
            ),
        ]

    def _start(self, verb: str):
        """Put `verb` on the command line for the user to finish (its arguments)."""

        def start() -> None:
            self.action_tab("desk")
            field = self.query_one("#command", Input)
            field.value = f"{verb} "
            field.cursor_position = len(field.value)
            field.focus()

        return start


def _verdict_reason(r: Any) -> str:
    v = r.verdict
    now = f"{r.identifier} ({r.sku}) is now {r.status}" if r.status else "nothing changed"
    return f"{v.reason}\nrule {v.rule} · {now}"


__all__ = ["DeskScreen", "LabelsForm", "ReceiveForm", "ShipForm"]
