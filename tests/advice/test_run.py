"""One evaluation for every caller: evaluate, the app, rules diff / lint / explain --catalog agree."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.advice.profile import BrandProfile
from advisor.advice.recommend import recommend_from_catalog
from advisor.advice.run import Collect, DecisionsFile, evaluate_file
from advisor.advice.writers import record
from advisor.catalog.records import RejectedRow
from advisor.cli.main import cli
from advisor.rulebook.load import load_rulebook

SHOPIFY = (
    "Handle,Title,Vendor,Type,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
    "Variant Compare At Price,Variant Barcode\n"
    "buds,Wireless Earbuds,Volta,Earbuds,Title,Default Title,BUDS-1,100,,'8901234567890\n"
    "buds-pro,Pro Earbuds,Volta,Earbuds,Title,Default Title,BUDS-2,14,,\n"
    "case,Phone Case,Volta,Phone Cases,Title,Default Title,CASE-1,9,12,\n"
    "draft,Draft Speaker,Volta,Speakers,Title,Default Title,SPK-0,0.00,,\n"
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def shop(tmp_path: Path) -> Path:
    path = tmp_path / "products_export.csv"
    path.write_text(SHOPIFY, encoding="utf-8")
    return path


def jsonl(text: str) -> dict[str, dict]:
    return {r["sku"]: r for r in map(json.loads, text.splitlines())}


def test_explain_catalog_uses_the_currency_evaluate_uses(tmp_path):
    """A price of 100 is 100 × the USD rate under evaluate and under explain --catalog alike."""
    path = shop(tmp_path)
    usd = load_rulebook().currencies.rate("USD")
    ev = jsonl(run("evaluate", str(path), "--format", "jsonl", "--currency", "USD").stdout)
    ex = run(
        "rules", "explain", "--catalog", str(path), "--sku", "BUDS-1", "--currency", "USD",
        "--format", "json",
    )  # fmt: skip
    assert ex.exit_code == 0, ex.stderr
    assert ev["BUDS-1"]["unit_value"] == round(100 * usd, 2)
    assert json.loads(ex.stdout)["facts"]["unit_value"] == 100 * usd


def test_explain_catalog_uses_the_profiles_currency(tmp_path):
    """With the profile's `currency: USD` (no option), explain values the row in USD too."""
    path = shop(tmp_path)
    profile = tmp_path / "brand.yaml"
    profile.write_text("currency: USD\n", encoding="utf-8")
    ev = jsonl(run("evaluate", str(path), "--format", "jsonl", "--profile", str(profile)).stdout)
    ex = run(
        "rules", "explain", "--catalog", str(path), "--sku", "BUDS-1", "--profile", str(profile),
        "--format", "json",
    )  # fmt: skip
    assert json.loads(ex.stdout)["facts"]["unit_value"] == ev["BUDS-1"]["unit_value"] != 100


