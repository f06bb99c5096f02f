"""What the tracker's operations hand back: a receipt, a shipment, a return's verdict, a recall, a trace, stats.

Typed `NamedTuple`s, as the stored records of `tracker.model` are (for the same start-up cost,
and, as there, with evaluated annotations: only those naming a record of `tracker.model`, which
imports this module, are strings); they are never stored, only shown and returned.
`tracker.model` re-exports them.
"""

from typing import TYPE_CHECKING, NamedTuple

from tracker.vocabulary import DESTROYED, IN_STOCK, SHIPPED

if TYPE_CHECKING:
    from tracker.model import Event, Lot, Order, OrderItem, Suspect, Unit


class ReturnFacts(NamedTuple):
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
        return dict(self._asdict())


class Verdict(NamedTuple):
    """The returns rulebook's answer: what to do with the item, and which rule said so."""

    verdict: str
    flag: str | None
    rule: str
    reason: str
    rulebook_version: str = ""


class ReceiveResult(NamedTuple):
    """What a receive put into stock."""

    sku: str
    method: str
    location: str
    ids: tuple[str, ...] = ()
    lot: str | None = None
    qty: int = 0


class ShipResult(NamedTuple):
    """Which unit or lot quantity went out on the order."""

    order_id: str
    items: "tuple[OrderItem, ...]"


class ReturnResult(NamedTuple):
    """A processed return: the facts, the verdict and the item's status afterwards."""

    order_id: str
    identifier: str
    sku: str
    facts: ReturnFacts
    verdict: Verdict
    status: str | None
    qty: int = 1
    lot: str | None = None
    suspect: bool = False


class RecallRow(NamedTuple):
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


class RecallReport(NamedTuple):
    """Everything of the recalled lots: what was pulled from stock and which orders to contact."""

    lots: tuple[tuple[str, str], ...]
    rows: tuple[RecallRow, ...]
    orders_to_contact: tuple[str, ...]


class Trace(NamedTuple):
    """The history of a unit, lot or order, with where everything is now."""

    kind: str
    key: str
    events: "tuple[Event, ...]"
    units: "tuple[Unit, ...]" = ()
    lot: "Lot | None" = None
    order: "Order | None" = None
    suspects: "tuple[Suspect, ...]" = ()


class SkuReturns(NamedTuple):
    """Return figures for one SKU."""

    sku: str
    shipped: int
    returned: int

    @property
    def rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0


class WarehouseStock(NamedTuple):
    """One warehouse at a glance: what can be sold, what is held back, what left from it.

    `held` is stock on the premises that may not be sold (returned and not yet decided,
    inspecting, quarantined, recalled); units and lot quantities count alike.
    """

    location: str
    sellable: int
    held: int
    shipped: int
    destroyed: int
    skus: int  # SKUs with stock on hand (sellable or held) there

    @property
    def on_hand(self) -> int:
        return self.sellable + self.held

    def cells(self) -> tuple[str, ...]:
        """The row both faces show under `WAREHOUSE_COLUMNS`."""
        figures = (self.sellable, self.held, self.on_hand, self.shipped, self.destroyed)
        return (self.location, *(f"{n:,}" for n in figures), str(self.skus))


#: The per-warehouse table of `track stats` and of the desk's dashboard.
WAREHOUSE_COLUMNS = ("warehouse", "sellable", "held", "on hand", "shipped", "destroyed", "SKUs")


class Stats(NamedTuple):
    """Stock by status and location, returns per SKU, repeat returners and suspects.

    `warehouse` is the one warehouse the figures were limited to, None for all of them (the
    return rates per SKU and the counts are always the whole store's).
    """

    stock: tuple[tuple[str, str, str, int], ...]  # (sku, location, status, qty)
    returns: tuple[SkuReturns, ...]
    repeat_returners: "tuple[Unit, ...]"
    suspects: "tuple[Unit | Suspect, ...]"
    counts: dict[str, int] = {}  # noqa: RUF012 - always given by stats()
    warehouse: str | None = None

    @property
    def warehouses(self) -> tuple[WarehouseStock, ...]:
        """The stock figures of each warehouse, by name."""
        figures: dict[str, dict[str, int]] = {}
        skus: dict[str, set[str]] = {}
        for sku, location, status, qty in self.stock:
            by_status = figures.setdefault(location, {})
            by_status[status] = by_status.get(status, 0) + qty
            if status not in (SHIPPED, DESTROYED):
                skus.setdefault(location, set()).add(sku)
        return tuple(
            WarehouseStock(
                location,
                sellable=f.get(IN_STOCK, 0),
                held=sum(n for st, n in f.items() if st not in (IN_STOCK, SHIPPED, DESTROYED)),
                shipped=f.get(SHIPPED, 0),
                destroyed=f.get(DESTROYED, 0),
                skus=len(skus.get(location, ())),
            )
            for location, f in sorted(figures.items())
        )


__all__ = [
    "RecallReport",
    "RecallRow",
    "ReceiveResult",
    "ReturnFacts",
    "ReturnResult",
    "ShipResult",
    "SkuReturns",
    "Stats",
    "Trace",
    "Verdict",
    "WAREHOUSE_COLUMNS",
    "WarehouseStock",
]
