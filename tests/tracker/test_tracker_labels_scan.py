"""GS1 check digits, LPN labels and scanner input parsing."""

from __future__ import annotations

from datetime import date

import pytest
from tracker_helpers import BOTH

from tracker import BadIdentifierError
from tracker.labels import check_lpn, gs1_check_digit, make_lpn
from tracker.scan import parse_scan

STORES = BOTH  # every test taking `store_path` or `tracker` runs on both stores


def test_check_digit_worked_examples():
    """The GS1 mod-10 check digit matches the worked examples in the research notes."""
    assert gs1_check_digit("629104150021") == 3
    assert gs1_check_digit("8061414112345") == 8


def test_lpn_check_digit_agrees_with_biip():
    """The LPN check digit (kept here: importing biip costs 0.2 s a scan) is biip's GS1 mod-10."""
    import random

    from biip.checksums import gs1_standard_check_digit

    rng = random.Random(12)
    for n in range(1, 19):
        for _ in range(20):
            body = "".join(rng.choice("0123456789") for _ in range(n))
            assert gs1_check_digit(body) == gs1_standard_check_digit(body), body


def test_lpn_round_trip_and_bad_check_digit():
    """Minted LPNs pass their own check; a changed last digit is refused."""
    label = make_lpn(42)
    check_lpn(label)
    with pytest.raises(BadIdentifierError, match="check digit"):
        check_lpn(label[:-1] + str((int(label[-1]) + 1) % 10))


@pytest.mark.parametrize(
    "text",
    [
        "(01)80614141123458(21)SN1(17)270131(10)L1",
        "0180614141123458172701311" + "0L1\x1d21SN1",
        "]d20180614141123458172701311" + "0L1\x1d21SN1",
    ],
)
def test_gs1_forms_carry_the_same_data(text):
    """Parenthesised, raw-with-GS and symbology-prefixed element strings parse alike."""
    scan = parse_scan(text)
    assert (scan.gtin, scan.serial, scan.lot, scan.expiry) == (
        "80614141123458",
        "SN1",
        "L1",
        date(2027, 1, 31),
    )


def test_bad_gtin_check_digit_is_refused():
    """A GTIN whose check digit is wrong is refused with the reason."""
    with pytest.raises(BadIdentifierError, match="GTIN"):
        parse_scan("(01)80614141123459(21)X")


@pytest.mark.parametrize("text", ["", "has space", "x" * 65, "tab\there"])
def test_bad_plain_identifiers_are_refused(text):
    """Empty, spaced, over-long or control-character identifiers are refused."""
    with pytest.raises(BadIdentifierError):
        parse_scan(text)


def test_plain_identifier_passes_through():
    """A plain serial is taken as it is."""
    assert parse_scan("SN-0001").identifier == "SN-0001"
