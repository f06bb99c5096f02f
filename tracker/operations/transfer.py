"""Transfer: a unit moved from one warehouse to another, recorded as it departs and as it arrives.

A transfer is one operation with two ledger events — `departing` at the warehouse it leaves and
`arriving` at the one it reaches (CBV business steps) — so a unit's trace reads across every
warehouse it passed through, and stock by warehouse follows from the unit's location. The unit
keeps its status (stock stays stock, a quarantined unit stays quarantined); units that have left
us (shipped, destroyed) cannot be transferred. Lot quantities are not transferred yet: a
quantity move names one location, and a transfer needs two.
"""

from __future__ import annotations

from .. import ledger
from ..errors import NotAllowedError, RefusedError, UnknownIdError
from ..model import DESTROYED, SHIPPED
from ..scan import parse_scan
from .common import Ops, matching_units, one_unit, text

GONE = (SHIPPED, DESTROYED)


def transfer(t: Ops, identifier: str, to: str, *, reason: str | None = None) -> tuple[str, str]:
    """Move the unit `identifier` to warehouse `to`; (from, to)."""
    target = text(to, "--to")
    if not target:
        raise RefusedError("a transfer needs the warehouse it goes to (--to)")
    scan = parse_scan(identifier)
    now = t.clock()
    with t.store.transaction("transfer") as tx:
        units = matching_units(tx, scan) if scan.identifier else []
        if not units:
            raise UnknownIdError(
                f"unit {scan.identifier or identifier} is not in the store (only units are "
                "transferred, not lot quantities)"
            )
        unit = one_unit(units, scan.identifier or identifier)
        if unit.status in GONE:
            raise NotAllowedError(f"unit {unit.id} is {unit.status}; it cannot be transferred")
        if unit.location == target:
            raise NotAllowedError(f"unit {unit.id} is already at {target}")
        origin = unit.location
        tx.put_unit(unit._replace(location=target))
        op_id = ledger.new_op_id()
        for step, where in (("departing", origin), ("arriving", target)):
            tx.add_event(
                ledger.make_event(
                    op_id,
                    "transfer",
                    now,
                    biz_step=step,
                    status=unit.status,
                    ids=[unit.key],
                    sku=unit.sku,
                    location=where,
                    reason=text(reason, "--reason") or f"transfer {origin} -> {target}",
                )
            )
    return origin, target
