"""The ledger as a GS1 EPCIS 2.0 JSON-LD document: one ObjectEvent per ledger event and location.

The ledger is already EPCIS-shaped (CBV 2.0 business steps and dispositions, ADD / OBSERVE /
DELETE, persistent dispositions, ILMD at receipt), so this module only names things the way
EPCIS 2.0's JSON binding wants them:

* **what** — serials as SGTIN EPC URIs (``urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial``)
  when the SKU's GTIN and its GS1 company prefix are known (`company_prefixes`), else as GS1
  Digital Link URIs (``https://id.gs1.org/01/<GTIN>/21/<serial>``), which EPCIS 2.0 accepts
  wherever an EPC is expected. Lot quantities go in ``quantityList`` with the lot's LGTIN
  (``urn:epc:class:lgtin:…``) or Digital Link class (``…/01/<GTIN>/10/<lot>``). LPNs, serials of
  SKUs without a GTIN, and units handed in that the store never knew get our own URIs;
* **where** — ``readPoint`` is the location of the event; ``bizLocation`` is the same except after
  shipping, departing and destroying, where the objects are no longer there (a transfer's
  ``arriving`` event at the other warehouse gives the new bizLocation). A ledger event whose lot
  quantities came from several locations becomes one EPCIS event per location. A transfer
  between warehouses (``departing`` at one, ``arriving`` at the other, one operation) names both
  ends on both events as CBV ``location`` source and destination;
* **why** — ``bizStep`` / ``disposition`` as recorded; ``persistentDisposition`` set / unset
  (the verdict flags that are not CBV words, such as ``swap_suspect``, as our vocabulary URIs);
  the order as a ``po`` business transaction, and a return as an ``rma`` too (its id is the
  return operation's id); lot number, expiry and manufacture date as CBV master data in ``ilmd``,
  which EPCIS allows only on ADD events;
* **ours** — the operation, the tracker status, the reason and the deciding rule as extension
  fields in the ``trackright:`` namespace.

Our own URIs (documented in README): instances, lots, locations and orders live under `base_uri`
(default ``https://trackright.invalid/`` — ``.invalid`` never resolves, so a brand should pass its
own domain), as ``unit/<id>``, ``lot/<sku>/<lot>``, ``loc/<location>``, ``order/<id>``,
``return/<op id>``; our vocabulary (extension fields, flag dispositions) is
``https://trackright.invalid/voc/``, whatever the base.

No AggregationEvent is written: the ledger has no containers (an LPN labels one unit, not a
carton), so nothing was packed into anything. Carton LPNs would map to packing / unpacking
AggregationEvents when they exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from .errors import InputError
from .model import Event, PolicySnapshot, QtyMove, Unit
from .printing.content import CSET82, DIGITAL_LINK_HOST

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
VOCAB = "https://trackright.invalid/voc/"
DEFAULT_BASE = "https://trackright.invalid/"
#: Every CBV 2.0 disposition; a persistent disposition outside it is written as our vocabulary URI.
CBV_DISPOSITIONS = frozenset(
    "active available completeness_inferred completeness_verified conformant container_closed "
    "container_open damaged destroyed dispensed disposed encoded expired in_progress in_transit "
    "inactive mismatch_class mismatch_instance mismatch_quantity needs_replacement "
    "no_pedigree_match non_conformant non_sellable_other partially_dispensed recalled reserved "
    "retail_sold returned sellable_accessible sellable_not_accessible stolen unavailable "
    "unknown".split()
)
_EVENT_NS = uuid.UUID("5f0c6a54-1f5e-4d53-9a51-7f1c3b7b2a10")
#: The ledger's business steps after which the objects are no longer at the event's location.
_LEAVING = frozenset({"shipping", "departing"})
#: Characters an EPC URI writes as %-escapes (GS1 Tag Data Standard, section on URI encoding).
_EPC_ESCAPES = {'"': "%22", "%": "%25", "&": "%26", "/": "%2F", "<": "%3C", ">": "%3E", "?": "%3F"}


def check_base_uri(base_uri: str) -> str:
    """`base_uri` ending in ``/``, if it can prefix identifiers: an absolute http(s) URI with a host.

    Every id we mint is this plus a %-escaped path, so a base that is not such a URI would make
    every event of the document invalid EPCIS; say so before writing anything.
    """
    parts = urlsplit(base_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError(
            f"--base-uri {base_uri!r}: expected an absolute web address such as "
            "https://id.yourbrand.example/ (your ids are written under it)"
        )
    return base_uri if base_uri.endswith("/") else base_uri + "/"


def _gs1_text(value: str) -> bool:
    return 0 < len(value) <= 20 and all(c in CSET82 for c in value)


def _epc_escape(value: str) -> str:
    return "".join(_EPC_ESCAPES.get(c, c) for c in value)


class Namer:
    """Turns the ledger's identifiers into EPCIS URIs, GS1 where the data allows, ours otherwise."""

    def __init__(
        self,
        policies: Mapping[str, PolicySnapshot],
        units: Mapping[str, Unit],
        *,
        base_uri: str = DEFAULT_BASE,
        company_prefixes: Sequence[str] = (),
    ) -> None:
        self.policies = policies
        self.units = units
        self.base = check_base_uri(base_uri)
        self.prefixes = sorted(company_prefixes, key=len, reverse=True)

    def ours(self, *parts: str) -> str:
        return self.base + "/".join(quote(p, safe="") for p in parts)

    def _gtin(self, sku: str | None) -> str | None:
        policy = self.policies.get(sku or "")
        gtin = (policy.gtin if policy else "").strip()
        return gtin.zfill(14) if gtin.isdigit() and len(gtin) in (8, 12, 13, 14) else None

    def _split(self, gtin: str) -> tuple[str, str] | None:
        """(company prefix, indicator + item reference) of a GTIN-14, if its prefix is known."""
        body = gtin[1:13]
        for prefix in self.prefixes:
            if body.startswith(prefix):
                return prefix, gtin[0] + body[len(prefix) :]
        return None

    def instance(self, ident: str) -> str:
        """A unit's EPC: SGTIN or Digital Link for a serial of a GTIN SKU, else ours."""
        unit = self.units.get(ident)
        if unit is None:
            return self.ours("unit", ident)
        serial = unit.id  # the key may be GTIN-qualified; the EPC carries the serial itself
        gtin = unit.gtin.zfill(14) if unit.gtin else self._gtin(unit.sku)
        if unit.method != "serial" or gtin is None or not _gs1_text(serial):
            return self.ours("unit", unit.key)  # GTIN-qualified, if the unit has one: unique
        split = self._split(gtin)
        if split:
            return f"urn:epc:id:sgtin:{split[0]}.{split[1]}.{_epc_escape(serial)}"
        return f"{DIGITAL_LINK_HOST}/01/{gtin}/21/{quote(serial, safe='')}"

    def lot_class(self, sku: str, lot: str | None) -> str:
        """A lot's EPC class: LGTIN or Digital Link when the SKU has a GTIN, else ours."""
        gtin = self._gtin(sku)
        if gtin is None or lot is None or not _gs1_text(lot):
            return self.ours("lot", sku, lot) if lot else self.ours("sku", sku)
        split = self._split(gtin)
        if split:
            return f"urn:epc:class:lgtin:{split[0]}.{split[1]}.{_epc_escape(lot)}"
        return f"{DIGITAL_LINK_HOST}/01/{gtin}/10/{quote(lot, safe='')}"


