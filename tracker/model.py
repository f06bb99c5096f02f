"""The tracker's domain records: what the store holds (policies, units, lots, orders, events).

Every record is an immutable, typed `NamedTuple` (change a copy with `unit._replace(status=…)`);
`to_doc()` / `from_doc()` convert to the plain JSON documents the TinyDB store keeps. Typed
tuples rather than frozen dataclasses on purpose, as `advisor.catalog.records.SkuRecord`: each
dataclass costs over a millisecond to define, and a `trackright track` command pays for every
definition at start-up within a 200 ms budget; a NamedTuple costs a fifth of that. For the same
reason this module (and `tracker.results`) does without ``from __future__ import annotations``:
`typing.NamedTuple` compiles every annotation given as a string into a forward reference, which
was half the cost of defining each class; written as evaluated types they cost next to nothing.
"""

from datetime import date
from typing import NamedTuple, Self

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
    VERDICT_STATUS,
    VERDICTS,
)


def _date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class PolicySnapshot(NamedTuple):
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
    nature: str = ""

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
            "nature": self.nature,
        }

    @classmethod
    def from_doc(cls, d: dict) -> Self:
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
            nature=d.get("nature", ""),
        )


class Unit(NamedTuple):
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
    gtin: str = ""

    @property
    def key(self) -> str:
        """The store key: the serial, GTIN-qualified when the unit has a GTIN (GS1 SGTIN)."""
        return f"(01){self.gtin}(21){self.id}" if self.gtin else self.id

    def to_doc(self) -> dict:
        return {
            "id": self.id,
            "gtin": self.gtin,
            "sku": self.sku,
            "method": self.method,
            "status": self.status,
            "location": self.location,
            "lot": self.lot,
            "order": self.order,
            "orders": list(self.orders),
            "returned_on": list(self.returned_on),
            "returns": self.returns,
            "flags": list(self.flags),
        }

    @classmethod
    def from_doc(cls, d: dict) -> Self:
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
            gtin=d.get("gtin") or "",
        )


class Suspect(NamedTuple):
    """An item handed in as a return that is not ours: kept apart from stock, never sold.

    `kind` is "unit" (an unknown serial / LPN, or a serial under another GTIN) or "lot" (an
    unknown SKU:LOT, with `qty`). A genuine unit or lot with the same identifier is unaffected.
    """

    key: str
    id: str
    kind: str
    sku: str
    status: str
    location: str
    gtin: str = ""
    lot: str | None = None
    qty: int = 1
    returns: int = 0
    returned_on: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    released_as: str | None = None

    def to_doc(self) -> dict:
        return {
            "key": self.key,
            "id": self.id,
            "kind": self.kind,
            "sku": self.sku,
            "status": self.status,
            "location": self.location,
            "gtin": self.gtin,
            "lot": self.lot,
            "qty": self.qty,
            "returns": self.returns,
            "returned_on": list(self.returned_on),
            "flags": list(self.flags),
            "released_as": self.released_as,
        }

    @classmethod
    def from_doc(cls, d: dict) -> Self:
        return cls(
            key=d["key"],
            id=d["id"],
            kind=d["kind"],
            sku=d["sku"],
            status=d["status"],
            location=d["location"],
            gtin=d.get("gtin") or "",
            lot=d.get("lot"),
            qty=int(d.get("qty", 1)),
            returns=int(d.get("returns", 0)),
            returned_on=tuple(d.get("returned_on", ())),
            flags=tuple(d.get("flags", ())),
            released_as=d.get("released_as"),
        )


