"""The ledger exported as EPCIS 2.0 JSON-LD: valid against the schema, GS1 identifiers, CBV words."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
from tracker_helpers import simple_verdict

from tracker import PolicySnapshot, open_tracker
from tracker.sources import export_epcis, ledger_events

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "epcis" / "epcis-2.0-document.schema.json").read_text()
)
DAY = [datetime(2025, 6, d, 9, 30, tzinfo=UTC) for d in (1, 2, 3, 4)]
CREATED = datetime(2025, 6, 5, tzinfo=UTC)
PHONE_GTIN, TEA_GTIN = "09506000134352", "80614141123458"
POLICIES = [
    PolicySnapshot("PHONE", "serial", (), "electronics-serial", "high value", gtin=PHONE_GTIN),
    PolicySnapshot("DRESS", "lpn", (), "fashion-lpn", "fit returns"),
    PolicySnapshot("VITC", "batch", ("lot", "expiry"), "supplements", "recalls", return_qc=True),
    PolicySnapshot("TEA", "batch", ("lot", "expiry"), "food", "recalls", gtin=TEA_GTIN),
    PolicySnapshot("PUMP", "serial", ("lot", "expiry"), "meddev", "UDI"),
]


def validate(doc: dict) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(doc)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """Four days of a small warehouse: every method received, shipped, returned with every
    verdict, a recall, a scrap, a release and a quarantine — all through the Tracker API."""
    now = [DAY[0]]
    t = open_tracker(
        tmp_path_factory.mktemp("epcis") / "store.json",
        verdict=simple_verdict,
        clock=lambda: now[0],
    )
    t.set_policies(POLICIES)
    t.receive("PHONE", serials=["P1", "P2", "P3", "P4"])
    t.receive("DRESS", generate=2)
    t.receive("TEA", lot="T1", qty=20, expiry="2026-01-31", mfg="2025-05-01")
    t.receive("TEA", lot="T1", qty=5, expiry="2026-01-31", location="WH2")
    t.receive("VITC", lot="V1", qty=10, expiry="2026-03-31")
    t.receive("PUMP", serials=["U1", "U2"], lot="L-7/A", expiry="2027-12-31")
    now[0] = DAY[1]
    t.ship("SO-1", scans=["P1", "LPN0000000000017"], lines=[("TEA", 22), ("VITC", 2)])
    t.ship("SO-2", scans=["P2", "U1"])
    now[0] = DAY[2]
    verdicts = [
        t.process_return("SO-1", "P1", reason="fit").verdict.verdict,
        t.process_return("SO-1", "LPN0000000000017", reason="damaged").verdict.verdict,
        t.process_return("SO-1", "P2", reason="fit").verdict.verdict,
        t.process_return("SO-1", "FAKE-1", reason="fit").verdict.verdict,
        t.process_return("SO-1", "P1", reason="fit").verdict.verdict,
        t.process_return("SO-1", "VITC:V1", qty=1).verdict.verdict,
        t.process_return("SO-1", "TEA:T1", qty=2).verdict.verdict,
    ]
    assert verdicts == [
        "restock",
        "inspect",
        "quarantine",
        "quarantine",
        "refuse",
        "quarantine",
        "restock",
    ]
    now[0] = DAY[3]
    t.recall("PUMP", lot="L-7/A", reason="pressure fault")
    assert t.process_return("SO-2", "U1", reason="fit").verdict.verdict == "recalled"
    t.scrap("U2", "recalled lot")
    t.release("LPN0000000000017", "inspected: fine")
    t.quarantine("P4", "seal broken")
    return t


@pytest.fixture(scope="module")
def doc(ledger):
    return export_epcis(ledger, created=CREATED)


def events_of(doc: dict, op: str) -> list[dict]:
    return [e for e in doc["epcisBody"]["eventList"] if e["trackright:op"] == op]


def test_export_is_a_valid_epcis_document(doc):
    """The whole ledger validates against the EPCIS 2.0 document schema."""
    validate(doc)
    assert doc["type"] == "EPCISDocument" and doc["schemaVersion"] == "2.0"
    assert doc["@context"][0] == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    assert doc["creationDate"] == "2025-06-05T00:00:00.000+00:00"


def test_every_ledger_event_is_exported_in_order(ledger, doc):
    """Each ledger event is one ObjectEvent, or one per location its lot quantities came from."""
    events = ledger_events(ledger)
    exported = doc["epcisBody"]["eventList"]
    assert {e["trackright:opID"] for e in exported} == {e.op_id for e in events}
    assert [e["eventTime"] for e in exported] == sorted(e["eventTime"] for e in exported)
    assert all(e["type"] == "ObjectEvent" for e in exported)
    # SO-1 shipped scanned units (no location recorded) and TEA from WH1 and WH2: three events
    assert len(exported) == len(events) + 2
    assert len({e["eventID"] for e in exported}) == len(exported)


def test_serials_with_a_gtin_are_gs1_digital_links_and_others_ours(doc):
    """PHONE serials (GTIN known) are Digital Link URIs; LPNs and GTIN-less serials are ours."""
    phones, dresses, pumps = (
        events_of(doc, "receive")[0],
        events_of(doc, "receive")[1],
        events_of(doc, "receive")[-1],
    )
    assert phones["epcList"][0] == "https://id.gs1.org/01/09506000134352/21/P1"
    assert dresses["epcList"] == [
        "https://trackright.invalid/unit/LPN0000000000017",
        "https://trackright.invalid/unit/LPN0000000000024",
    ]
    assert dresses["bizStep"] == "commissioning"  # we minted the LPNs
    assert pumps["epcList"] == [
        "https://trackright.invalid/unit/U1",
        "https://trackright.invalid/unit/U2",
    ]


def test_company_prefix_gives_sgtin_and_lgtin(ledger):
    """Given the company prefixes, serials become SGTIN and lots LGTIN EPC URIs."""
    doc = export_epcis(ledger, created=CREATED, company_prefixes=["9506000", "0614141"])
    validate(doc)
    receipts = events_of(doc, "receive")
    assert receipts[0]["epcList"][0] == "urn:epc:id:sgtin:9506000.013435.P1"
    assert receipts[2]["quantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:0614141.812345.T1", "quantity": 20}
    ]


def test_lot_quantities_and_ilmd_at_receipt(doc):
    """A lot receipt is an ADD with its class and quantity, and lot / expiry / mfg as CBV ILMD."""
    tea = events_of(doc, "receive")[2]
    assert tea["action"] == "ADD" and tea["bizStep"] == "receiving"
    assert tea["quantityList"] == [
        {"epcClass": "https://id.gs1.org/01/80614141123458/10/T1", "quantity": 20}
    ]
    assert tea["ilmd"] == {
        "cbvmda:itemExpirationDate": "2026-01-31",
        "cbvmda:lotNumber": "T1",
        "cbvmda:productionDate": "2025-05-01",
    }
    vitc = events_of(doc, "receive")[4]
    assert vitc["quantityList"][0]["epcClass"] == "https://trackright.invalid/lot/VITC/V1"
    assert all("ilmd" not in e for e in doc["epcisBody"]["eventList"] if e["action"] != "ADD")


def test_shipping_names_the_order_and_leaves_the_location(doc):
    """A shipment is OBSERVE shipping → in_transit with the order as a po; no bizLocation after."""
    so1 = [e for e in events_of(doc, "ship") if "SO-1" in json.dumps(e)]
    assert {e["disposition"] for e in so1} == {"in_transit"}
    for e in so1:
        assert e["bizTransactionList"] == [
            {"type": "po", "bizTransaction": "https://trackright.invalid/order/SO-1"}
        ]
        assert "bizLocation" not in e
    by_place = {e.get("readPoint", {}).get("id", "-")[-3:]: e for e in so1}
    assert by_place["WH1"]["quantityList"] == [
        {"epcClass": "https://id.gs1.org/01/80614141123458/10/T1", "quantity": 20},
        {"epcClass": "https://trackright.invalid/lot/VITC/V1", "quantity": 2},
    ]
    assert by_place["WH2"]["quantityList"] == [
        {"epcClass": "https://id.gs1.org/01/80614141123458/10/T1", "quantity": 2}
    ]
    assert by_place["-"]["epcList"] == [
        "https://id.gs1.org/01/09506000134352/21/P1",
        "https://trackright.invalid/unit/LPN0000000000017",
    ]


def test_returns_carry_the_verdict_and_flags(doc):
    """A return is receiving → returned (po + rma), then the verdict's step; suspect flags persist."""
    returned = events_of(doc, "return")
    verdicts = events_of(doc, "return-verdict")
    assert {e["bizStep"] for e in returned} == {"receiving"}
    assert {e["disposition"] for e in returned} == {"returned"}
    assert {t["type"] for t in returned[0]["bizTransactionList"]} == {"po", "rma"}
    steps = [(e["bizStep"], e["disposition"]) for e in verdicts]
    assert steps[:3] == [
        ("stocking", "sellable_not_accessible"),
        ("inspecting", "in_progress"),
        ("holding", "non_sellable_other"),
    ]
    swap = verdicts[2]
    assert swap["persistentDisposition"]["set"] == [
        "non_sellable_other",
        "https://trackright.invalid/voc/disposition/swap_suspect",
    ]
    assert swap["trackright:rule"] == "returns/other-order"
    fake = returned[3]
    assert fake["action"] == "ADD" and fake["epcList"] == ["https://trackright.invalid/unit/FAKE-1"]
    assert len(returned) == 7  # the refused second return of P1 wrote nothing
    recalled = verdicts[-1]
    assert (
        recalled["disposition"] == "recalled"
        and recalled["persistentDisposition"]["set"][0] == "recalled"
    )


