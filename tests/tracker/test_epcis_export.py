"""The ledger exported as EPCIS 2.0 JSON-LD: valid against the schema, GS1 identifiers, CBV words."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import jsonschema
import pytest
from epcis_schema import errors, validate
from tracker_helpers import simple_verdict

from tracker import PolicySnapshot, open_tracker
from tracker.sources import export_epcis, ledger_events

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
    t.transfer("P3", "WH2")
    t.transfer("LPN0000000000024", "WH3", reason="rebalance")
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


def test_transfers_name_both_warehouses_as_source_and_destination(doc):
    """A transfer is departing at one warehouse and arriving at the other, both ends named."""
    departing, arriving = events_of(doc, "transfer")[:2]
    assert (departing["bizStep"], arriving["bizStep"]) == ("departing", "arriving")
    assert (
        departing["epcList"]
        == arriving["epcList"]
        == ["https://id.gs1.org/01/09506000134352/21/P3"]
    )
    for e in (departing, arriving):
        assert e["sourceList"] == [
            {"type": "location", "source": "https://trackright.invalid/loc/WH1"}
        ]
        assert e["destinationList"] == [
            {"type": "location", "destination": "https://trackright.invalid/loc/WH2"}
        ]
    assert departing["readPoint"]["id"].endswith("/loc/WH1") and "bizLocation" not in departing
    assert arriving["bizLocation"] == {"id": "https://trackright.invalid/loc/WH2"}
    lpn = events_of(doc, "transfer")[3]
    assert lpn["destinationList"][0]["destination"].endswith("/loc/WH3")
    assert lpn["trackright:reason"] == "rebalance"


def test_lot_events_list_quantities_not_an_empty_epc_list(doc):
    """An event of lot quantities carries quantityList alone; unit events carry epcList."""
    for e in doc["epcisBody"]["eventList"]:
        assert ("epcList" in e) != ("quantityList" in e), e
        for q in e.get("quantityList", []):
            assert isinstance(q.get("quantity", 1), int) and "uom" not in q  # counts, in units


def test_a_naive_ledger_time_is_written_as_utc(tmp_path):
    """A tracker driven by a clock without a time zone still exports RFC 3339 times."""
    t = open_tracker(tmp_path / "s.json", clock=lambda: datetime(2025, 6, 1, 9, 30))
    t.set_policies(POLICIES)
    t.receive("DRESS", generate=1)
    doc = export_epcis(t, created=CREATED)
    assert errors(doc) == []
    (event,) = doc["epcisBody"]["eventList"]
    assert (event["eventTime"], event["eventTimeZoneOffset"]) == (
        "2025-06-01T09:30:00.000+00:00",
        "+00:00",
    )


def test_base_uri_must_be_a_web_address(ledger):
    """A base URI that would make every id invalid is refused before anything is written."""
    from tracker import InputError

    with pytest.raises(InputError, match="--base-uri 'brand.example'"):
        export_epcis(ledger, created=CREATED, base_uri="brand.example")


def test_every_event_validates_on_its_own_with_a_context(doc):
    """Each event, taken out with the document's @context, is a valid standalone EPCIS event."""
    for event in doc["epcisBody"]["eventList"]:
        assert errors({"@context": doc["@context"], **event}) == []


def _first(kind: str):
    def pick(doc: dict) -> dict:
        events = doc["epcisBody"]["eventList"]
        return next(e for e in events if kind in e or e.get("trackright:op") == kind)

    return pick


