"""The compiled fast lane writes, byte for byte, what the row-by-row Python path writes.

Every CSV the project carries (corpus, test catalogs, samples) and generated messy catalogs —
quoted fields, CRLF and lone carriage returns, blank lines, duplicate SKUs, ISBNs, odd prices,
currencies, accents, braces, HTML entities — are evaluated with the lane (`TRACKRIGHT_LANE=1`)
and without it; the decisions file and the summary must be the same.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from advisor_helpers import ROOT, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.advice.lane import drive
from advisor.advice.run import DecisionsFile, evaluate_file
from advisor.errors import CatalogError

CSVS = sorted(
    p
    for p in [
        *(ROOT / "tests/data/corpus").glob("*/*.csv"),
        *SAMPLES.glob("*.csv"),
        *(ROOT / "tests/data/catalogs").glob("*.csv"),
    ]
    if not p.name.endswith((".labels.csv", ".expected.csv"))
)

needs_kernel = pytest.mark.skipif(
    drive.kernel is None and not os.environ.get("CI"),
    reason="the lane's kernel is not built here (pip install -e . builds it)",
)


def _run(path: Path, book, out: Path, lane: bool, monkeypatch) -> tuple[bytes, dict, int]:
    monkeypatch.setenv(drive.ENV, "1" if lane else "0")
    done = evaluate_file(path, book, outputs=[DecisionsFile(out, "csv")], jobs=1)
    s = done.summary
    counts = {
        "decided": s.decided,
        "rejected": s.rejected,
        "skipped": s.skipped,
        "by_method": dict(s.by_method),
        "by_vertical": dict(s.by_vertical),
        "by_rule": dict(s.by_rule),
        "reasons": dict(s.rejection_reasons),
        "price_missing": s.price_missing,
        "not_stock": s.not_stock,
        "costs": repr(done.costs),
    }
    return out.read_bytes(), counts, done.lane_rows


def _same(path: Path, book, tmp: Path, monkeypatch) -> int:
    try:
        python, p_counts, none = _run(path, book, tmp / "python.csv", False, monkeypatch)
    except CatalogError:
        with pytest.raises(CatalogError):
            _run(path, book, tmp / "lane.csv", True, monkeypatch)
        return 0
    laned, l_counts, rows = _run(path, book, tmp / "lane.csv", True, monkeypatch)
    assert none == 0
    assert laned == python, path.name
    assert l_counts == p_counts, path.name
    return rows


def test_the_kernel_is_built_where_the_suite_runs_in_ci():
    """CI installs trackright editable, which compiles the kernel: never a silent fallback."""
    if os.environ.get("CI"):
        assert drive.kernel is not None
        assert drive.available()
    elif drive.kernel is None:
        pytest.skip("the kernel is not built in this checkout")


@needs_kernel
def test_every_catalog_the_project_carries(book, tmp_path, monkeypatch):
    owned = 0
    for path in CSVS:
        owned += _same(path, book, tmp_path, monkeypatch)
    assert owned > 1000  # the lane decided real rows itself, not only handed them back


@needs_kernel
def test_the_benchmark_catalog(book, tmp_path, monkeypatch):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_evaluate
    finally:
        sys.path.pop(0)
    src = tmp_path / "bench.csv"
    bench_evaluate.generate(src, 4000, seed=7)
    assert _same(src, book, tmp_path, monkeypatch) > 3500


WORDS = [
    "Laptop",
    "Phone",
    "5G",
    "Smartphone",
    "Tablet",
    "500",
    "mg",
    "Syrup",
    "Vol",
    "2",
    "8GB",
    "Gift",
    "Card",
    "Rice",
    "Basmati",
    "Lipstick",
    "Edition",
    "by",
    "Ring",
    "LED",
    "Gold",
    "Silver",
    "925",
    "Tea",
    "Mug",
    "Shirt",
    "Dress",
    "Toy",
    "Lego",
    "Kit",
    "00",
    "IU",
    "Bạc",
    "café",
    "{x}",
    "&amp;",
    "a;b",
    "J-K",
    "Flip-Flop",
    "O'Neill",
    "x",
    "Baby",
    "Formula",
]
CATS = [
    "",
    "Electronics > Audio",
    "Fashion > Dresses",
    "Grocery > Tea",
    "Health > Medicines",
    "Toys & Games",
    '["A >> B"]',
    "Books",
    "Jewellery > Rings",
    "Gift Cards",
    "Home; Kitchen",
]
PRICES = [
    "499",
    "1299.00",
    "12.5",
    "0",
    "",
    "-3",
    "1,299",
    "₹5",
    "1e3",
    " 45",
    "45 ",
    "7.",
    ".5",
    "99999999",
]
CURRENCIES = ["", "", "", "INR", "usd", "USD", "XYZ", "JPY", "EUR"]
HSNS = ["", "", "851713", "3004", "85 17", "711319", "4901"]
GTINS = ["", "", "8901234567890", "9781234567897", "12ab"]


@st.composite
def catalogs(draw) -> bytes:
    rng = random.Random(draw(st.integers(0, 10**9)))
    rows = draw(st.integers(1, 60))
    crlf = draw(st.booleans())
    bom = draw(st.booleans())
    end = "\r\n" if crlf else "\n"
    lines = ["sku,title,category,brand,price,currency,hsn,gtin"]
    for i in range(rows):
        k = rng.random()
        sku = f"S{i}"
        if k < 0.08:
            sku = f"S{rng.randrange(i + 1)}"
        elif k < 0.1:
            sku = rng.choice(["", " S9 ", "9781234567897", "'0012", "Ünï"])
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 7)))
        if rng.random() < 0.1:
            title = f" {title} "
        cells = [
            sku,
            title,
            rng.choice(CATS),
            rng.choice(["", "Acme", "Bosch"]),
            rng.choice(PRICES) if rng.random() < 0.3 else f"{rng.uniform(1, 90000):.2f}",
            rng.choice(CURRENCIES),
            rng.choice(HSNS),
            rng.choice(GTINS),
        ]
        if rng.random() < 0.05:
            cells = cells[: rng.randint(1, 7)]
        out = []
        for c in cells:
            if any(ch in c for ch in ',"\n') or rng.random() < 0.05:
                c = '"' + c.replace('"', '""') + '"'
            out.append(c)
        line = ",".join(out)
        r = rng.random()
        if r < 0.02:
            line += "\r"  # a lone carriage return: the csv module decides
        elif r < 0.04:
            lines.append("")
        lines.append(line)
    text = end.join(lines) + (end if rng.random() < 0.8 else "")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


@needs_kernel
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(catalogs())
def test_messy_catalogs_read_alike(book, tmp_path, monkeypatch, data):
    src = tmp_path / "messy.csv"
    src.write_bytes(data)
    _same(src, book, tmp_path, monkeypatch)


@needs_kernel
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefgilmnoprstuy 0123456789&+")), max_size=60))
def test_the_kernels_word_scan_is_the_automatons(lexicon_terms, text):
    """Every (end, word) the kernel finds, in the order pyahocorasick yields them."""
    terms, lex, ac = lexicon_terms
    padded = f" {text} "
    want = [(e, v[1]) for e, v in lex.iter(padded)]
    got = [(e, terms[t]) for e, t in ac.find(padded.encode())]
    assert got == want


@pytest.fixture(scope="module")
def lexicon_terms(book):
    from advisor.advice.classify.lexicon import Lexicon

    lex = Lexicon(book)
    terms = list(lex.entries)
    ac = drive.kernel.Automaton([f" {t} ".encode() if t.isascii() else b"" for t in terms])
    return terms, lex, ac


def test_summary_json_is_unchanged_by_the_lane(script, tmp_path):
    """As a user runs it: the CLI's decisions and summary files with and without the lane."""
    src = SAMPLES / "electronics_brand.csv"
    outs = {}
    for lane in ("0", "1"):
        got = script(
            "evaluate",
            str(src),
            "--format",
            "csv",
            "-o",
            str(tmp_path / f"{lane}.csv"),
            "--summary",
            str(tmp_path / f"{lane}.json"),
            env={drive.ENV: lane},
        )
        assert got.returncode == 0, got.stderr
        outs[lane] = (
            (tmp_path / f"{lane}.csv").read_bytes(),
            json.loads((tmp_path / f"{lane}.json").read_text()),
        )
    assert outs["0"] == outs["1"]