class Lot(NamedTuple):
    """A production lot; for batch SKUs it also carries quantities by location and status."""

    sku: str
    lot: str
    method: str
    mfg: date | None = None
    expiry: date | None = None
    recalled: bool = False
    received: int = 0
    quantities: tuple[tuple[str, str, int], ...] = ()  # (location, status, qty), qty > 0
    received_at: str = ""
    shipped_total: int = 0

    def qty(self, status: str, location: str | None = None) -> int:
        return sum(q for loc, st, q in self.quantities if st == status and location in (None, loc))

    def expired(self, today: date) -> bool:
        return self.expiry is not None and self.expiry < today

    def qty_map(self) -> dict[str, dict[str, int]]:
        """Quantities as {location: {status: qty}} (a fresh dict to change)."""
        out: dict[str, dict[str, int]] = {}
        for loc, st, q in self.quantities:
            out.setdefault(loc, {})[st] = q
        return out

    def to_doc(self) -> dict:
        return {
            "sku": self.sku,
            "lot": self.lot,
            "method": self.method,
            "mfg": _iso(self.mfg),
            "expiry": _iso(self.expiry),
            "recalled": self.recalled,
            "received": self.received,
            "received_at": self.received_at,
            "shipped_total": self.shipped_total,
            "qty": self.qty_map(),
        }

    @classmethod
    def from_doc(cls, d: dict) -> Self:
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
            received_at=d.get("received_at") or "",
            shipped_total=int(d.get("shipped_total", 0)),
        )


class OrderItem(NamedTuple):
    """One thing that left on an order: a unit (`id`) or a quantity of a lot."""

    sku: str
    qty: int
    location: str
    id: str | None = None
    lot: str | None = None
    gtin: str = ""

    def to_doc(self) -> dict:
        return {
            "sku": self.sku,
            "qty": self.qty,
            "location": self.location,
            "id": self.id,
            "lot": self.lot,
            "gtin": self.gtin,
        }


class Order(NamedTuple):
    """A shipped order and what went out (and came back) on it.

    `channel` is where the order was sold (a shop export's source: web, pos, a marketplace), so
    the returns analytics can say where fakes and swaps come from; empty when nobody said.
    """

    order_id: str
    shipped_at: str
    lines: tuple[tuple[str, int], ...]
    items: tuple[OrderItem, ...]
    returned: tuple[OrderItem, ...] = ()
    channel: str = ""

    def to_doc(self) -> dict:
        doc = {
            "order_id": self.order_id,
            "shipped_at": self.shipped_at,
            "lines": [[s, q] for s, q in self.lines],
            "items": [i.to_doc() for i in self.items],
            "returned": [i.to_doc() for i in self.returned],
        }
        if self.channel:
            doc["channel"] = self.channel
        return doc

    @classmethod
    def from_doc(cls, d: dict) -> Self:
        return cls(
            order_id=d["order_id"],
            shipped_at=d["shipped_at"],
            lines=tuple((s, int(q)) for s, q in d["lines"]),
            items=tuple(OrderItem(**i) for i in d["items"]),
            returned=tuple(OrderItem(**i) for i in d.get("returned", ())),
            channel=d.get("channel") or "",
        )


class QtyMove(NamedTuple):
    """A class-level (lot quantity) change carried by an event, at one location.

    `from_status` None: the quantity arrived there (received, or transferred in); `to_status`
    None: it left there (transferred out to another warehouse).
    """

    sku: str
    lot: str
    location: str
    qty: int
    from_status: str | None
    to_status: str | None


class Event(NamedTuple):
    """One EPCIS-style ObjectEvent in the append-only ledger.

    `status` is the tracker status every id in `ids` has after the event; `moves` are lot-quantity
    changes. Replaying events in order reproduces every unit's status and every lot's quantities.
    `source` names the import line the operation applied (`tracker.imports`), None at the desk:
    finding it on an order's events is what makes importing the same file twice change nothing.
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
    suspect: str | None = None
    seq: int = 0
    source: str | None = None

    def to_doc(self) -> dict:
        doc = {
            "seq": self.seq,
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
            "suspect": self.suspect,
        }
        if self.source:
            doc["source"] = self.source
        return doc

    @classmethod
    def from_doc(cls, d: dict) -> Self:
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
            suspect=d.get("suspect"),
            seq=int(d.get("seq", 0)),
            source=d.get("source"),
        )


# What operations hand back lives in its own module; importable from here as before.
from tracker.results import (  # noqa: E402, F401
    RecallReport,
    RecallRow,
    ReceiveResult,
    ReturnFacts,
    ReturnResult,
    ShipResult,
    SkuReturns,
    Stats,
    Trace,
    Verdict,
)