BROKEN_EVENTS = {
    "ilmd-on-observe": ("ilmd", lambda e: e.update(action="OBSERVE")),
    "unknown-bizstep": ("ilmd", lambda e: e.update(bizStep="returning")),
    "cbv-namespace-made-up": (
        "ilmd",
        lambda e: e.update(disposition="urn:epcglobal:cbv:disp:made_up"),
    ),
    "empty-persistent-set": ("ilmd", lambda e: e.update(persistentDisposition={"set": []})),
    "no-offset": ("ilmd", lambda e: e.pop("eventTimeZoneOffset")),
    "offset-out-of-range": ("ilmd", lambda e: e.update(eventTimeZoneOffset="+15:00")),
    "nothing-observed": ("quantityList", lambda e: e.update(quantityList=[])),
    "unprefixed-extension": ("ilmd", lambda e: e.update(note="no namespace")),
    "not-rfc3339": ("ilmd", lambda e: e.update(eventTime="2025-06-01 09:30")),
    "bare-serial-not-a-uri": ("epcList", lambda e: e.update(epcList=["P1"])),
    "same-epc-twice": ("epcList", lambda e: e.update(epcList=e["epcList"] * 2)),
    "uom-not-a-code": (
        "quantityList",
        lambda e: e["quantityList"][0].update(quantity=1.5, uom="kilo"),
    ),
    "quantity-as-text": ("quantityList", lambda e: e["quantityList"][0].update(quantity="20")),
    "read-point-without-id": ("readPoint", lambda e: e.update(readPoint={"name": "WH1"})),
    "source-type-not-cbv": (
        "sourceList",
        lambda e: e["sourceList"][0].update(type="warehouse"),
    ),
    "destination-without-uri": (
        "destinationList",
        lambda e: e["destinationList"][0].update(destination="WH2"),
    ),
    "transaction-type-not-cbv": (
        "bizTransactionList",
        lambda e: e["bizTransactionList"][0].update(type="order"),
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_EVENTS))
def test_official_schema_rejects_a_broken_event(doc, name):
    """The official schema is a real check: each rule of the standard, broken once, fails it."""
    field, change = BROKEN_EVENTS[name]
    broken = copy.deepcopy(doc)
    change(_first(field)(broken))
    assert errors(broken), name
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("@context"),
        lambda d: d.pop("schemaVersion"),
        lambda d: d.pop("creationDate"),
        lambda d: d.update(creationDate="5 June 2025"),
        lambda d: d.update(schemaVersion="two"),
        lambda d: d["@context"].append(d["@context"][0]),
        lambda d: d.update(comment="no namespace"),
        lambda d: d["epcisBody"].pop("eventList"),
    ],
    ids=[
        "no-context",
        "no-schema-version",
        "no-creation-date",
        "creation-date-not-rfc3339",
        "version-not-numeric",
        "context-twice",
        "unprefixed-field",
        "no-event-list",
    ],
)
def test_official_schema_rejects_a_broken_document(doc, change):
    """A document missing what EPCIS 2.0 requires of it is rejected."""
    broken = copy.deepcopy(doc)
    change(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_schema_is_gs1s_file_unchanged():
    """The schema in tests/data is GS1's file byte for byte: its sha256 is the README's."""
    import hashlib
    import re

    from epcis_schema import SCHEMA_PATH

    readme = (SCHEMA_PATH.parent / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"sha256 `([0-9a-f]{64})`", readme)
    assert stated, "tests/data/epcis/README.md states the schema's sha256"
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == stated.group(1)
    assert json.loads(SCHEMA_PATH.read_text())["$id"] == (
        "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"
    )


def test_every_reference_resolves_offline_and_formats_are_checked():
    """Each $ref of the schema resolves inside the file; uri and date-time are really checked."""
    from epcis_schema import references, registry, schema

    official = schema()
    refs = set(references(official))
    assert refs and all(r.startswith("#/") for r in refs)
    resolver = registry().resolver(base_uri=official["$id"])
    for ref in refs:
        assert resolver.lookup(ref).contents is not None, ref
    assert errors({"@context": [], "type": "ObjectEvent", "action": "ADD", "epcList": ["P 1"],
                   "eventTime": "2025-06-01T09:30:00Z", "eventTimeZoneOffset": "+00:00"})  # fmt: skip
