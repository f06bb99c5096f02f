"""What every operation shares: the checks of `tracker.checks`, and finding units and policies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ..checks import (  # noqa: F401 - the operations' shared checks, re-exported
    MAX_LINES,
    MAX_QTY,
    MAX_SCANS,
    MAX_TEXT,
    MAX_UNITS,
    as_date,
    normalise_reason,
    positive,
    split_lot_ref,
    text,
)
from ..errors import AlreadyAppliedError, BadIdentifierError, NoPolicyError, NotAllowedError
from ..model import PolicySnapshot, Unit, Verdict
from ..scan import Scan
from ..store import Store, StoreReader
from ..vocabulary import NOT_STOCK

VerdictFn = Callable[[dict[str, object]], Verdict]

EVALUATE_HINT = (
    "run `trackright evaluate CATALOG -o decisions.json` and "
    "`trackright track policy import decisions.json`, or set one with "
    "`trackright track policy set SKU --method serial|batch|lpn`"
)
_NATURE = (
    ("gift", "gift cards"),
    ("voucher", "gift cards"),
    ("service", "services"),
    ("digital", "digital goods"),
    ("download", "digital goods"),
    ("virtual", "digital goods"),
    ("subscription", "subscriptions"),
)


class Ops(Protocol):
    """What an operation needs from the facade: the store, the time, the returns verdict."""

    store: Store
    verdict: VerdictFn | None

    def clock(self) -> datetime: ...


def bump(qty: dict[str, dict[str, int]], location: str, status: str, delta: int) -> None:
    """Add `delta` to a {location: {status: n}} map, dropping entries that reach zero."""
    by_status = qty.setdefault(location, {})
    by_status[status] = by_status.get(status, 0) + delta
    if by_status[status] == 0:
        del by_status[status]
    if not by_status:
        del qty[location]


def flat(quantities: dict[str, dict[str, int]]) -> tuple[tuple[str, str, int], ...]:
    """A {location: {status: n}} map as a lot's sorted (location, status, n) quantities."""
    return tuple(
        (loc, st, n)
        for loc, by_status in sorted(quantities.items())
        for st, n in sorted(by_status.items())
        if n
    )


def gtin14(gtin: str | None) -> str:
    return gtin.zfill(14) if gtin else ""


def not_stock_message(policy: PolicySnapshot, verb: str) -> str:
    words = f"{policy.nature} {policy.vertical} {policy.reason} {policy.rule}".lower()
    kind = next((name for stem, name in _NATURE if stem in words), None)
    if kind:
        return f"SKU {policy.sku}: {kind} are not stock: nothing to {verb}"
    why = f" ({policy.reason})" if policy.reason else ""
    return f"SKU {policy.sku} is not stock{why}: nothing to {verb}"


def require_policy(r: StoreReader, sku: str, verb: str = "receive") -> PolicySnapshot:
    """The SKU's policy; NoPolicyError without one, NotAllowedError for what is not stock."""
    policy = r.policy(sku)
    if policy is None:
        raise NoPolicyError(f"SKU {sku} has no tracking decision yet", hint=EVALUATE_HINT)
    if policy.method == NOT_STOCK:
        raise NotAllowedError(
            not_stock_message(policy, verb),
            hint="its decision is `none` (gift cards, services, digital goods are not tracked)",
        )
    return policy


def unit_gtin(r: StoreReader, unit: Unit) -> str:
    """The GTIN a unit carries: its own, else its SKU's (units received before a GTIN was set)."""
    if unit.gtin:
        return unit.gtin
    policy = r.policy(unit.sku)
    return gtin14(policy.gtin) if policy else ""


def matching_units(r: StoreReader, scan: Scan) -> list[Unit]:
    """Units the scan may mean: same serial, and the same GTIN when the barcode carries one.

    In GS1 a serial is unique only within its GTIN, so another product bearing one of our
    serials is not our unit.
    """
    ident = scan.identifier
    if not ident:
        return []
    found = r.units_by_serial(ident)
    if scan.gs1 and scan.gtin:
        want = gtin14(scan.gtin)
        found = [u for u in found if unit_gtin(r, u) == want]
    return found


def refuse_if_applied(r: StoreReader, order_id: str, source: str | None) -> None:
    """AlreadyAppliedError when an event of the order carries the import key `source`.

    Called inside the operation's transaction, so the check and the write are one step even
    when two processes import the same file at once.
    """
    if not source:
        return
    for event in r.events_of_order(order_id):
        if event.source == source:
            raise already_applied(order_id, event.time[:10])


def already_applied(order_id: str, day: str) -> AlreadyAppliedError:
    """The refusal of an import line whose key the ledger holds (its event of `day`)."""
    return AlreadyAppliedError(
        f"order {order_id}: this line was imported before (recorded for {day})",
        hint="nothing changed; importing the same file again is safe",
    )


def one_unit(found: list[Unit], ident: str, prefer: Callable[[Unit], bool] | None = None) -> Unit:
    """The single unit of `found`; a plain serial borne by several products must be scanned."""
    if len(found) > 1 and prefer is not None:
        preferred = [u for u in found if prefer(u)]
        if len(preferred) == 1:
            return preferred[0]
    if len(found) > 1:
        skus = ", ".join(f"{u.sku} (GTIN {u.gtin or '-'})" for u in found)
        raise BadIdentifierError(
            f"serial {ident} is borne by {len(found)} products: {skus}",
            hint="scan the GS1 barcode, which carries the GTIN",
        )
    return found[0]
