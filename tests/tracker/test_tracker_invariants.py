"""Invariants under random operation sequences, with the real returns rulebook deciding.

The state machine picks its arguments from what the store holds (a unit that is in stock to
ship, a shipped unit and its order to return, a quarantined one to release…), so most steps
succeed and every verdict of `rules/returns.yaml` is reached: restock, swap, counterfeit,
recalled, QC quarantine, inspection and refusal. After every step: one unit is in one place,
quantities add up, the ledger replays to the records, refused steps changed no byte, and a
fresh open of the store sees exactly what was acknowledged.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tracker_helpers import BOTH, NOW, POLICIES, real_verdict, store_files

from tracker import RefusedError, open_store, open_tracker, stats
from tracker.vocabulary import SUSPECT_FLAGS

SEEN: Counter = Counter()
REASONS = st.sampled_from(["fit", "changed_mind", "damaged", "defective", "other"])


def _label(result) -> str:
    v = result.verdict
    if v.verdict == "quarantine":
        return {"qc_required": "QC"}.get(v.flag, (v.flag or "").upper())
    return {"restock": "RESTOCK", "inspect": "INSPECT", "recalled": "RECALLED", "refuse": "REFUSE"}[
        v.verdict
    ]


class TrackerMachine(RuleBasedStateMachine):
    """Receives, ships (serial, LPN, lot), every kind of return, holds and recalls."""

    #: Where each run's store is made: None for a TinyDB file in a temp folder, else a callable
    #: returning a fresh PostgreSQL store URL.
    fresh_store = None

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp()
        where = self.fresh_store() if self.fresh_store else f"{self.dir}/store.json"
        self.t = open_tracker(where, verdict=real_verdict, clock=lambda: NOW)
        self.t.store.fold_min_bytes = 1200  # fold often: every read crosses folded partitions
        self.t.store.head_fold_bytes = 5000
        self.t.set_policies(POLICIES)
        self.n = 0
        self.acknowledged = 1  # the policy import

    def teardown(self) -> None:
        self.t.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------------

    def _fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def _units(self, *statuses: str):
        with self.t.store.reader() as r:
            docs = list(r._table("units"))
        return sorted((d for d in docs if d["status"] in statuses), key=lambda d: d["id"])

    def _do(self, kind: str, fn, *args, **kwargs):
        before = store_files(self.t.store)
        try:
            result = fn(*args, **kwargs)
        except RefusedError:
            SEEN[f"refused:{kind}"] += 1
            assert store_files(self.t.store) == before, f"refused {kind} changed the store"
            return None
        SEEN[f"ok:{kind}"] += 1
        if getattr(result, "status", "") is not None:
            self.acknowledged += 1
        return result

    def _return(self, order: str, ident: str, **kwargs):
        result = self._do("return", self.t.process_return, order, ident, **kwargs)
        if result is not None:
            SEEN[_label(result)] += 1
        return result

    @initialize()
    def a_tour_of_every_verdict(self):
        """Each run starts from a store where every verdict has been given once."""
        t = self.t
        self._do("receive", t.receive, "PHONE", serials=["T1", "T2", "T3", "T4", "T5"])
        self._do("receive", t.receive, "PUMP", serials=["TP1"], lot="PT", expiry="2026-01-01")
        self._do("receive", t.receive, "VITC", lot="TL", qty=4, expiry="2026-01-01")
        for order, scans in (
            ("TO-1", ["T1"]),
            ("TO-2", ["T2"]),
            ("TO-3", ["T3"]),
            ("TO-4", ["TP1"]),
        ):
            self._do("ship", t.ship, order, scans=scans)
        self._do("ship", t.ship, "TO-5", lines=[("VITC", 2)])
        self._return("TO-1", "T1", reason="fit")  # RESTOCK
        self._return("TO-1", "T1")  # REFUSE: already returned on this order
        self._return("TO-2", "T2", reason="damaged")  # INSPECT
        self._return("TO-2", "T3")  # SWAP
        self._return("TO-2", "FAKE-0")  # COUNTERFEIT
        self._return("TO-2", "T4")  # NOT SHIPPED
        self._return("TO-5", "VITC:TL", qty=1)  # QC
        self._do("recall", t.recall, "PUMP", lot="PT")
        self._return("TO-4", "TP1")  # RECALLED
        self._do("release", t.release, "T2", "checked")
        self._do("scrap", t.scrap, "T4", "label swapped")
        (label,) = self._do("receive", t.receive, "DRESS", generate=1).ids
        SEEN["ship:lpn"] += 1
        self._do("ship", t.ship, "TO-6", scans=[label])

    # -- receiving --------------------------------------------------------------------------------

    @rule(
        sku=st.sampled_from(["PHONE", "PUMP", "DRESS", "VITC", "TEA"]),
        lot=st.sampled_from(["L1", "L2"]),
        n=st.integers(1, 4),
    )
    def receive(self, sku, lot, n):
        if sku == "DRESS":
            self._do("receive", self.t.receive, sku, generate=n)
        elif sku in ("VITC", "TEA"):
            self._do("receive", self.t.receive, sku, lot=lot, qty=n, expiry="2026-01-01")
        else:
            extra = {"lot": "P" + lot, "expiry": "2026-01-01"} if sku == "PUMP" else {}
            serials = [self._fresh("S") for _ in range(n)]
            self._do("receive", self.t.receive, sku, serials=serials, **extra)

    # -- shipping ---------------------------------------------------------------------------------

    @precondition(lambda self: self._units("IN_STOCK"))
    @rule(data=st.data())
    def ship_unit(self, data):
        unit = data.draw(st.sampled_from(self._units("IN_STOCK")))
        if unit["method"] == "lpn":
            SEEN["ship:lpn"] += 1
        self._do("ship", self.t.ship, self._fresh("SO-"), scans=[unit["id"]])

    @rule(sku=st.sampled_from(["VITC", "TEA"]), qty=st.integers(1, 3))
    def ship_lot(self, sku, qty):
        with self.t.store.reader() as r:
            lots = [x for x in r.lots_of_sku(sku) if not x.recalled]
        have = sum(x.qty("IN_STOCK") for x in lots)
        if have:
            self._do("ship", self.t.ship, self._fresh("SO-"), lines=[(sku, min(qty, have))])

    # -- transfers --------------------------------------------------------------------------------

    @rule(
        sku=st.sampled_from(["VITC", "TEA"]),
        lot=st.sampled_from(["L1", "L2", "TL"]),
        to=st.sampled_from(["WH1", "WH2"]),
        qty=st.integers(1, 3),
    )
    def transfer_lot(self, sku, lot, to, qty):
        with self.t.store.reader() as r:
            found = r.lot(sku, lot)
        held = {loc: n for loc, s, n in (found.quantities if found else ()) if s == "IN_STOCK"}
        held.pop(to, None)
        if held:
            origin = sorted(held)[0]
            move = min(qty, held[origin])
            self._do("transfer", self.t.transfer, f"{sku}:{lot}", to, qty=move, origin=origin)

    @precondition(lambda self: self._units("IN_STOCK", "QUARANTINED"))
    @rule(data=st.data())
    def transfer_unit(self, data):
        unit = data.draw(st.sampled_from(self._units("IN_STOCK", "QUARANTINED")))
        to = "WH2" if unit["location"] == "WH1" else "WH1"
        self._do("transfer", self.t.transfer, unit["id"], to)

    # -- returns ----------------------------------------------------------------------------------

    @precondition(lambda self: self._units("SHIPPED"))
    @rule(data=st.data(), reason=REASONS)
    def return_genuine(self, data, reason):
        unit = data.draw(st.sampled_from(self._units("SHIPPED")))
        self._return(unit["order"], unit["id"], reason=reason)

    @precondition(lambda self: len(self._units("SHIPPED")) >= 2)
    @rule(data=st.data())
    def return_on_another_order(self, data):
        a, b = data.draw(
            st.lists(
                st.sampled_from(self._units("SHIPPED")),
                min_size=2,
                max_size=2,
                unique_by=lambda d: d["id"],
            )
        )
        if a["order"] != b["order"]:
            self._return(b["order"], a["id"])

    @precondition(lambda self: self._units("IN_STOCK", "QUARANTINED", "INSPECTING"))
    @rule(data=st.data())
    def return_again_or_never_shipped(self, data):
        unit = data.draw(st.sampled_from(self._units("IN_STOCK", "QUARANTINED", "INSPECTING")))
        order = unit["returned_on"][-1] if unit["returned_on"] else None
        with self.t.store.reader() as r:
            any_order = next((d["order_id"] for d in r._table("orders")), None)
        if order or any_order:
            self._return(order or any_order, unit["id"])

    @precondition(lambda self: self._units("SHIPPED"))
    @rule(data=st.data())
    def return_counterfeit(self, data):
        unit = data.draw(st.sampled_from(self._units("SHIPPED")))
        self._return(unit["order"], self._fresh("FAKE-"))

    @rule(data=st.data(), qty=st.integers(1, 2))
    def return_lot(self, data, qty):
        with self.t.store.reader() as r:
            lines = [
                (o["order_id"], i["sku"], i["lot"])
                for o in r._table("orders")
                for i in o["items"]
                if i["lot"] and not i["id"]
            ]
        if lines:
            order, sku, lot = data.draw(st.sampled_from(sorted(lines)))
            self._return(order, f"{sku}:{lot}", qty=qty)

    # -- holds and recalls ------------------------------------------------------------------------

    @precondition(lambda self: self._units("IN_STOCK", "RETURNED", "INSPECTING"))
    @rule(data=st.data())
    def quarantine(self, data):
        unit = data.draw(st.sampled_from(self._units("IN_STOCK", "RETURNED", "INSPECTING")))
        self._do("quarantine", self.t.quarantine, unit["id"], "dented box")

    @precondition(lambda self: self._units("QUARANTINED", "INSPECTING"))
    @rule(data=st.data())
    def release(self, data):
        unit = data.draw(st.sampled_from(self._units("QUARANTINED", "INSPECTING")))
        suspect = any(f in SUSPECT_FLAGS for f in unit["flags"])
        self._do("release", self.t.release, unit["id"], "checked", override=suspect)

    @precondition(lambda self: self._units("QUARANTINED", "RECALLED", "INSPECTING"))
    @rule(data=st.data())
    def scrap(self, data):
        unit = data.draw(st.sampled_from(self._units("QUARANTINED", "RECALLED", "INSPECTING")))
        self._do("scrap", self.t.scrap, unit["id"], "beyond repair")

    @rule(sku=st.sampled_from(["PUMP", "TEA"]), lot=st.sampled_from(["PL1", "PL2", "L1", "L2"]))
    def recall(self, sku, lot):
        with self.t.store.reader() as r:
            known = r.lot(sku, lot)
        if known is not None and not known.recalled:
            self._do("recall", self.t.recall, sku, lot=lot)

    @precondition(lambda self: [u for u in self._units("SHIPPED") if u["lot"]])
    @rule(data=st.data())
    def return_from_a_recalled_lot(self, data):
        unit = data.draw(st.sampled_from([u for u in self._units("SHIPPED") if u["lot"]]))
        with self.t.store.reader() as r:
            recalled = r.lot(unit["sku"], unit["lot"]).recalled
        if not recalled:
            self._do("recall", self.t.recall, unit["sku"], lot=unit["lot"])
        self._return(unit["order"], unit["id"])

    # -- invariants -------------------------------------------------------------------------------

    @invariant()
    def one_unit_one_place_and_the_ledger_replays(self):
        with self.t.store.reader() as r:
            units = {d["id"]: d for d in r._table("units")}
            lots = list(r._table("lots"))
            for ident, doc in units.items():
                events = r.events_of_unit(ident)
                assert events and events[-1].status == doc["status"], ident
            for lot in lots:
                replay: Counter = Counter()
                for e in r.events_of_lot(lot["sku"], lot["lot"]):
                    for m in e.moves:
                        if (m.sku, m.lot) == (lot["sku"], lot["lot"]):
                            if m.from_status:
                                replay[(m.location, m.from_status)] -= m.qty
                            if m.to_status:  # None: transferred out of this location
                                replay[(m.location, m.to_status)] += m.qty
                have = {(loc, s): n for loc, by in lot["qty"].items() for s, n in by.items()}
                assert have == {k: v for k, v in replay.items() if v}, lot
                assert all(n > 0 for n in have.values())
                if lot["method"] == "batch":
                    assert sum(have.values()) == lot["received"]  # quantities conserved

    @invariant()
    def running_figures_match_the_records_and_a_fresh_open(self):
        s = stats(self.t.store)
        with self.t.store.reader() as r:
            expect: Counter = Counter()
            for d in r._table("units"):
                expect[(d["sku"], d["location"], d["status"])] += 1
            for d in r._table("lots"):
                for loc, by in d["qty"].items():
                    for status, n in by.items():
                        expect[(d["sku"], loc, status)] += n
            seq = r.seq
        assert {(a, b, c): n for a, b, c, n in s.stock} == {k: v for k, v in expect.items() if v}
        again = open_store(self.t.store.path)
        fresh = stats(again)
        again.close()
        assert (fresh.stock, fresh.returns, fresh.counts) == (s.stock, s.returns, s.counts)
        assert seq == self.acknowledged  # nothing acknowledged lost, nothing counted twice


STORES = BOTH


def test_invariants_hold_and_every_verdict_is_reached(request, store_kind):
    """Random sequences keep the invariants, mostly succeed, and reach every verdict and hold."""
    SEEN.clear()
    machine = TrackerMachine
    if store_kind == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")

        class machine(TrackerMachine):  # noqa: N801
            fresh_store = staticmethod(cluster.fresh_schema)

    run_state_machine_as_test(
        machine,
        settings=settings(
            # PostgreSQL: fewer sequences (each step is round trips to a server), the same checks
            max_examples=20 if store_kind == "tinydb" else 12,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,  # the same sequences in every run: coverage is not left to luck
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    verdicts = {
        "RESTOCK",
        "SWAP_SUSPECT",
        "COUNTERFEIT_SUSPECT",
        "RECALLED",
        "QC",
        "INSPECT",
        "REFUSE",
    }
    assert verdicts <= set(SEEN), SEEN
    assert SEEN["NOT_SHIPPED_SUSPECT"] and SEEN["ship:lpn"]
    for kind in ("release", "scrap", "recall", "ship", "receive", "quarantine", "transfer"):
        assert SEEN[f"ok:{kind}"], kind
    ok = sum(n for k, n in SEEN.items() if k.startswith("ok:"))
    refused = sum(n for k, n in SEEN.items() if k.startswith("refused:"))
    assert ok >= 3 * refused, SEEN
