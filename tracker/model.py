"""The tracker's domain records: what the store holds and what operations hand back.

Everything is a frozen dataclass; `to_doc()` / `from_doc()` convert to the plain JSON documents the
store keeps, so TinyDB (or any JSON reader) can open the store file without trackright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .vocabulary import (  # noqa: F401 - the model speaks the shared vocabulary
    CAPTURES,
    DESTROYED,
    DISPOSITION,
    IN_STOCK,
    INSPECTING,
    METHODS,
    QUARANTINED,
    RECALLED,
    RETURN_REASONS,
    RETURNED,
    SHIPPED,
    STATUSES,
    VERDICT_STATUS,
    VERDICTS,
)


def _date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class PolicySnapshot:
    """A SKU's tracking decision as the advisor made it, frozen at import time."""

    sku: str
    method: str
    capture: tuple[str, ...] = ()
    rule: str = ""
    reason: str = ""
    rulebook_version: str = ""
    vertical: str = ""
    return_qc: bool = False
    gtin: str = ""

    def to_doc(self) -> dict:
        return {
            "sku": self.sku,
            "method": self.method,
            "capture": list(self.capture),
            "rule": self.rule,
            "reason": self.reason,
            "rulebook_version": self.rulebook_version,
            "vertical": self.vertical,
            "return_qc": self.return_qc,
            "gtin": self.gtin,
        }

    @classmethod
    def from_doc(cls, d: dict) -> PolicySnapshot:
        return cls(
            sku=d["sku"],
            method=d["method"],
            capture=tuple(d.get("capture", ())),
            rule=d.get("rule", ""),
            reason=d.get("reason", ""),
            rulebook_version=d.get("rulebook_version", ""),
            vertical=d.get("vertical", ""),
            return_qc=bool(d.get("return_qc", False)),
            gtin=d.get("gtin", ""),
        )


@dataclass(frozen=True, slots=True)
class Unit:
    """One serialised or LPN-labelled item; `order` is the order it last shipped on."""

    id: str
    sku: str
    method: str
    status: str
    location: str
    lot: str | None = None
    order: str | None = None
    orders: tuple[str, ...] = ()
    returned_on: tuple[str, ...] = ()
    returns: int = 0
    flags: tuple[str, ...] = ()
    foreign: bool = False

    @classmethod
    def from_doc(cls, d: dict) -> Unit:
        return cls(
            id=d["id"],
            sku=d["sku"],
            method=d["method"],
            status=d["status"],
            location=d["location"],
            lot=d.get("lot"),
            order=d.get("order"),
            orders=tuple(d.get("orders", ())),
            returned_on=tuple(d.get("returned_on", ())),
            returns=int(d.get("returns", 0)),
            flags=tuple(d.get("flags", ())),
            foreign=bool(d.get("foreign", False)),
        )


