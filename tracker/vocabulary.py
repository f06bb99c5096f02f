"""The words the rulebook and the tracker share: methods, captures, statuses, verdicts, reasons.

The tracker is the lower layer — it defines what can be tracked and how a unit moves — and the
rulebook must speak exactly this vocabulary, so both import it from here (a test checks that the
rulebook's schemas offer these words and no others). Nothing here imports anything.
"""

from __future__ import annotations

#: Tracking methods, weakest to strongest: a regulatory floor compares by this order.
METHODS = ("batch", "lpn", "serial")
METHOD_RANK = {m: i for i, m in enumerate(METHODS)}
#: The decision for what is not stock at all (gift cards, services, digital goods): nothing to
#: track, and the tracker refuses to receive it. Not a tracking method, so not in METHODS.
NOT_STOCK = "none"
#: What else a tracked unit or lot records, in the order they are written.
CAPTURES = ("lot", "expiry", "mfg_date")

IN_STOCK = "IN_STOCK"
SHIPPED = "SHIPPED"
RETURNED = "RETURNED"
INSPECTING = "INSPECTING"
QUARANTINED = "QUARANTINED"
RECALLED = "RECALLED"
DESTROYED = "DESTROYED"

#: The GS1 CBV 2.0 disposition that goes with each status (inventory-tracking.md §7(b)).
DISPOSITION = {
    IN_STOCK: "sellable_not_accessible",
    SHIPPED: "in_transit",
    RETURNED: "returned",
    INSPECTING: "in_progress",
    QUARANTINED: "non_sellable_other",
    RECALLED: "recalled",
    DESTROYED: "destroyed",
}

#: Return reason codes a returns rule can test; free text is mapped onto them (else `other`).
RETURN_REASONS = (
    "damaged",
    "defective",
    "wrong_item",
    "fit",
    "not_as_described",
    "changed_mind",
    "other",
)
#: What the returns desk can decide, and the status each verdict puts the unit in.
VERDICTS = ("restock", "quarantine", "inspect", "recalled", "refuse")
VERDICT_STATUS = {
    "restock": IN_STOCK,
    "quarantine": QUARANTINED,
    "inspect": INSPECTING,
    "recalled": RECALLED,
}
#: Flags a return verdict may put on a unit.
FLAGS = (
    "counterfeit_suspect",
    "not_shipped_suspect",
    "swap_suspect",
    "already_returned",
    "recalled_lot",
    "expired",
    "qc_required",
    "repeat_returner",
    "damaged",
)
#: Flags that keep a unit out of stock until a supervisor overrides them.
SUSPECT_FLAGS = ("counterfeit_suspect", "swap_suspect", "not_shipped_suspect")

__all__ = [
    "CAPTURES",
    "DESTROYED",
    "DISPOSITION",
    "FLAGS",
    "INSPECTING",
    "IN_STOCK",
    "METHODS",
    "METHOD_RANK",
    "NOT_STOCK",
    "QUARANTINED",
    "RECALLED",
    "RETURNED",
    "RETURN_REASONS",
    "SHIPPED",
    "SUSPECT_FLAGS",
    "VERDICTS",
    "VERDICT_STATUS",
]