def test_diff_examples_carry_their_own_rows_unit_value(tmp_path, rules_copy):
    """Two flipped SKUs sharing a decision show their own values, in the currency given."""
    path = shop(tmp_path)
    rules_copy.edit(
        "classification.yaml",
        "{low: 0, mid: 1000, high: 10000, premium: 50000}",
        "{low: 0, mid: 20000, high: 30000, premium: 50000}",
    )
    result = run(
        "rules", "diff", str(load_rulebook().root), str(rules_copy.root), "--catalog", str(path),
        "--currency", "USD", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    examples = [e for g in json.loads(result.stdout)["flip_matrix"] for e in g["examples"]]
    usd = load_rulebook().currencies.rate("USD")
    values = {e["sku"]: e["unit_value"] for e in examples}
    assert values["BUDS-1"] == 100 * usd and values["BUDS-2"] == 14 * usd


def test_lint_catalog_reads_columns_and_states_the_currency(tmp_path):
    """`rules lint --catalog` takes --column like evaluate, and states the assumed currency."""
    path = tmp_path / "n.csv"
    path.write_text("Artikel,Bezeichnung,Preis\nA1,Earbuds,999\n", encoding="utf-8")
    refused = run("rules", "lint", "--catalog", str(path))
    mapped = run(
        "rules", "lint", "--catalog", str(path), "--column", "sku=Artikel",
        "--column", "title=Bezeichnung", "--column", "price=Preis", "--fail-on", "never",
    )  # fmt: skip
    assert refused.exit_code == 2 and "no SKU column" in refused.stderr
    assert mapped.exit_code == 0 and "read as INR (assumed" in mapped.stderr


def test_output_carries_gtin_price_status_and_flags(tmp_path):
    """Each decided row has its GS1 barcode, and a 0.00 price is flagged, in CSV and JSON."""
    path = shop(tmp_path)
    summary = tmp_path / "s.json"
    out = run(
        "evaluate", str(path), "--format", "csv", "--currency", "USD", "--summary", str(summary)
    )
    rows = {r["sku"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert rows["BUDS-1"]["gtin"] == "8901234567890"
    assert (rows["SPK-0"]["status"], rows["SPK-0"]["price_status"], rows["SPK-0"]["flags"]) == (
        "decided", "missing", "no_price",
    )  # fmt: skip
    assert rows["BUDS-1"]["price_status"] == "ok" and rows["SPK-0"]["unit_value"] == ""
    assert json.loads(summary.read_text())["price_missing"] == 1
    js = jsonl(run("evaluate", str(path), "--format", "jsonl", "--currency", "USD").stdout)
    assert js["SPK-0"]["flags"] == ["no_price"] and js["BUDS-1"]["gtin"] == "8901234567890"
    assert js["CASE-1"]["unit_value"] == round(12 * load_rulebook().currencies.rate("USD"), 2)


def test_the_app_and_evaluate_give_the_same_records(tmp_path, book):
    """The app's recommendation is evaluate_file's: the same records, row for row."""
    path = shop(tmp_path)
    profile = BrandProfile(currency="USD")
    keep = Collect()
    evaluate_file(path, book, profile, outputs=[keep])
    rec = recommend_from_catalog(book, profile, path)
    mine = [record(i, "INR", book.tag) for i in keep.items]
    app = [record(i, "INR", book.tag) for i in rec.items]
    assert mine == app and rec.currency is not None and rec.currency.choice.source == "profile"


def test_evaluate_file_writes_a_decisions_file_and_reports(tmp_path, book):
    """The core function writes the file a CLI user gets, and returns summary, costs, currency."""
    path = shop(tmp_path)
    target = tmp_path / "d.jsonl"
    run_ = evaluate_file(path, book, outputs=[DecisionsFile(target, "jsonl")], currency="USD")
    assert run_.summary.decided == 4 and run_.summary.price_missing == 1
    assert run_.format == "shopify" and run_.currency.choice.source == "option"
    assert len(target.read_text().splitlines()) == 4


_CELLS = st.sampled_from(["", " ", "0", "0.00", "'100", "NA", "₹1,299.00", "12,5", "abc", "x\ny"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    id_header=st.sampled_from(["sku", "index", "ItemKey", "pid", "id"]),
    rows=st.lists(st.tuples(st.text("AB12'", max_size=3), _CELLS, _CELLS), max_size=30),
    trailing=st.integers(0, 50),
)
def test_every_row_is_decided_or_rejected_with_its_number(
    tmp_path, book, id_header, rows, trailing
):
    """Whatever the cells, each non-blank row is decided or rejected once, under its own number."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([id_header, "name", "price", "mrp"])
    for sku, price, mrp in rows:
        w.writerow([sku, "Item", price, mrp])
    buf.write(",,,\r\n" * trailing)
    path = tmp_path / "h.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    keep = Collect()
    result = evaluate_file(path, book, currency="INR", outputs=[keep])
    numbers = [i.row if isinstance(i, RejectedRow) else i.record.row for i in keep.items]
    assert numbers == list(range(1, len(rows) + 1))  # every row has a name: none is blank
    s = result.summary
    assert s.decided + s.rejected == s.rows_read == len(keep.items)
    assert s.skipped == trailing


def test_a_checkout_uses_its_own_rules_folder():
    """The bundled rules of a source checkout are the rules/ beside advisor/, not an install's."""
    from advisor.rulebook.load import bundled_rules_dir

    assert bundled_rules_dir() == Path(__file__).resolve().parents[2] / "rules"


def test_two_processes_equal_one_on_a_marketplace_list(cli, tmp_path):
    """MRP, sub-category levels, zero prices, apostrophe SKUs duplicated across the cut: identical."""
    import random

    rng = random.Random(11)
    path = tmp_path / "bb.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["index", "product", "category", "sub_category", "sale_price", "market_price",
                    "type", "barcode"])  # fmt: skip
        for i in range(4000):
            sku = f"'{i}" if rng.random() < 0.1 else str(i)
            if rng.random() < 0.02:
                sku = str(rng.randrange(max(i, 1)))
            w.writerow([
                sku, f'Item {i}, "x"', rng.choice(["Beauty & Hygiene", "Baby Care"]),
                rng.choice(["Health & Medicine", "Diapers"]),
                rng.choice(["0", "", f"{rng.uniform(10, 5000):.2f}"]),
                f"{rng.uniform(10, 6000):.2f}" if rng.random() < 0.7 else "",
                rng.choice(["Everyday Medicine", "Pants", ""]), "'8901234567890",
            ])  # fmt: skip
    env = {"TRACKRIGHT_PARALLEL_MIN_BYTES": "1000"}
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"d{jobs}.jsonl"
        r = cli("evaluate", str(path), "--format", "jsonl", "-o", str(out), "--no-summary",
                "--summary", str(tmp_path / f"s{jobs}.json"), "--jobs", jobs, env=env)  # fmt: skip
        assert r.returncode == 1  # duplicates on purpose
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    a, b = (json.loads((tmp_path / f"s{j}.json").read_text()) for j in ("1", "2"))
    assert a == b and a["price_missing"] > 0 and a["rows_read"] == 4000