@dataclass(frozen=True, slots=True)
class Lot:
    """A production lot; for batch SKUs it also carries quantities by location and status."""

    sku: str
    lot: str
    method: str
    mfg: date | None = None
    expiry: date | None = None
    recalled: bool = False
    received: int = 0
    quantities: tuple[tuple[str, str, int], ...] = ()  # (location, status, qty), qty > 0

    def qty(self, status: str, location: str | None = None) -> int:
        return sum(q for loc, st, q in self.quantities if st == status and location in (None, loc))

    def expired(self, today: date) -> bool:
        return self.expiry is not None and self.expiry < today

    @classmethod
    def from_doc(cls, d: dict) -> Lot:
        quantities = tuple(
            (loc, st, int(q))
            for loc, by_status in sorted(d.get("qty", {}).items())
            for st, q in sorted(by_status.items())
            if q
        )
        return cls(
            sku=d["sku"],
            lot=d["lot"],
            method=d["method"],
            mfg=_date(d.get("mfg")),
            expiry=_date(d.get("expiry")),
            recalled=bool(d.get("recalled", False)),
            received=int(d.get("received", 0)),
            quantities=quantities,
        )


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One thing that left on an order: a unit (`id`) or a quantity of a lot."""

    sku: str
    qty: int
    location: str
    id: str | None = None
    lot: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """A shipped order and what went out (and came back) on it."""

    order_id: str
    shipped_at: str
    lines: tuple[tuple[str, int], ...]
    items: tuple[OrderItem, ...]
    returned: tuple[OrderItem, ...] = ()

    @classmethod
    def from_doc(cls, d: dict) -> Order:
        return cls(
            order_id=d["order_id"],
            shipped_at=d["shipped_at"],
            lines=tuple((s, int(q)) for s, q in d["lines"]),
            items=tuple(OrderItem(**i) for i in d["items"]),
            returned=tuple(OrderItem(**i) for i in d.get("returned", ())),
        )


@dataclass(frozen=True, slots=True)
class QtyMove:
    """A class-level (lot quantity) change carried by an event."""

    sku: str
    lot: str
    location: str
    qty: int
    from_status: str | None
    to_status: str


@dataclass(frozen=True, slots=True)
class Event:
    """One EPCIS-style ObjectEvent in the append-only ledger.

    `status` is the tracker status every id in `ids` has after the event; `moves` are lot-quantity
    changes. Replaying events in order reproduces every unit's status and every lot's quantities.
    """

    event_id: str
    op_id: str
    op: str
    time: str
    action: str
    biz_step: str
    disposition: str
    status: str | None = None
    ids: tuple[str, ...] = ()
    moves: tuple[QtyMove, ...] = ()
    sku: str | None = None
    location: str | None = None
    order: str | None = None
    reason: str | None = None
    rule: str | None = None
    rulebook_version: str | None = None
    persistent_set: tuple[str, ...] = ()
    persistent_unset: tuple[str, ...] = ()
    ilmd: tuple[tuple[str, str], ...] = ()

    def to_doc(self) -> dict:
        return {
            "event_id": self.event_id,
            "op_id": self.op_id,
            "op": self.op,
            "time": self.time,
            "action": self.action,
            "biz_step": self.biz_step,
            "disposition": self.disposition,
            "status": self.status,
            "ids": list(self.ids),
            "moves": [
                {
                    "sku": m.sku,
                    "lot": m.lot,
                    "location": m.location,
                    "qty": m.qty,
                    "from": m.from_status,
                    "to": m.to_status,
                }
                for m in self.moves
            ],
            "sku": self.sku,
            "location": self.location,
            "order": self.order,
            "reason": self.reason,
            "rule": self.rule,
            "rulebook_version": self.rulebook_version,
            "persistent": {"set": list(self.persistent_set), "unset": list(self.persistent_unset)},
            "ilmd": dict(self.ilmd),
        }

    @classmethod
    def from_doc(cls, d: dict) -> Event:
        persistent = d.get("persistent") or {}
        return cls(
            event_id=d["event_id"],
            op_id=d["op_id"],
            op=d["op"],
            time=d["time"],
            action=d["action"],
            biz_step=d["biz_step"],
            disposition=d["disposition"],
            status=d.get("status"),
            ids=tuple(d.get("ids", ())),
            moves=tuple(
                QtyMove(m["sku"], m["lot"], m["location"], int(m["qty"]), m["from"], m["to"])
                for m in d.get("moves", ())
            ),
            sku=d.get("sku"),
            location=d.get("location"),
            order=d.get("order"),
            reason=d.get("reason"),
            rule=d.get("rule"),
            rulebook_version=d.get("rulebook_version"),
            persistent_set=tuple(persistent.get("set", ())),
            persistent_unset=tuple(persistent.get("unset", ())),
            ilmd=tuple(sorted((d.get("ilmd") or {}).items())),
        )


@dataclass(frozen=True, slots=True)
class ReturnFacts:
    """What the returns rulebook is told about one returned item (typed, never coerced)."""

    id_known: bool
    ever_shipped: bool
    shipped_on_this_order: bool
    already_returned_on_this_order: bool
    lot_recalled: bool
    lot_expired: bool
    return_requires_qc: bool
    return_count: int
    reason: str
    method: str

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The returns rulebook's answer: what to do with the item, and which rule said so."""

    verdict: str
    flag: str | None
    rule: str
    reason: str
    rulebook_version: str = ""


@dataclass(frozen=True, slots=True)
class ReceiveResult:
    """What a receive put into stock."""

    sku: str
    method: str
    location: str
    ids: tuple[str, ...] = ()
    lot: str | None = None
    qty: int = 0


@dataclass(frozen=True, slots=True)
class ShipResult:
    """Which unit or lot quantity went out on the order."""

    order_id: str
    items: tuple[OrderItem, ...]


@dataclass(frozen=True, slots=True)
class ReturnResult:
    """A processed return: the facts, the verdict and the item's status afterwards."""

    order_id: str
    identifier: str
    sku: str
    facts: ReturnFacts
    verdict: Verdict
    status: str | None
    qty: int = 1
    lot: str | None = None


@dataclass(frozen=True, slots=True)
class RecallRow:
    """One line of a recall report: where one unit (or lot quantity) was and what happened to it."""

    sku: str
    lot: str
    qty: int
    status_before: str
    status_after: str
    location: str
    id: str | None = None
    order: str | None = None
    action: str = ""


@dataclass(frozen=True, slots=True)
class RecallReport:
    """Everything of the recalled lots: what was pulled from stock and which orders to contact."""

    lots: tuple[tuple[str, str], ...]
    rows: tuple[RecallRow, ...]
    orders_to_contact: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Trace:
    """The history of a unit, lot or order, with where everything is now."""

    kind: str
    key: str
    events: tuple[Event, ...]
    units: tuple[Unit, ...] = ()
    lot: Lot | None = None
    order: Order | None = None


@dataclass(frozen=True, slots=True)
class SkuReturns:
    """Return figures for one SKU."""

    sku: str
    shipped: int
    returned: int

    @property
    def rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0


@dataclass(frozen=True, slots=True)
class Stats:
    """Stock by status and location, returns per SKU, repeat returners and suspects."""

    stock: tuple[tuple[str, str, str, int], ...]  # (sku, location, status, qty)
    returns: tuple[SkuReturns, ...]
    repeat_returners: tuple[Unit, ...]
    suspects: tuple[Unit, ...]
    counts: dict[str, int] = field(default_factory=dict)