def test_recall_scrap_and_release(doc):
    """Recall sets persistent recalled; scrap is a DELETE; release unsets non_sellable_other."""
    (recall,) = events_of(doc, "recall")
    assert (recall["bizStep"], recall["disposition"]) == ("holding", "recalled")
    assert recall["persistentDisposition"] == {"set": ["recalled"]}
    assert recall["epcList"] == ["https://trackright.invalid/unit/U2"]
    assert recall["trackright:reason"] == "pressure fault"
    (scrap,) = events_of(doc, "scrap")
    assert (scrap["action"], scrap["bizStep"], scrap["disposition"]) == (
        "DELETE",
        "destroying",
        "destroyed",
    )
    assert "bizLocation" not in scrap and scrap["readPoint"]["id"].endswith("/loc/WH1")
    (release,) = events_of(doc, "release")
    assert release["persistentDisposition"] == {"unset": ["non_sellable_other"]}
    (hold,) = events_of(doc, "quarantine")
    assert hold["persistentDisposition"] == {"set": ["non_sellable_other"]}


def test_date_range_keeps_the_days_asked_for(ledger):
    """--from / --to keep the events whose day falls in the range, both days included."""
    doc = export_epcis(ledger, date(2025, 6, 2), date(2025, 6, 3), created=CREATED)
    validate(doc)
    days = {e["eventTime"][:10] for e in doc["epcisBody"]["eventList"]}
    assert days == {"2025-06-02", "2025-06-03"}
    assert {e["trackright:op"] for e in doc["epcisBody"]["eventList"]} == {
        "ship",
        "return",
        "return-verdict",
    }
    empty = export_epcis(ledger, date(2025, 7, 1), None, created=CREATED)
    validate(empty)
    assert empty["epcisBody"]["eventList"] == []


