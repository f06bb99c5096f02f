"""`trackright evaluate`: every row decided or rejected, summaries, costs and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from advisor_helpers import SAMPLES, SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.rulebook.load import load_rulebook

PROFILE = str(SAMPLES / "brand_profile.yaml")


def decisions(result) -> dict[str, dict]:
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {r["sku"]: r for r in rows}


def run_jsonl(cli, name: str, *extra: str) -> tuple[dict[str, dict], object]:
    r = cli("evaluate", str(SAMPLES / name), "--format", "jsonl", *extra)
    return decisions(r), r


# ------------------------------------------------------------------ sample catalogs


def test_electronics_sample(cli):
    """Phones and laptops are serial, cheap cables and cases batch."""
    d, r = run_jsonl(cli, "electronics_brand.csv")
    assert r.returncode == 0, r.stderr
    assert len(d) == 30
    assert d["VLT-PH-X1U-512"]["method"] == "serial" and d["VLT-PH-X1U-512"]["regulations"] == [
        "in-imei-registration"
    ]
    assert d["VLT-LT-PRO16"]["method"] == "serial"
    assert d["VLT-CB-C2C1M"]["method"] == "batch" and d["VLT-CS-A15-CLR"]["method"] == "batch"


def test_luxury_sample_with_semicolons_and_indian_grouping(cli):
    """A `;` file with ₹1,29,999.00 prices: jewellery and watches serial, at the right value."""
    d, r = run_jsonl(cli, "luxury_jewellery.csv")
    assert r.returncode == 0, r.stderr
    ring = d["AUR-RG-SOL-18K"]
    assert (
        ring["unit_value"] == 129999.0
        and ring["vertical"] == "fine_jewellery"
        and ring["method"] == "serial"
    )
    assert d["AUR-WT-CHR-42"]["method"] == "serial"


def test_fast_fashion_shopify_sample(cli):
    """Shopify variants inherit the product; basics are batch, mid-value dresses an LPN (fit returns)."""
    d, r = run_jsonl(cli, "fast_fashion_shopify.csv")
    assert r.returncode == 0, r.stderr
    assert d["NB-TEE-M"]["method"] == "batch"
    assert d["NB-FMD-M"]["method"] == "lpn" and d["NB-FMD-M"]["rule"] == "fashion-mid"
    assert any(sku.startswith("satin-slip-dress-") for sku in d), (
        "empty Variant SKU falls back to handle + option"
    )


def test_supplements_sample(cli):
    """Supplements and OTC medicines are batch with lot and expiry, and returns go to QC."""
    d, r = run_jsonl(cli, "supplements_otc.csv")
    assert r.returncode == 0, r.stderr
    for sku in ("FIT-MV-MEN-60", "OTC-PCM-650-15"):
        assert (
            d[sku]["method"] == "batch"
            and {"lot", "expiry"} <= set(d[sku]["capture"])
            and d[sku]["return_qc"]
        )
    assert d["SKN-SPF-50-80"]["vertical"] == "beauty" and not d["SKN-SPF-50-80"]["return_qc"]


def test_food_sample_jsonl(cli):
    """Every food SKU is batch with expiry under the FSSAI rules."""
    d, r = run_jsonl(cli, "food_brand.jsonl")
    assert r.returncode == 0, r.stderr
    assert len(d) == 20
    assert all(
        x["method"] == "batch"
        and "expiry" in x["capture"]
        and "in-fssai-labelling" in x["regulations"]
        for x in d.values()
    )


def test_marketplace_sample_json(cli):
    """Devices serial, consumables batch+expiry, the sofa and the numbered collectible serial, gifts LPN."""
    d, r = run_jsonl(cli, "marketplace_mixed.json")
    assert r.returncode == 0, r.stderr
    assert d["MED-BPM-ARM"]["method"] == "serial"
    assert d["MED-SYR-5ML-100"]["method"] == "batch" and "expiry" in d["MED-SYR-5ML-100"]["capture"]
    assert d["BK-NOV-HIN-01"]["method"] == "batch"
    assert d["HM-SOF-3S-TEAK"]["method"] == "serial"
    assert d["TOY-COL-FIG-LTD"]["method"] == "serial" and d["TOY-PZL-500"]["method"] == "batch"
    assert d["BTY-LIP-MAT-RED"]["method"] == "batch"
    assert d["BTY-EDP-OUD-100"]["method"] == "serial"
    assert d["GFT-MUG-PRS"]["method"] == "lpn" and d["GFT-MUG-PRS"]["rule"] == "customised-gifts"


def test_messy_catalog_decides_good_rows_and_explains_the_rest(cli, tmp_path):
    """BOM, `;`, CRLF, quoted newline, odd prices, duplicates, blank SKUs: good rows decided, bad ones explained."""
    errors = tmp_path / "rejected.csv"
    r = cli(
        "evaluate", str(SAMPLES / "messy_catalog.csv"), "--format", "jsonl", "--errors", str(errors)
    )
    assert r.returncode == 1
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 13 and [x["row"] for x in rows] == list(range(1, 14))
    status = {x["row"]: x for x in rows}
    assert status[1]["unit_value"] == 1299.0 and status[2]["unit_value"] == 399.0
    eur = load_rulebook().currencies.rate("EUR")
    assert status[3]["unit_value"] == pytest.approx(round(1299.0 * eur, 2))  # 1.299,00 EUR
    assert "ninety thousand" in status[5]["error"] and "negative" in status[6]["error"]
    assert status[7]["error"] == "missing SKU"
    assert "first seen on row 2" in status[8]["error"]
    assert "unknown currency XYZ" in status[9]["error"] and "currencies.yaml" in status[9]["error"]
    assert (status[12]["status"], status[12]["price_status"]) == ("decided", "missing")
    assert status[12]["flags"] == ["no_price"] and status[12]["unit_value"] is None
    assert status[13]["unit_value"] == 123456.0
    rejected = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert [int(x["row"]) for x in rejected] == [5, 6, 7, 8, 9, 10]


@pytest.mark.skipif(
    not (SHARED / "data" / "shopify-samples").is_dir(), reason="shared Shopify samples not present"
)
@pytest.mark.parametrize("name", ["apparel.csv", "home-and-garden.csv", "jewelery.csv"])
def test_real_shopify_samples_evaluate_without_rejections(cli, name):
    """Shopify's own sample exports (USD prices) evaluate with no unexplained rejections."""
    r = cli(
        "evaluate",
        str(SHARED / "data" / "shopify-samples" / name),
        "--currency",
        "USD",
        "--format",
        "jsonl",
    )
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all(x["status"] == "decided" for x in rows)
    verticals = {x["vertical"] for x in rows}
    expected = {
        "apparel.csv": "fashion",
        "home-and-garden.csv": "home",
        "jewelery.csv": "fashion_jewellery",
    }[name]
    assert expected in verticals


