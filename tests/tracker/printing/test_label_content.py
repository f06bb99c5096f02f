"""What a label says and the GS1 checks made before anything is drawn."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from label_helpers import read_bc

from tracker import BadIdentifierError, InputError, Lot, PolicySnapshot, Unit
from tracker.labels import gs1_check_digit
from tracker.printing import LabelData, gs1_fields, label_for_lot, label_for_unit, render_labels
from tracker.printing.content import CSET82, normalise_gtin
from tracker.printing.layout import SIZES, choose_kinds
from tracker.printing.zpl import FNC1, code128_plan

TODAY = date(2026, 12, 1)
GTIN = "09506000134352"


def test_fields_are_in_gs1_order_with_one_separator():
    """AIs go (01), (17), (10), (21); only the lot, followed by the serial, needs a separator."""
    label = LabelData("PUMP", "serial", "SN1", gtin=GTIN, lot="L1", expiry=date(2027, 1, 31))
    fields = gs1_fields(label, TODAY)
    assert fields.hri() == "(01)09506000134352(17)270131(10)L1(21)SN1"
    assert fields.element_string() == "01095060001343521727013110L1\x1d21SN1"
    assert fields.bracketed() == "[01]09506000134352[17]270131[10]L1[21]SN1"


def test_digital_link_percent_encodes_lot_and_serial():
    """The Digital Link URI carries lot and serial in the path (escaped) and expiry as ?17=."""
    label = LabelData(
        "PUMP", "serial", "S/1%", gtin="9506000134352", lot="A-1/2", expiry=date(2027, 1, 31)
    )
    assert gs1_fields(label, TODAY).digital_link() == (
        "https://id.gs1.org/01/09506000134352/10/A-1%2F2/21/S%2F1%25?17=270131"
    )


@pytest.mark.parametrize("body", ["4017072", "03600029145", "950600013435", "0950600013435"])
def test_short_gtins_are_padded_to_14(body):
    """GTIN-8/12/13 are written as 14 digits with leading zeros, check digit kept."""
    gtin = body + str(gs1_check_digit(body))
    assert normalise_gtin(gtin) == gtin.zfill(14)


@pytest.mark.parametrize(
    "gtin, message",
    [
        ("09506000134353", "wrong check digit \\(expected 2, got 3\\)"),
        ("0950600013435", "wrong check digit"),
        ("950600013435A", "8, 12, 13 or 14 digits"),
        ("123", "8, 12, 13 or 14 digits"),
    ],
)
def test_bad_gtins_are_refused(gtin, message):
    """A GTIN of the wrong length or check digit refuses the label, naming it."""
    label = LabelData("PUMP", "serial", "SN1", gtin=gtin)
    with pytest.raises(BadIdentifierError, match=f"label SN1: GTIN .*{message}"):
        gs1_fields(label, TODAY)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lot": "L" * 21}, r"lot 'L{21}' is 21 characters; GS1 AI \(10\) takes 1 to 20"),
        ({"identifier": "S" * 21}, r"serial 'S{21}' is 21 characters; GS1 AI \(21\)"),
        ({"identifier": "SN#1"}, r"serial 'SN#1' has '#', outside the GS1 character set"),
        ({"lot": "L 1"}, r"lot 'L 1' has ' ', outside"),
        ({"expiry": date(2099, 1, 1)}, r"expiry 2099-01-01 cannot be written as a GS1 date"),
    ],
)
def test_data_a_gs1_barcode_cannot_carry_is_refused(kwargs, message):
    """Asked for a GS1 symbol, lots and serials over 20 characters or outside CSET 82, and far
    expiries, are refused with the reason."""
    label = LabelData("PUMP", "serial", **{"identifier": "SN1", **kwargs}, gtin=GTIN)
    with pytest.raises(BadIdentifierError, match=message) as err:
        render_labels([label], "zpl", symbols=["datamatrix"], today=TODAY)
    assert "code128" in err.value.hint or "expiry" in err.value.message


def test_auto_prints_code128_for_a_serial_gs1_cannot_carry():
    """auto falls back to a Code 128 for a serial GS1 cannot carry (a long generated serial),
    but a far expiry or a bad GTIN is still refused: those are data to fix."""
    long = LabelData("VLT-PH-A15-128", "serial", "VLT-PH-A15-128-0000001", gtin=GTIN)
    zpl = render_labels([long], "zpl", "100x50", today=TODAY).decode()
    assert "^BX" not in zpl and ">:VLT-PH-A15-128-0>5000001" in zpl
    far = LabelData("PUMP", "serial", "SN1", gtin=GTIN, expiry=date(2099, 1, 1))
    with pytest.raises(BadIdentifierError, match="expiry 2099-01-01"):
        render_labels([far], "zpl", today=TODAY)


def test_every_cset82_character_is_accepted():
    """All 82 characters of the GS1 set may appear in a lot or serial (20 at a time)."""
    chars = "".join(sorted(CSET82))
    for i in range(0, len(chars), 20):
        label = LabelData("PUMP", "serial", chars[i : i + 20], gtin=GTIN, lot=chars[i : i + 20])
        assert gs1_fields(label, TODAY).fields[-1] == ("21", chars[i : i + 20])


def test_lpn_and_gtinless_labels_refuse_gs1_symbols():
    """GS1 symbols need a GTIN item: asked for an LPN or a SKU without GTIN, they are refused."""
    lpn = LabelData("DRESS", "lpn", "LPN0000000000017", gtin=GTIN)
    with pytest.raises(BadIdentifierError, match="an LPN is printed as a plain Code 128"):
        render_labels([lpn], "zpl", symbols=["datamatrix"], today=TODAY)
    plain = LabelData("PHONE", "serial", "P1")
    with pytest.raises(BadIdentifierError, match="no GTIN is known"):
        render_labels([plain], "zpl", symbols=["qr"], today=TODAY)


def test_auto_picks_symbols_by_label_and_size():
    """auto: Code 128 without a GTIN; GS1-128 + DataMatrix, and QR on labels 60 mm or wider."""
    gs1 = LabelData("PUMP", "serial", "SN1", gtin=GTIN)
    assert choose_kinds(LabelData("X", "lpn", "LPN1"), ["auto"], SIZES["50x25"]) == ["code128"]
    assert choose_kinds(gs1, ["auto"], SIZES["50x25"]) == ["gs1-128", "datamatrix"]
    assert choose_kinds(gs1, ["auto"], SIZES["100x50"]) == ["gs1-128", "datamatrix", "qr"]
    with pytest.raises(InputError, match="one linear barcode"):
        choose_kinds(gs1, ["gs1-128", "code128"], SIZES["100x50"])


def test_labels_from_model_records():
    """Units take their lot's expiry and their SKU's GTIN; LPN units are LPN labels."""
    lot = Lot("PUMP", "L1", "serial", expiry=date(2028, 3, 31))
    policy = PolicySnapshot("PUMP", "serial", gtin=GTIN)
    unit = Unit("SN1", "PUMP", "serial", "IN_STOCK", "WH1", lot="L1")
    assert label_for_unit(unit, lot, policy) == LabelData(
        "PUMP", "serial", "SN1", GTIN, "L1", date(2028, 3, 31)
    )
    dress = Unit("LPN0000000000017", "DRESS", "lpn", "IN_STOCK", "WH1")
    assert label_for_unit(dress, None, None).kind == "lpn"
    assert label_for_lot(lot, policy) == LabelData(
        "PUMP", "lot", None, GTIN, "L1", date(2028, 3, 31)
    )


def test_a_gs1_128_that_does_not_fit_is_an_error_when_asked_for():
    """Asked for by name, a GS1-128 too wide for 50x25 mm, or over 48 characters, is refused."""
    label = LabelData("PUMP", "serial", "SN-0001", gtin=GTIN, lot="L1")
    with pytest.raises(InputError, match="gs1-128 symbol .* does not fit on a 50x25 label"):
        render_labels([label], "zpl", "50x25", symbols=["gs1-128"], today=TODAY)
    long = LabelData("PUMP", "serial", "S" * 20, gtin=GTIN, lot="L" * 20)
    with pytest.raises(InputError, match="gs1-128 cannot carry this label's data: .*maximum 48"):
        render_labels([long], "zpl", "100x50", symbols=["gs1-128"], today=TODAY)


def test_auto_leaves_out_a_gs1_128_that_cannot_be_printed():
    """Chosen automatically, a too-long GS1-128 is left out; the DataMatrix carries the data."""
    long = LabelData("PUMP", "serial", "S" * 20, gtin=GTIN, lot="L" * 20)
    zpl = render_labels([long], "zpl", "100x50", today=TODAY).decode()
    assert "^BC" not in zpl and "^BX" in zpl and "^BQ" in zpl


def test_render_labels_refuses_unusable_options():
    """Unknown formats and sizes, sheets outside PDF, several labels in one PNG are refused."""
    label = LabelData("DRESS", "lpn", "LPN0000000000017")
    for kwargs, message in [
        ({"fmt": "svg"}, "format must be one of"),
        ({"fmt": "zpl", "size": "10x10"}, "size must be one of"),
        ({"fmt": "zpl", "size": "a4-3x8"}, "printed as a PDF"),
        ({"fmt": "zpl", "dpi": 600}, "dpi must be 203 or 300"),
        ({"fmt": "zpl", "copies": 0}, "copies must be at least 1"),
    ]:
        with pytest.raises(InputError, match=message):
            render_labels([label], today=TODAY, **kwargs)
    with pytest.raises(InputError, match="a PNG holds one label; 2 were asked for"):
        render_labels([label, label], "png", today=TODAY)
    with pytest.raises(InputError, match="no labels"):
        render_labels([], "zpl", today=TODAY)


def _tokens(text: str) -> list[str | None]:
    return [FNC1 if c == "|" else c for c in text]


@pytest.mark.parametrize(
    "text, zpl",
    [
        ("|0109506000134352", ">;>80109506000134352"),
        ("|01095060001343521727013110123|21X", ">;>80109506000134352172701311012>63>821X"),
        ("LPN0000000000017", ">:LPN0>5000000000017"),
        ("12345", ">;1234>65"),
        ("A12345B", ">:A12345B"),
        ("A123456B", ">:A>5123456>6B"),
        ("A1234567B", ">:A1>5234567>6B"),
        ("99", ">;99"),
        ("a>b", ">:a><b"),
    ],
)
def test_code128_plan_switches_subsets(text, zpl):
    """Digit runs go to subset C (odd runs leave one digit in B); '>' is written '><'."""
    planned, count = code128_plan(_tokens(text))
    assert planned == zpl
    decoded, decoded_count = read_bc(planned)
    expected = text.replace("|", "\x1d")
    assert decoded == ("]C1" + expected[1:] if text.startswith("|") else expected)
    assert count == decoded_count


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from("0123456789AZaz-/%>")), min_size=1, max_size=40)
)
def test_code128_plan_round_trips(tokens):
    """Whatever the mix of digits, letters and FNC1s, the plan encodes exactly the tokens."""
    planned, count = code128_plan(tokens)
    decoded, decoded_count = read_bc(planned)
    expected = "".join("\x1d" if t is None else t for t in tokens)
    if tokens[0] is None:
        expected = "]C1" + expected[1:]
    assert decoded == expected
    assert count == decoded_count
