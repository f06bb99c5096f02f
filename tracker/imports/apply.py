"""Applying an import: each order becomes the desk's `ship`, each returned item its `return`.

The operations are the tracker's own (`Tracker.ship`, `Tracker.process_return`), so a line gets
exactly the refusals and verdicts the desk gives. Each carries the line's key (`source`) onto
its events; the operation refuses a key already on the order's events inside its own
transaction (`AlreadyAppliedError`), which is what makes a second run — or a second process
importing the same file at the same moment — change nothing (on a server store, a line whose
order the other process was creating at that instant is tried again, and then finds the key:
`again`). Before any of that, the keys of
the whole file are looked up at once in the store's index of import keys (`imported`): a line
found there is unchanged without opening its order at all, so a re-run costs one read instead
of one per order. The index only ever grows with the ledger, so what it holds is applied; what
it lacks still meets the exact check inside the operation.

Lines are committed in batches (a store's `bulk`, at most `BATCH_SECONDS` of work each), so a
100,000-line file is not 100,000 synced commits, and a desk waiting for the store waits at most
that long. A refused line inside a batch leaves nothing behind (a savepoint). A dry run runs
every line in one transaction that is then dropped: it sees each line's effect on the next
(stock running out, FEFO) and records nothing, holding the store for its length.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from ..errors import AlreadyAppliedError, ConcurrentChangeError, InputError, RefusedError
from ..model import ReturnResult, ShipResult
from ..operations import Tracker, VerdictFn
from ..operations.common import already_applied
from ..store import Store, StoreReader
from .records import (
    APPLIED,
    REJECTED,
    SKIPPED,
    UNCHANGED,
    LineResult,
    OrderLine,
    ReturnLine,
)

#: Most seconds of work one commit holds the store for (other writers wait for it, and then
#: for the commit, which costs about as much again: each new order appends to its partition).
BATCH_SECONDS = 0.5
#: Pause between batches, so that a desk (or a second import) waiting for the store gets it.
BATCH_PAUSE = 0.005
#: Tries of one line's operation while another process records the same order at that moment.
TRIES = 5

T = TypeVar("T")


def again(operation: Callable[[], T]) -> T:
    """`operation()`, tried again when another process created the same record at the same
    moment (`ConcurrentChangeError`, a server store's): nothing was recorded, and the next try
    sees what the other recorded — the same import key, say, which makes the line unchanged."""
    for _ in range(TRIES - 1):
        try:
            return operation()
        except ConcurrentChangeError:
            time.sleep(BATCH_PAUSE)
    return operation()


class _Rehearsed(Exception):
    """Raised at the end of a dry run so that its transaction is dropped, never committed."""


def run_batched(
    store: Store, jobs: Iterable[Callable[[], None]], *, op: str, dry_run: bool
) -> None:
    """Run `jobs` (each one line's operation) in batches of one commit each, or as a dry run."""
    bulk = getattr(store, "bulk", None)
    if dry_run:
        if bulk is None:
            raise InputError("this store cannot rehearse an import: run it without --dry-run")
        with suppress(_Rehearsed), bulk(f"{op} (dry run)"):
            for job in jobs:
                job()
            raise _Rehearsed
        return
    it = iter(jobs)
    if bulk is None:
        for job in it:
            job()
        return
    more = True
    while more:
        more = False
        time.sleep(BATCH_PAUSE)
        with bulk(op):
            start = time.monotonic()
            for job in it:
                job()
                if time.monotonic() - start > BATCH_SECONDS:
                    more = True
                    break


def applied_before(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """The import keys among `keys` that the store's ledger already holds, with their days."""
    keys = list(keys)
    if not keys:
        return {}
    with store.reader() as r:
        return r.imported(keys)


def order_key(order: str, lines: list[OrderLine]) -> str:
    """The key an imported order's shipment carries: its number and what its lines shipped."""
    what = sorted((ln.sku, ln.qty, ln.scans) for ln in lines)
    digest = hashlib.sha1(repr(what).encode()).hexdigest()[:12]
    return f"orders:{order}:{digest}"


def apply_orders(
    store: Store,
    lines: list[OrderLine],
    *,
    dry_run: bool = False,
    channel: str = "",
    location: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> list[LineResult]:
    """Ship every order of `lines` as the desk would; one result per line, in file order.

    An order is shipped whole or not at all (as at the desk): a line that cannot be read, or a
    refusal, rejects every line of its order, each saying why. `channel` and `location` apply
    where a line names none.
    """
    groups: dict[str, list[OrderLine]] = {}
    for ln in lines:
        groups.setdefault(ln.order, []).append(ln)
    results: dict[int, LineResult] = {}
    now = clock or (lambda: datetime.now(UTC))

    def done(ln: OrderLine, status: str, detail: str) -> None:
        results[ln.line] = LineResult(ln.line, ln.order, ln.sku or " ".join(ln.scans), ln.qty,
                                      status, detail)  # fmt: skip

    def shipped(group: list[OrderLine]) -> list[OrderLine]:
        return [ln for ln in group if not (ln.problem or ln.skip)]

    keys = {
        order: order_key(order, ship)
        for order, group in groups.items()
        if (ship := shipped(group)) and not any(ln.problem for ln in group)
    }
    before = applied_before(store, keys.values())

    def job(order: str, group: list[OrderLine]) -> Callable[[], None] | None:
        broken = [ln for ln in group if ln.problem]
        for ln in broken:
            done(ln, REJECTED, ln.problem)
        for ln in group:
            if ln.skip and not ln.problem:
                done(ln, SKIPPED, ln.skip)
        ship = shipped(group)
        if broken:
            why = "; ".join(f"line {b.line}: {b.problem}" for b in broken)
            for ln in ship:
                done(ln, REJECTED, f"order {order} not shipped: {why}")
            return None
        if not ship:
            return None
        if keys[order] in before:
            message = already_applied(order, before[keys[order]]).message
            for ln in ship:
                done(ln, UNCHANGED, message)
            return None

        def run() -> None:
            when = next((ln.when for ln in ship if ln.when), None)
            t = Tracker(store, clock=(lambda: when) if when else now)
            wanted = [(ln.sku, ln.qty) for ln in ship if ln.sku]
            try:
                result = again(
                    lambda: t.ship(
                        order,
                        lines=wanted,
                        scans=[s for ln in ship for s in ln.scans],
                        location=next((ln.location for ln in ship if ln.location), location),
                        channel=next((ln.channel for ln in ship if ln.channel), channel),
                        source=keys[order],
                    )
                )
            except AlreadyAppliedError as err:
                for ln in ship:
                    done(ln, UNCHANGED, err.message)
                return
            except (RefusedError, InputError, ConcurrentChangeError) as err:
                why = f"order {order} not shipped: {err.message}" if len(ship) > 1 else err.message
                for ln in ship:
                    done(ln, REJECTED, why)
                return
            for ln in ship:
                done(ln, APPLIED, _shipped(result, ln))

        return run

    # lazily: one closure at a time, not 50,000 of them held for the whole import
    jobs = (run for order, group in groups.items() if (run := job(order, group)))
    run_batched(store, jobs, op="import orders", dry_run=dry_run)
    return [results[ln.line] for ln in lines]


def _shipped(result: ShipResult, ln: OrderLine) -> str:
    """What left for this line: its units, or the lots its quantity was picked from (FEFO)."""
    parts = []
    for item in result.items:
        if item.id and item.id in ln.scans:
            parts.append(f"{item.id} ({item.sku}) from {item.location}")
        elif not item.id and item.sku == ln.sku:
            parts.append(f"{item.qty} x {item.sku} lot {item.lot} from {item.location}")
    if not parts and ln.sku:
        parts = [f"{ln.qty} x {ln.sku} (scanned units)"]
    return "shipped " + ", ".join(parts)


def return_key(line: ReturnLine, occurrence: int) -> str:
    """The key an imported return carries: its order, what was handed in, and which time in
    the file that pair appears (the same item may come back twice on one order)."""
    return f"returns:{line.order}:{line.identifier}#{occurrence}"


def apply_returns(
    store: Store,
    lines: list[ReturnLine],
    *,
    verdict: VerdictFn,
    dry_run: bool = False,
    location: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> list[LineResult]:
    """Take every returned item as the desk would, with its verdict; one result per line."""
    results: list[LineResult] = []
    now = clock or (lambda: datetime.now(UTC))
    seen: dict[tuple[str, str], int] = {}

    def job(ln: ReturnLine, key: str) -> Callable[[], None]:
        def run() -> None:
            def done(status: str, detail: str, returned=None) -> None:
                results.append(
                    LineResult(ln.line, ln.order, ln.identifier, ln.qty, status, detail, returned)
                )

            if ln.problem:
                return done(REJECTED, ln.problem)
            t = Tracker(store, verdict=verdict, clock=(lambda: ln.when) if ln.when else now)

            def take() -> ReturnResult:
                with store.reader() as r:
                    ident = resolve_identifier(r, ln)
                return t.process_return(
                    ln.order,
                    ident,
                    reason=ln.reason,
                    qty=ln.qty,
                    location=ln.location or location,
                    source=key,
                )

            try:
                result = again(take)
            except AlreadyAppliedError as err:
                return done(UNCHANGED, err.message)
            except (RefusedError, InputError, ConcurrentChangeError) as err:
                return done(REJECTED, err.message)
            status = APPLIED if result.status is not None else REJECTED
            done(status, result.verdict.reason, result)

        return run

    keyed = []
    for ln in lines:
        pair = (ln.order, ln.identifier)
        seen[pair] = seen.get(pair, 0) + 1
        keyed.append((ln, return_key(ln, seen[pair])))
    before = applied_before(store, (key for ln, key in keyed if not ln.problem))

    def unchanged(ln: ReturnLine, day: str) -> Callable[[], None]:
        message = already_applied(ln.order, day).message
        return partial(results.append, LineResult(ln.line, ln.order, ln.identifier, ln.qty,
                                                  UNCHANGED, message))  # fmt: skip

    jobs = (unchanged(ln, before[key]) if key in before else job(ln, key) for ln, key in keyed)
    run_batched(store, jobs, op="import returns", dry_run=dry_run)
    return results


def resolve_identifier(r: StoreReader, ln: ReturnLine) -> str:
    """What to hand the returns desk for the line: a serial, LPN or barcode as written; a bare
    SKU of a batch product becomes SKU:LOT, the lot the order shipped and has not had back.

    A bare SKU of a serial or LPN product is refused: only the unit's own identifier lets the
    desk check that the unit returned is the one shipped.
    """
    ident = ln.identifier
    if ":" in ident or ident.startswith("(") or r.units_by_serial(ident):
        return ident
    policy = r.policy(ident)
    if policy is None:
        return ident  # not a SKU of ours: an identifier, checked as the desk checks a scan
    if policy.method != "batch":
        raise RefusedError(
            f"SKU {ident} is tracked by {policy.method}: the return needs the unit's "
            f"{'LPN' if policy.method == 'lpn' else 'serial'}, not the SKU",
            hint="scan or type the label of the unit handed in",
        )
    order = r.order(ln.order)
    if order is None:
        return ident  # the desk refuses an unknown order in its own words
    left: dict[str, int] = {}
    for item in order.items:
        if item.sku == ident and item.lot:
            left[item.lot] = left.get(item.lot, 0) + item.qty
    for item in order.returned:
        if item.sku == ident and item.lot in left:
            left[item.lot] -= item.qty
    if not left:
        raise RefusedError(
            f"order {ln.order} shipped no {ident}: give the lot (SKU:LOT) of what came back",
            hint="a lot returned against the wrong order is checked as a swap at the desk",
        )
    lot = next((lot for lot, n in left.items() if n >= ln.qty), next(iter(left)))
    return f"{ident}:{lot}"


__all__ = [
    "BATCH_PAUSE",
    "BATCH_SECONDS",
    "TRIES",
    "again",
    "apply_orders",
    "apply_returns",
    "order_key",
    "resolve_identifier",
    "return_key",
    "run_batched",
]
