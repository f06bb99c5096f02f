"""Invariants under random operation sequences (hypothesis stateful testing)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from tracker_helpers import NOW, POLICIES, simple_verdict

from tracker import RefusedError, Store, open_tracker

IDS = st.sampled_from([f"S{i}" for i in range(8)])
ORDERS = st.sampled_from([f"O{i}" for i in range(5)])
LOTS = st.sampled_from(["L1", "L2", "L3"])


class TrackerMachine(RuleBasedStateMachine):
    """Random receives, ships, returns, holds and recalls; refusals must change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp()
        self.t = open_tracker(f"{self.dir}/store.json", verdict=simple_verdict, clock=lambda: NOW)
        self.t.store.compact_every = 7
        self.t.set_policies(POLICIES)

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _do(self, fn, *args, **kwargs) -> None:
        before = (self.t.store.seq, repr(self.t.store._tables))
        try:
            fn(*args, **kwargs)
        except RefusedError:
            assert (self.t.store.seq, repr(self.t.store._tables)) == before

    @rule(ident=IDS, sku=st.sampled_from(["PHONE", "DRESS"]))
    def receive_unit(self, ident, sku):
        if sku == "DRESS":
            self._do(self.t.receive, sku, generate=1)
        else:
            self._do(self.t.receive, sku, serials=[ident])

    @rule(lot=LOTS, qty=st.integers(-2, 6), expiry=st.sampled_from(["2025-05-01", "2026-01-01"]))
    def receive_lot(self, lot, qty, expiry):
        self._do(self.t.receive, "VITC", lot=lot, qty=qty, expiry=expiry)

    @rule(order=ORDERS, ident=IDS, qty=st.integers(0, 4))
    def ship(self, order, ident, qty):
        lines = [("VITC", qty)] if qty else []
        self._do(self.t.ship, order, lines=lines, scans=[ident])

    @rule(order=ORDERS, qty=st.integers(1, 4))
    def ship_lot(self, order, qty):
        self._do(self.t.ship, order, lines=[("VITC", qty)])

    @rule(order=ORDERS, ident=IDS, reason=st.sampled_from(["fit", "damaged", "??"]))
    def return_unit(self, order, ident, reason):
        self._do(self.t.process_return, order, ident, reason=reason)

    @rule(order=ORDERS, lot=LOTS, qty=st.integers(1, 3))
    def return_lot(self, order, lot, qty):
        self._do(self.t.process_return, order, f"VITC:{lot}", qty=qty)

    @rule(ident=IDS, op=st.sampled_from(["quarantine", "release", "scrap"]))
    def hold(self, ident, op):
        self._do(getattr(self.t, op), ident, "test")

    @rule(lot=LOTS, op=st.sampled_from(["quarantine", "release", "scrap"]), qty=st.integers(1, 3))
    def hold_lot(self, lot, op, qty):
        self._do(getattr(self.t, op), f"VITC:{lot}", "test", qty=qty)

    @rule(lot=LOTS)
    def recall(self, lot):
        self._do(self.t.recall, "VITC", lot=lot)

    @invariant()
    def every_unit_has_one_place_and_its_events_agree(self):
        status: dict[str, str] = {}
        qty: Counter = Counter()
        for doc in self.t.store.docs("events"):
            for ident in doc["ids"]:
                status[ident] = doc["status"]
            for m in doc["moves"]:
                if m["from"]:
                    qty[(m["sku"], m["lot"], m["location"], m["from"])] -= m["qty"]
                qty[(m["sku"], m["lot"], m["location"], m["to"])] += m["qty"]
        units = {d["id"]: d for d in self.t.store.docs("units")}
        assert {i: d["status"] for i, d in units.items()} == status
        for doc in self.t.store.docs("lots"):
            flat = {
                (doc["sku"], doc["lot"], loc, s): n
                for loc, by in doc.get("qty", {}).items()
                for s, n in by.items()
            }
            assert all(n > 0 for n in flat.values())
            mine = {k: v for k, v in qty.items() if k[:2] == (doc["sku"], doc["lot"]) and v}
            assert flat == mine
            if doc["method"] == "batch":
                assert sum(flat.values()) == doc["received"]

    @invariant()
    def reopening_gives_the_same_state(self):
        if self.t.store.seq % 5 == 0:
            again = Store(self.t.store.path)
            assert again._tables == self.t.store._tables


TrackerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_tracker_invariants = TrackerMachine.TestCase
