"""Building ledger events: EPCIS ObjectEvents with Core Business Vocabulary (CBV 2.0) names.

Every state change the tracker makes is one of these events, never an edit of an earlier one. The
business step and disposition are checked against the CBV values the tracker uses, so a typo cannot
slip an unknown step into the ledger.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from .model import DISPOSITION, Event, QtyMove

BIZ_STEPS = frozenset(
    {
        "receiving",
        "commissioning",
        "shipping",
        "holding",
        "stocking",
        "inspecting",
        "destroying",
        "departing",
        "arriving",
    }
)
DISPOSITIONS = frozenset(DISPOSITION.values())
ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})


def new_op_id() -> str:
    """A fresh id shared by every event one user operation produces."""
    return uuid.uuid4().hex


def make_event(
    op_id: str,
    op: str,
    when: datetime,
    *,
    biz_step: str,
    status: str,
    action: str = "OBSERVE",
    ids: Iterable[str] = (),
    moves: Iterable[QtyMove] = (),
    sku: str | None = None,
    location: str | None = None,
    order: str | None = None,
    reason: str | None = None,
    rule: str | None = None,
    rulebook_version: str | None = None,
    persistent_set: Iterable[str] = (),
    persistent_unset: Iterable[str] = (),
    ilmd: dict[str, str] | None = None,
    suspect: str | None = None,
    source: str | None = None,
) -> Event:
    """One event whose ids all end in `status`; the disposition follows from the status."""
    disposition = DISPOSITION[status]
    if biz_step not in BIZ_STEPS or action not in ACTIONS or disposition not in DISPOSITIONS:
        raise ValueError(f"not a CBV event: {action} {biz_step} -> {disposition}")
    return Event(
        event_id=uuid.uuid4().hex,
        op_id=op_id,
        op=op,
        time=when.isoformat(timespec="milliseconds"),
        action=action,
        biz_step=biz_step,
        disposition=disposition,
        status=status,
        ids=tuple(ids),
        moves=tuple(moves),
        sku=sku,
        location=location,
        order=order,
        reason=reason,
        rule=rule,
        rulebook_version=rulebook_version,
        persistent_set=tuple(persistent_set),
        persistent_unset=tuple(persistent_unset),
        ilmd=tuple(sorted((k, v) for k, v in (ilmd or {}).items() if v)),
        suspect=suspect,
        source=source,
    )
