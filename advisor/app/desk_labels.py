"""The desk's offer to print the labels of the units just received: ctrl+l, the palette, the form.

A receipt of units drawn on the desk is remembered (SKU and unit keys, as the tracker gave
them); ctrl+l and a palette entry then open `LabelsForm`, whose line runs the `labels` verb
with exactly those units. A receipt of a lot withdraws the offer: the units "just received"
are no longer the latest receipt.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import RichLog

from advisor.app.desk_forms import LabelsForm


class LabelsOffer:
    """Mixed into the desk screen (which gives `app`, `submit`, `action_tab`, `_style`)."""

    #: (SKU, unit keys) of the latest receipt drawn on the desk, if it was of units.
    receipt: tuple[str, tuple[str, ...]] | None = None

    def offer_labels(self, result: Any) -> None:
        """Offer the labels of a receipt of units (ctrl+l); a lot receipt withdraws the offer."""
        self.receipt = (result.sku, tuple(result.ids)) if result.ids else None
        self.refresh_bindings()  # type: ignore[attr-defined]
        if self.receipt is not None:
            n = len(result.ids)
            self.query_one("#log", RichLog).write(  # type: ignore[attr-defined]
                Text(
                    f"ctrl+l prints {'its label' if n == 1 else f'their {n} labels'} "
                    "(ZPL 50×25, or PDF / PNG)",
                    style=self._style("text-muted"),  # type: ignore[attr-defined]
                )
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "labels_form":
            return self.receipt is not None  # hidden from the footer until there is a receipt
        return True

    def action_labels_form(self) -> None:
        if self.receipt is None:
            return
        sku, ids = self.receipt
        app: Any = self.app  # type: ignore[attr-defined]
        stamp = app.workspace.clock().strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", sku)
        output = app.workspace.store_path.parent / f"labels-{name}-{stamp}.zpl"

        def print_labels(line: str | None) -> None:
            """Run the form's `labels ID… OPTIONS` line; the log shows it without the IDs."""
            if not line:
                return
            words = shlex.split(line)
            echo = line
            if words[1 : 1 + len(ids)] == list(ids):
                unit = f"<{len(ids)} unit(s) of {sku} just received>"
                echo = shlex.join(["labels", unit, *words[1 + len(ids) :]])
            self.action_tab("desk")  # type: ignore[attr-defined]
            self.submit(line, echo=echo)  # type: ignore[attr-defined]

        app.push_screen(LabelsForm(sku, ids, output), print_labels)

    def labels_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        """The palette's entry for the labels, while there is a receipt to print."""
        if self.receipt is None:
            return []
        sku, ids = self.receipt
        help_text = f"The {len(ids)} unit(s) of {sku} just received (ctrl+l)"
        return [("Print labels (form)", help_text, self.action_labels_form)]


__all__ = ["LabelsOffer"]