# ------------------------------------------------------------------ output, summary, costs


def test_json_output_has_the_documented_fields(cli, tmp_path):
    """JSON output is one object per input row with the fields other tools rely on."""
    out = tmp_path / "d.json"
    r = cli("evaluate", str(SAMPLES / "electronics_brand.csv"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 30
    for key in (
        "sku",
        "title",
        "vertical",
        "value_band",
        "regulated",
        "method",
        "capture",
        "rule",
        "reason",
        "matched",
        "rulebook_version",
        "row",
        "status",
    ):
        assert key in rows[0]
    assert (
        "Summary" in r.stdout and "Monthly cost" in r.stdout
    )  # the summary goes to the terminal, not the file


def test_csv_on_stdout_stays_clean_when_piped(cli):
    """Piped CSV is pure data: one header, one line per row, nothing else on stdout or stderr."""
    r = cli("evaluate", str(SAMPLES / "food_brand.jsonl"), "--format", "csv")
    assert r.returncode == 0 and r.stderr == ""
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 20 and rows[0]["method"] == "batch"


def test_table_output_shows_decisions_summary_and_costs(cli):
    """The terminal table lists decisions, then the summary and the monthly cost comparison."""
    r = cli(
        "evaluate",
        str(SAMPLES / "electronics_brand.csv"),
        "--format",
        "table",
        "--profile",
        PROFILE,
    )
    assert r.returncode == 0, r.stderr
    for text in (
        "Tracking decisions",
        "SERIAL",
        "Summary",
        "By vertical",
        "Rules that decided most",
        "This policy",
        "Serial everywhere",
        "Batch everywhere",
        "Where serial and LPN pay",
        "Inputs",
    ):
        assert text in r.stdout, text


def test_summary_json_costs_follow_the_article(cli, tmp_path):
    """5,000 orders a month at INR 2 per serialised unit is INR 10,000 for 'serialise everything'."""
    summary = tmp_path / "s.json"
    r = cli(
        "evaluate",
        str(SAMPLES / "electronics_brand.csv"),
        "--format",
        "csv",
        "-o",
        str(tmp_path / "d.csv"),
        "--monthly-orders",
        "5000",
        "--summary",
        str(summary),
    )
    assert r.returncode == 0, r.stderr
    s = json.loads(summary.read_text())
    assert s["rows_read"] == s["decided"] + s["rejected"] == 30
    assert s["costs"]["monthly_units"] == 5000
    assert s["costs"]["serialise_all"] == pytest.approx(10000.0)
    assert s["costs"]["batch_all"] < s["costs"]["recommended"] < s["costs"]["serialise_all"]
    phones = next(v for v in s["costs"]["verticals"] if v["vertical"] == "mobile_phones")
    # f_bad* = (extra cost of serial − repeat loops broken) / (returns × P × L): tiny for phones
    serial, batch = phones["plans"]["serial"], phones["plans"]["batch"]
    returns = phones["monthly_units"] * phones["return_rate"]
    gap = serial["cost"] - batch["cost"] - serial["repeat"] - serial["mismatch"]
    assert phones["break_even"]["serial"]["share"] == pytest.approx(
        gap / (returns * phones["avg_unit_value"]), rel=1e-3
    )
    assert (
        "serialising mobile_phones pays once more than 1 in"
        in (phones["break_even"]["serial"]["words"])
    )


# ------------------------------------------------------------------ unusable input and exit codes


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff\xfe binary \x00\x00", "binary"),
        (b"colour,size,weight\nred,M,2\n", "SKU"),
    ],
)
def test_unusable_files_exit_2_with_one_sentence(cli, tmp_path, content, message):
    """Empty, binary or unrecognisable files get one clear sentence and exit code 2."""
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    r = cli("evaluate", str(f))
    assert r.returncode == 2
    assert message.lower() in r.stderr.lower() and "Traceback" not in r.stderr
    assert len([line for line in r.stderr.splitlines() if line.strip()]) <= 3


