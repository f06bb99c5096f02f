"""The desk's small forms (ctrl+r receive, ctrl+o ship): labelled fields that become one command line."""

from __future__ import annotations

import shlex

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from advisor.app.widgets import Field


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
    _Form Horizontal { height: auto; margin: 1 0 0 0; }
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


__all__ = ["ReceiveForm", "ShipForm"]