def test_base_uri_names_our_identifiers(ledger):
    """A brand's own base URI replaces trackright.invalid for its ids; our vocabulary stays."""
    doc = export_epcis(ledger, created=CREATED, base_uri="https://id.brand.example")
    validate(doc)
    text = json.dumps(doc)
    assert "https://id.brand.example/unit/LPN0000000000017" in text
    assert "https://trackright.invalid/unit/" not in text
    assert "https://trackright.invalid/voc/disposition/swap_suspect" in text


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e.update(action="OBSERVE") if "ilmd" in e else None,
        lambda e: e.update(bizStep="returning"),
        lambda e: e.update(disposition="urn:epcglobal:cbv:disp:made_up"),
        lambda e: e.update(persistentDisposition={"set": []}),
        lambda e: e.pop("eventTimeZoneOffset"),
        lambda e: e.update(eventTimeZoneOffset="+15:00"),
        lambda e: e.update(quantityList=[{"epcClass": "urn:x:y", "quantity": 1.5}]),
        lambda e: e.update(quantityList=[]) or e.pop("epcList", None),
        lambda e: e.update(note="no namespace"),
        lambda e: e.update(eventTime="2025-06-01 09:30"),
    ],
    ids=[
        "ilmd-on-observe",
        "unknown-bizstep",
        "cbv-namespace-made-up",
        "empty-persistent-set",
        "no-offset",
        "offset-out-of-range",
        "fractional-count",
        "nothing-observed",
        "unprefixed-extension",
        "not-rfc3339",
    ],
)
def test_schema_rejects_what_the_standard_rejects(doc, change):
    """The test schema is a real check: each rule of the standard, broken once, fails it."""
    broken = copy.deepcopy(doc)
    event = next(e for e in broken["epcisBody"]["eventList"] if "ilmd" in e)
    change(event)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