def test_missing_file_exit_2(cli, tmp_path):
    """A path that does not exist is exit 2 with the path named."""
    r = cli("evaluate", str(tmp_path / "nope.csv"))
    assert r.returncode == 2 and "nope.csv" in r.stderr


def test_broken_rulebook_exit_2(cli, rules_copy):
    """Evaluating with a broken rulebook stops before reading the catalog, with file:line."""
    row = rules_copy.row("policy.yaml", "books")
    rules_copy.edit("policy.yaml", row, row.replace(" books,", " bookz,"))
    r = cli("evaluate", str(SAMPLES / "food_brand.jsonl"), "--rules", str(rules_copy.root))
    assert r.returncode == 2 and "policy.yaml:" in r.stderr and "bookz" in r.stderr


def test_unknown_currency_option_exit_2(cli):
    """A --currency without a rate is refused up front."""
    r = cli("evaluate", str(SAMPLES / "fast_fashion_shopify.csv"), "--currency", "XYZ")
    assert r.returncode == 2 and "XYZ" in r.stderr


def test_bad_profile_exit_2(cli, tmp_path):
    """A profile with a misspelt key names the key and suggests the right one."""
    p = tmp_path / "p.yaml"
    p.write_text("monthly_order: 5000\n")
    r = cli("evaluate", str(SAMPLES / "food_brand.jsonl"), "--profile", str(p))
    assert r.returncode == 2 and "monthly_orders" in r.stderr


