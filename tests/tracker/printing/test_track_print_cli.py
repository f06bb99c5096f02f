"""`track labels` and `track export epcis` driven through click's runner, as a warehouse would."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from epcis_schema import validate
from label_helpers import decode_png

from advisor.cli import track as track_cli
from tracker.scan import parse_scan


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    store = tmp_path / "ws"

    def invoke(*args: str):
        return runner.invoke(track_cli.track, ["--store", str(store), *args])

    for args in (
        ("policy", "set", "PUMP", "--method", "serial", "--capture", "lot", "--capture", "expiry",
         "--gtin", "09506000134352"),
        ("policy", "set", "DRESS", "--method", "lpn"),
        ("policy", "set", "TEA", "--method", "batch", "--capture", "lot", "--capture", "expiry",
         "--gtin", "80614141123458"),
        ("receive", "PUMP", "--serial", "SN-1", "--serial", "SN-2", "--lot", "L-7/A",
         "--expiry", "2028-03-31"),
        ("receive", "TEA", "--lot", "T1", "--qty", "50", "--expiry", "2027-06-30"),
        ("receive", "DRESS", "--generate", "3"),
    ):  # fmt: skip
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    return invoke


def test_labels_for_the_last_receipt_as_zpl(run, tmp_path):
    """--receipt last prints the LPNs just minted, one ZPL format each, Code 128."""
    out = tmp_path / "inward.zpl"
    result = run("labels", "--receipt", "last", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "3 label(s) as ZPL written to" in result.output
    zpl = out.read_text()
    assert zpl.count("^XA") == 3 and ">:LPN0>5000000000017" in zpl


def test_labels_by_identifier_as_png_scan_back(run, tmp_path):
    """A named serial prints as PNG whose DataMatrix scans back to the same unit."""

    out = tmp_path / "sn.png"
    assert run("labels", "SN-1", "-o", str(out)).exit_code == 0
    (read,) = decode_png(out.read_bytes())
    scan = parse_scan(read.scanned)
    assert (scan.gtin, scan.serial, scan.lot, str(scan.expiry)) == (
        "09506000134352", "SN-1", "L-7/A", "2028-03-31",
    )  # fmt: skip


def test_labels_of_a_lot_as_pdf_sheets(run, tmp_path):
    """--lot TEA:T1 --copies 30 fills two A4 sheets with the lot's GS1 label."""
    import pypdfium2 as pdfium

    out = tmp_path / "tea.pdf"
    result = run("labels", "--lot", "TEA:T1", "--copies", "30", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(pdfium.PdfDocument(out.read_bytes())) == 2
    result = run("labels", "(01)80614141123458(17)270630(10)T1", "--format", "zpl")
    assert result.exit_code == 0 and "^FD_10180614141123458172706301" in result.output
    result = run("labels", "--lot", "PUMP:L-7/A", "--size", "100x50", "--format", "zpl")
    assert result.exit_code == 0 and result.output.count("^XA") == 2
    assert (
        "^FDMA,https://id.gs1.org/01/09506000134352/10/L-7%2FA/21/SN-1?17=280331" in result.output
    )


@pytest.mark.parametrize(
    "args, code, message",
    [
        ((), 2, "give identifiers, --receipt last|ID or --lot SKU:LOT"),
        (("NOPE",), 1, "NOPE is neither a unit nor a SKU:LOT"),
        (("--lot", "TEA"), 2, "must be written SKU:LOT"),
        (("SN-1", "-o", "missing/dir/x.zpl"), 2, "does not exist"),
        (("SN-1", "SN-2", "--format", "png", "-o", "x.png"), 2, "a PNG holds one label; 2"),
        (
            ("LPN0000000000017", "--symbol", "datamatrix"),
            1,
            "an LPN is printed as a plain Code 128",
        ),
        (("--receipt", "abc"), 2, "at least 6 characters"),
        (("SN-1", "--size", "a4-3x8"), 2, "printed as a PDF"),
    ],
)
def test_label_mistakes_are_one_line_errors(run, args, code, message):
    """Each mistake exits 1 (refused) or 2 (unusable input) with the reason, no traceback."""
    result = run("labels", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_export_epcis_to_stdout_and_file(run, tmp_path):
    """The export is valid EPCIS 2.0 on stdout, or written to -o with a count."""
    result = run("export", "epcis")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    validate(doc)
    assert len(doc["epcisBody"]["eventList"]) == 3
    out = tmp_path / "events.jsonld"
    result = run("export", "epcis", "-o", str(out), "--company-prefix", "9506000")
    assert result.exit_code == 0 and "3 EPCIS event(s) written to" in result.output
    assert "urn:epc:id:sgtin:9506000.013435.SN-1" in out.read_text()


def test_export_epcis_date_range(run):
    """--from / --to select days; a range with nothing in it is an empty, valid document."""
    result = run("export", "epcis", "--from", "2000-01-01", "--to", "2000-12-31")
    assert result.exit_code == 0
    assert json.loads(result.output)["epcisBody"]["eventList"] == []
    result = run("export", "epcis", "--from", "2030-01-01", "--to", "2029-01-01")
    assert result.exit_code == 2 and "is before --from" in result.output
    result = run("export", "epcis", "--from", "01/02/2025")
    assert result.exit_code == 2 and "Invalid value for '--from'" in result.output
    result = run("export", "epcis", "--company-prefix", "12a")
    assert result.exit_code == 2 and "6 to 12 digits" in result.output
    result = run("export", "epcis", "--base-uri", "brand.example")
    assert result.exit_code == 2 and "expected an absolute web address" in result.output