@needs_kernel
@pytest.mark.parametrize("stray_quotes", [False, True])
def test_first_half_claims_in_the_kernel_are_the_csv_modules(tmp_path, book, stray_quotes):
    """Two-process runs claim the first half's SKUs before the second starts: the kernel's
    claims fill the duplicate index exactly as the csv module's scan does."""
    from test_parallel import messy_big

    from advisor.advice import parallel

    src = tmp_path / "big.csv"
    messy_big(src, 3000, seed=11, stray_quotes=stray_quotes)
    plan = parallel.plan(src, minimum=1000)
    assert plan is not None
    a = parallel._builder(book, "INR", 3000)
    b = parallel._builder(book, "INR", 3000)
    got = drive.claim_first_half(src, plan, a)
    want = parallel._first_half_claims(src, plan, b)
    if got is None:  # the kernel would not read it: the caller runs the scan (idempotent)
        got = parallel._first_half_claims(src, plan, a)
    assert got == want
    assert a.seen._state[0] == b.seen._state[0] and a.seen._state[1] == b.seen._state[1]
    assert len(a.seen) == len(b.seen) > 1000


@needs_kernel
@pytest.mark.parametrize("before", ["\n", "\n\n", ",,,\n", " , \r\n", "\ufeff\n"])
def test_blank_records_before_the_header(book, tmp_path, monkeypatch, before):
    """The reader skips blank records before the header; the lane starts where it does."""
    src = tmp_path / "blank_first.csv"
    src.write_text(
        before + "sku,title,category,price\nP1,Redmi Note 13 5G,Mobiles,15999\n"
        "P2,Basmati Rice 5 kg,Grocery,649\n",
        encoding="utf-8",
    )
    assert _same(src, book, tmp_path, monkeypatch) == 2


@needs_kernel
@pytest.mark.parametrize(
    "last",
    [
        'P2,Basmati Rice 5 kg,649,"Acme",',
        'P2,"Basmati Rice 5 kg",649,',
        'P2,Basmati Rice 5 kg,649,"Acme"',
    ],
)
def test_the_files_last_record_without_a_newline(book, tmp_path, monkeypatch, last):
    """The file's last record with no line end — a quoted last field, a trailing delimiter —
    read and written as the Python path does."""
    src = tmp_path / "no_newline.csv"
    src.write_text(
        "sku,title,price,brand\nP1,Redmi Note 13 5G,15999,Xiaomi\n" + last, encoding="utf-8"
    )
    _same(src, book, tmp_path, monkeypatch)