def test_profile_from_a_pipe_is_read_once():
    """`--profile <(…)` in a shell hands over a pipe: it is read (once), not "no such file"."""
    trackright = Path(sys.executable).with_name("trackright")
    line = (
        f"'{trackright}' evaluate '{SAMPLES / 'food_brand.jsonl'}' --format json "
        f"--profile <(cat '{SAMPLES / 'brand_profile.yaml'}')"
    )
    r = subprocess.run(["bash", "-c", line], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "no such brand profile" not in r.stderr and json.loads(r.stdout)


# ------------------------------------------------------------------ accounting invariant

GOOD = st.tuples(
    st.from_regex(r"[A-Z]{2}-[0-9]{1,5}", fullmatch=True),
    st.sampled_from(["Phone", "Kurta", "Tea 500g", "Engraved pen", "Sofa"]),
    st.sampled_from(
        ["Electronics > Mobile Phones", "Fashion > Kurtas", "Grocery > Tea", "Gifts", ""]
    ),
    st.sampled_from(["499", "₹1,299.00", "Rs. 399", "1.299,00", "12,34,567.50", "0"]),
    st.sampled_from(["", "INR", "USD"]),
)
BAD_PRICE = st.sampled_from(["ninety thousand", "-5", "", "abc", "1..2"])


@st.composite
def messy_file(draw):
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        sku, title, cat, price, cur = draw(GOOD)
        kind = draw(
            st.sampled_from(
                ["good", "good", "good", "bad_price", "blank_sku", "dup", "bad_currency"]
            )
        )
        if kind == "bad_price":
            price = draw(BAD_PRICE)
        elif kind == "blank_sku":
            sku = ""
        elif kind == "dup" and rows:
            sku = rows[0][0]
        elif kind == "bad_currency":
            cur = "XYZ"
        rows.append((sku, title, cat, price, cur))
    delim = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator=newline)
    w.writerow(["SKU", "Product Name", "Category", "MRP", "Currency"])
    w.writerows(rows)
    return ("\ufeff" if bom else "") + buf.getvalue(), len(rows)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=messy_file())
def test_decided_plus_rejected_equals_rows_read(book, tmp_path_factory, data):
    """For any messy file, every data row is decided or rejected — none lost, none invented."""
    from advisor.advice.evaluate import Evaluator, Summary
    from advisor.catalog import open_catalog
    from advisor.catalog.records import RejectedRow
    from advisor.errors import CatalogError

    text, n = data
    path = Path(tmp_path_factory.mktemp("messy")) / "messy.csv"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        reader = open_catalog(path)
    except CatalogError:
        assert n == 0  # only a file with no data rows may be unusable here
        return
    ev = Evaluator(book)
    summary = Summary()
    try:
        items = list(ev.run(reader, summary))
    finally:
        ev.close()
    assert summary.decided + summary.rejected == summary.rows_read == len(items) == n
    assert sorted(i.row if isinstance(i, RejectedRow) else i.record.row for i in items) == list(
        range(1, n + 1)
    )


def test_large_file_streams_with_progress_off_when_piped(cli, tmp_path):
    """A few thousand rows stream through; stderr carries only the currency the run assumed."""
    f = tmp_path / "big.csv"
    with f.open("w", encoding="utf-8") as fh:
        fh.write("sku,title,category,price\n")
        for i in range(5000):
            fh.write(f"S{i},Item {i},Electronics > Audio,{100 + i}\n")
    r = cli("evaluate", str(f), "--format", "jsonl")
    assert r.returncode == 0 and len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("trackright: prices without a currency of their own are read as INR")
    assert len(r.stdout.splitlines()) == 5000


def test_unwritable_output_is_refused_before_any_work(cli, tmp_path):
    """-o into a folder that does not exist is exit 2 with the path named, not a traceback."""
    r = cli("evaluate", str(SAMPLES / "food_brand.jsonl"), "-o", str(tmp_path / "nope" / "d.csv"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr
    r = cli(
        "evaluate",
        str(SAMPLES / "food_brand.jsonl"),
        "-o",
        str(tmp_path / "d.csv"),
        "--errors",
        str(tmp_path / "nope" / "e.csv"),
    )
    assert r.returncode == 2 and "rejected rows" in r.stderr