def _event_time(time: str) -> tuple[str, str]:
    """(eventTime, eventTimeZoneOffset): RFC 3339 with the offset it was recorded in.

    The tracker records aware times; one recorded without an offset (a caller's naive clock)
    is taken as UTC rather than written as a time EPCIS cannot place.
    """
    when = datetime.fromisoformat(time)
    if when.utcoffset() is None:
        when = when.replace(tzinfo=UTC)
        time = when.isoformat(timespec="milliseconds")
    minutes = int(when.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return time, f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _event_uuid(ledger_id: str, location: str | None) -> uuid.UUID:
    """The ledger's own UUID, or one derived from it for each location of a split event."""
    if location is None:
        try:
            return uuid.UUID(hex=ledger_id)
        except ValueError:
            pass
    return uuid.uuid5(_EVENT_NS, f"{ledger_id}/{location or ''}")


def _quantities(namer: Namer, moves: Iterable[QtyMove]) -> list[dict]:
    totals: dict[str, int] = {}
    for m in moves:
        key = namer.lot_class(m.sku, m.lot)
        totals[key] = totals.get(key, 0) + m.qty
    return [{"epcClass": k, "quantity": q} for k, q in totals.items()]


def _ilmd(event: Event) -> dict[str, str]:
    ilmd = dict(event.ilmd)
    names = {"lot": "lotNumber", "expiry": "itemExpirationDate", "mfg": "productionDate"}
    return {f"cbvmda:{names[k]}": v for k, v in sorted(ilmd.items()) if k in names and v}


def _disposition(value: str) -> str:
    return value if value in CBV_DISPOSITIONS else f"{VOCAB}disposition/{quote(value, safe='')}"


def transfer_routes(events: Iterable[Event]) -> dict[str, tuple[str | None, str | None]]:
    """(from, to) of each transfer operation, by op id, read from its departing / arriving events."""
    routes: dict[str, tuple[str | None, str | None]] = {}
    for e in events:
        if e.op == "transfer" and e.biz_step in ("departing", "arriving"):
            origin, target = routes.get(e.op_id, (None, None))
            if e.biz_step == "departing":
                origin = e.location
            else:
                target = e.location
            routes[e.op_id] = (origin, target)
    return routes


def _route(doc: dict, namer: Namer, route: tuple[str | None, str | None]) -> None:
    origin, target = route
    if origin:
        doc["sourceList"] = [{"type": "location", "source": namer.ours("loc", origin)}]
    if target:
        doc["destinationList"] = [{"type": "location", "destination": namer.ours("loc", target)}]


def epcis_events(
    event: Event, namer: Namer, route: tuple[str | None, str | None] | None = None
) -> list[dict]:
    """The EPCIS ObjectEvents of one ledger event: one, or one per location its moves touch.

    `route` is the (from, to) of the transfer the event belongs to (`transfer_routes`).
    """
    ids = list(event.ids)
    if not ids and not event.moves and event.suspect:
        # a suspect unit lives apart from stock: name what was handed in (its serial), as ours
        ids = [event.suspect.rpartition("(21)")[2] if "(21)" in event.suspect else event.suspect]
    groups: dict[str | None, tuple[list[str], list[QtyMove]]] = {event.location: (ids, [])}
    for m in event.moves:
        groups.setdefault(m.location, ([], []))[1].append(m)
    if len(groups) > 1 and not groups[event.location][0] and not groups[event.location][1]:
        del groups[event.location]
    out = []
    for location, (ids, moves) in groups.items():
        event_id = _event_uuid(event.event_id, location if len(groups) > 1 else None)
        time, offset = _event_time(event.time)
        doc: dict[str, object] = {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:{event_id}",
            "eventTime": time,
            "eventTimeZoneOffset": offset,
            "action": event.action,
            "bizStep": event.biz_step,
            "disposition": event.disposition,
        }
        epcs = list(dict.fromkeys(namer.instance(i) for i in ids))
        quantities = _quantities(namer, moves)
        if not quantities and not ids and event.sku:
            lot = dict(event.ilmd).get("lot")
            quantities = [{"epcClass": namer.lot_class(event.sku, lot)}]
        if epcs or not quantities:
            doc["epcList"] = epcs  # an empty list says "nothing observed" when there are no lots
        if quantities:
            doc["quantityList"] = quantities
        if location:
            doc["readPoint"] = {"id": namer.ours("loc", location)}
            if event.biz_step not in _LEAVING and event.action != "DELETE":
                doc["bizLocation"] = {"id": namer.ours("loc", location)}
        transactions = []
        if event.order:
            transactions.append({"type": "po", "bizTransaction": namer.ours("order", event.order)})
        if event.op in ("return", "return-verdict"):
            transactions.append(
                {"type": "rma", "bizTransaction": namer.ours("return", event.op_id)}
            )
        if transactions:
            doc["bizTransactionList"] = transactions
        if route is not None:
            _route(doc, namer, route)
        persistent = {}
        if event.persistent_set:
            persistent["set"] = list(dict.fromkeys(_disposition(v) for v in event.persistent_set))
        if event.persistent_unset:
            persistent["unset"] = list(
                dict.fromkeys(_disposition(v) for v in event.persistent_unset)
            )
        if persistent:
            doc["persistentDisposition"] = persistent
        ilmd = _ilmd(event) if event.action == "ADD" else {}
        if ilmd:
            doc["ilmd"] = ilmd
        doc["trackright:op"] = event.op
        doc["trackright:opID"] = event.op_id
        if event.status:
            doc["trackright:status"] = event.status
        for key, value in (
            ("reason", event.reason),
            ("rule", event.rule),
            ("rulebookVersion", event.rulebook_version),
        ):
            if value:
                doc[f"trackright:{key}"] = value
        out.append(doc)
    return out


def epcis_document(
    events: Iterable[Event],
    *,
    policies: Mapping[str, PolicySnapshot],
    units: Mapping[str, Unit],
    created: datetime,
    base_uri: str = DEFAULT_BASE,
    company_prefixes: Sequence[str] = (),
) -> dict:
    """An EPCISDocument (JSON-LD, schema version 2.0) holding the events, oldest first."""
    namer = Namer(policies, units, base_uri=base_uri, company_prefixes=company_prefixes)
    events = list(events)
    routes = transfer_routes(events)
    event_list = [doc for e in events for doc in epcis_events(e, namer, routes.get(e.op_id))]
    return {
        "@context": [EPCIS_CONTEXT, {"trackright": VOCAB}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": event_list},
    }
