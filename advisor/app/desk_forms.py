"""The desk's small forms (ctrl+r receive, ctrl+o ship, ctrl+l labels): fields that become one command line."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from advisor.app.widgets import Field, TickBox
from advisor.commands.labels import FORMATS


class _Form(ModalScreen[str | None]):
    """A few labelled fields that become one desk command line."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    _Form { align: center middle; }
    _Form > Vertical {
        width: 70; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    _Form Label { margin: 1 0 0 0; }
    _Form > Vertical > Horizontal { height: auto; margin: 1 0 0 0; }
    _Form Button { margin: 0 1 0 0; }
    """
    TITLE = ""
    FIELDS: tuple[tuple[str, str, str], ...] = ()  # (id, label, placeholder)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.TITLE
            for fid, label, placeholder in self.FIELDS:
                yield Label(label)
                yield Field(id=fid, placeholder=placeholder)
            with Horizontal():
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def values(self) -> dict[str, str]:
        return {fid: self.query_one(f"#{fid}", Input).value.strip() for fid, _, _ in self.FIELDS}

    def line(self) -> str | None:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._ok() if event.button.id == "ok" else self.dismiss(None)

    def _ok(self) -> None:
        line = self.line()
        if line is not None:
            self.dismiss(line)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReceiveForm(_Form):
    """Receive a lot (batch), serials, or LPN labels for one SKU."""

    TITLE = "Receive stock"
    FIELDS = (
        ("sku", "SKU", "e.g. TEA-500G"),
        ("serials", "Serials (serial SKUs), separated by spaces", "IMEI-1 IMEI-2"),
        ("lot", "Lot (batch SKUs, or lot alongside serials)", "L2026-01"),
        ("qty", "Quantity (batch lot, or LPN labels to print)", "50"),
        ("mfg", "Manufacture date, if the SKU captures it", "2026-01-31"),
        ("expiry", "Expiry date, if the SKU captures it", "2027-01-31"),
    )

    def line(self) -> str | None:
        v = self.values()
        if not v["sku"]:
            self.notify("Give the SKU.", severity="error")
            return None
        args = ["receive", v["sku"]]
        for serial in v["serials"].split():
            args += ["--serial", serial]
        if v["lot"]:
            args += ["--lot", v["lot"]]
        if v["qty"]:
            args += ["--qty", v["qty"]]
        if v["mfg"]:
            args += ["--mfg", v["mfg"]]
        if v["expiry"]:
            args += ["--expiry", v["expiry"]]
        return shlex.join(args)


class ShipForm(_Form):
    """Ship an order: batch lines as SKU:QTY, serial/LPN units scanned."""

    TITLE = "Ship an order"
    FIELDS = (
        ("order", "Order number", "SO-1001"),
        ("lines", "Batch lines, SKU:QTY separated by spaces", "TEA-500G:2"),
        ("scans", "Scanned units (serials / LPNs), separated by spaces", "IMEI-1"),
    )

    def line(self) -> str | None:
        v = self.values()
        if not v["order"] or not (v["lines"] or v["scans"]):
            self.notify("Give the order number and at least one line or unit.", severity="error")
            return None
        args = ["ship", v["order"]]
        for item in v["lines"].split():
            args += ["--line", item]
        for scan in v["scans"].split():
            args += ["--scan", scan]
        return shlex.join(args)


#: The label sizes the form offers, as the `labels` verb names them.
LABEL_SIZES = (("50 × 25 mm", "50x25"), ("100 × 50 mm", "100x50"), ("A4 sheet, 3 × 8", "a4-3x8"))


class LabelsForm(_Form):
    """Print the labels of the units just received: format, size, and the file to write.

    Nothing is written from here: the form checks what it can before the desk runs the one
    `labels` line it builds (a folder that is not there, a file that is and may not be
    replaced, a PNG asked of several units), so a mistake is fixed in the form, not found after.
    """

    TITLE = "Print labels"
    DEFAULT_CSS = """
    LabelsForm #label-choices > Vertical { width: 1fr; height: auto; margin: 0 1 0 0; }
    LabelsForm #label-choices Label { margin: 0; }
    LabelsForm #problem { color: $text-error; height: auto; display: none; }
    LabelsForm #problem.-shown { display: block; }
    """

    def __init__(self, sku: str, ids: tuple[str, ...], output: Path) -> None:
        super().__init__()
        self.sku = sku
        self.ids = ids
        self.output = output

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.TITLE
            n = len(self.ids)
            yield Static(Text(f"{n} unit{'s' if n != 1 else ''} of {self.sku} just received"))
            with Horizontal(id="label-choices"):
                with Vertical():
                    yield Label("Format")
                    yield Select(
                        [(f.upper(), f) for f in FORMATS], value="zpl", allow_blank=False, id="fmt"
                    )
                with Vertical():
                    yield Label("Size")
                    yield Select(LABEL_SIZES, value="50x25", allow_blank=False, id="size")
            yield Label("File to write")
            yield Field(str(self.output), id="output")
            yield TickBox("Replace the file if it is there", id="replace")
            yield Static("", id="problem")
            with Horizontal():
                yield Button("Print", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#output", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A new format changes the file's suffix when it is one of ours."""
        if event.select.id != "fmt":
            return
        field = self.query_one("#output", Input)
        path = Path(field.value.strip())
        if path.suffix.lower().lstrip(".") in FORMATS:
            field.value = str(path.with_suffix(f".{event.value}"))

    def show_problem(self, text: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(Text(text))
        problem.set_class(bool(text), "-shown")

    def line(self) -> str | None:
        fmt = str(self.query_one("#fmt", Select).value)
        size = str(self.query_one("#size", Select).value)
        given = self.query_one("#output", Input).value.strip()
        if not given:
            self.show_problem("Give the file to write the labels to.")
            return None
        output = Path(given).expanduser()
        if not output.resolve().parent.is_dir():
            self.show_problem(f"The folder {output.parent} does not exist: nothing was written.")
            return None
        if output.is_dir():
            self.show_problem(f"{output} is a folder: give a file name in it.")
            return None
        if output.exists() and not self.query_one("#replace", Checkbox).value:
            self.show_problem(f"{output} is already there: tick Replace to write over it.")
            return None
        if size == "a4-3x8" and fmt != "pdf":
            self.show_problem("An A4 sheet is printed as a PDF: choose PDF, or a label size.")
            return None
        if fmt == "png" and len(self.ids) != 1:
            self.show_problem(
                f"A PNG holds one label and {len(self.ids)} units were received: choose ZPL or PDF."
            )
            return None
        return shlex.join(["labels", *self.ids, "--format", fmt, "--size", size, "-o", str(output)])


__all__ = ["LabelsForm", "ReceiveForm", "ShipForm"]
