"""The memoised fast path writes exactly what deciding each row on its own would write.

`Evaluator.run` memoises a row's decision and explanation on its evidence (category shape, title
signature, value interval …) and the CSV / JSON Lines writers reuse pre-rendered text per
decision. The row-by-row reference here decides every record with `Evaluator.decide` (no row
memo) in a fresh evaluator and renders it with `writers.record`, the one definition of a row's
content; both must agree field for field on messy generated catalogs, the corpus and the samples.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from advisor_helpers import ROOT, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.advice.evaluate import Evaluator, Summary
from advisor.advice.run import open_rows
from advisor.advice.writers import COLUMNS, CsvWriter, JsonLinesWriter, record
from advisor.catalog.records import RejectedRow
from advisor.errors import CatalogError

CORPUS = ROOT / "tests" / "data" / "corpus"
CATALOGS = sorted(
    p
    for p in [*CORPUS.glob("*/*"), *SAMPLES.glob("*"), *(ROOT / "tests/data/catalogs").glob("*")]
    if p.suffix in (".csv", ".json", ".jsonl")
    and not p.name.endswith((".labels.csv", ".expected.csv"))
)


class Evaluators:
    """Evaluators by default currency, kept for the module (building one compiles the rules)."""

    def __init__(self, book) -> None:
        self.book = book
        self.made: dict[tuple[str, str], Evaluator] = {}

    def get(self, role: str, currency: str) -> Evaluator:
        key = (role, currency)
        if key not in self.made:
            self.made[key] = Evaluator(self.book, None, None, currency)
        return self.made[key]

    def close(self) -> None:
        for ev in self.made.values():
            ev.close()


def _reference(path: Path, evs: Evaluators) -> list[dict]:
    """Every row decided on its own (no row memo) and rendered by `writers.record`."""
    book = evs.book
    opened = open_rows(path, book)
    ev = evs.get("reference", opened.currency.choice.code)
    base, version = book.classification.base_currency, book.version
    out = []
    with opened.reader() as reader:
        for item in reader:
            if isinstance(item, RejectedRow):
                out.append(record(item, base, version))
                continue
            out.append(record(ev.evaluate_exactly(item), base, version))
    return out


def _fast(path: Path, evs: Evaluators) -> tuple[str, str, Summary]:
    """The fast path's CSV and JSON Lines text and its summary."""
    book = evs.book
    opened = open_rows(path, book)
    base, version = book.classification.base_currency, book.version
    texts = []
    for role, writer_cls in (("csv", CsvWriter), ("jsonl", JsonLinesWriter)):
        ev = evs.get(role, opened.currency.choice.code)
        buf = io.StringIO()
        writer = writer_cls(buf, base, version)
        summary = Summary()
        with opened.reader() as reader:
            for item in ev.run(reader, summary):
                writer.write(item)
        writer.close()
        texts.append(buf.getvalue())
    return texts[0], texts[1], summary


def _as_csv_cells(rec: dict) -> dict[str, str]:
    """A `record` as the CSV writer spells each field (lists with ;, yes/no, two decimals)."""
    if rec["status"] == "rejected":
        return {c: "" for c in COLUMNS} | {
            "row": str(rec["row"]),
            "status": "rejected",
            "sku": rec["sku"],
            "error": rec["error"],
        }
    out = {}
    for col in COLUMNS:
        v = rec.get(col, "")
        if isinstance(v, bool):
            v = "yes" if v else "no"
        elif isinstance(v, list):
            v = ";".join(v)
        elif v is None:
            v = ""
        elif col == "unit_value":
            v = f"{v:.2f}"
        out[col] = str(v)
    return out


def assert_same(path: Path, evs: Evaluators) -> None:
    try:
        want = _reference(path, evs)
    except CatalogError as refused:  # a file refused whole (no SKU column…): refused alike
        with pytest.raises(CatalogError) as fast_refused:
            _fast(path, evs)
        assert str(fast_refused.value) == str(refused)
        return
    csv_text, jsonl_text, summary = _fast(path, evs)
    got_json = [json.loads(line) for line in jsonl_text.splitlines()]
    assert len(got_json) == len(want)
    for g, w in zip(got_json, want, strict=True):
        assert g == w, f"{path.name} row {w['row']}"
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    for g, w in zip(rows, want, strict=True):
        assert g == _as_csv_cells(w), f"{path.name} row {w['row']} (csv)"
    decided = sum(1 for w in want if w["status"] == "decided")
    assert (summary.decided, summary.rejected) == (decided, len(want) - decided)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_and_samples_fast_equals_row_by_row(evaluators, path):
    """Each catalog the project ships gives the same rows on the fast and the row-by-row path."""
    assert_same(path, evaluators)


# ------------------------------------------------------------------ messy generated catalogs


def _vocabulary(book) -> list[str]:
    """Words and phrases the rulebook's verticals list, so generated rows hit real evidence."""
    words: list[str] = []
    for v in book.classification.verticals.values():
        for group in (v.categories, v.keywords, v.weak, v.strong, v.unless, v.requires):
            words.extend(group[:6])
    words.extend(book.classification.customised_keywords[:3])
    return sorted({w for w in words if w})


@st.composite
def messy_catalog(draw, vocab: list[str]) -> str:
    word = st.sampled_from(vocab)
    case = st.sampled_from([str, str.title, str.upper, str.lower])
    noise = st.sampled_from(
        ["", "Pro", "500 mg", "(42)", "2 x 250 ml", "Café", "—", "7", '12" Screen', "a, b", "XL"]
    )

    def phrase(n_max: int) -> str:
        parts = [
            draw(case)(draw(word)) if draw(st.booleans()) else draw(noise)
            for _ in range(draw(st.integers(0, n_max)))
        ]
        return draw(st.sampled_from([" ", "  ", "-", " / "])).join(parts)

    header = ["sku", "title", "category", "price", "currency", "hsn", "gtin"]
    extra = draw(st.sampled_from([[], ["type"], ["tags"], ["list_price"], ["type", "tags"]]))
    header += extra
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    w.writerow(header)
    skus: list[str] = []
    for i in range(draw(st.integers(0, 30))):
        sku = draw(st.sampled_from([f"S-{i}", f"S-{i}", "", " ", *(skus[:1] or ["S-x"])]))
        skus.append(sku)
        path = " > ".join(phrase(2) for _ in range(draw(st.integers(0, 4))))
        price = draw(
            st.sampled_from(
                ["499", "1299.50", "0", "", "-3", "₹1,299.00", "abc", "15000", "99.999", "1e3"]
            )
        )
        row = [
            sku,
            phrase(6),
            path,
            price,
            draw(st.sampled_from(["", "", "INR", "usd", "XYZ", "EUR"])),
            draw(st.sampled_from(["", "8517", "85171300", "3004", "x1", "9102"])),
            draw(st.sampled_from(["", "8901234567890", "abc"])),
        ]
        for col in extra:
            if col == "type":
                row.append(draw(case)(draw(word)) if draw(st.booleans()) else "")
            elif col == "tags":
                row.append(", ".join(draw(word) for _ in range(draw(st.integers(0, 2)))))
            else:
                row.append(draw(st.sampled_from(["", "599", "0"])))
        w.writerow(row)
    return buf.getvalue()


@pytest.fixture(scope="module")
def evaluators(book):
    evs = Evaluators(book)
    yield evs
    evs.close()


@pytest.fixture(scope="module")
def vocab(book):
    return _vocabulary(book)


@pytest.fixture(scope="module")
def classifier(book):
    from advisor.advice.classify import Classifier

    return Classifier(book)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_messy_catalogs_fast_equals_row_by_row(evaluators, vocab, tmp_path_factory, data):
    """Messy rows (rule words in any case, overlapping phrases, bad prices, duplicates) agree."""
    text = data.draw(messy_catalog(vocab))
    path = Path(tmp_path_factory.mktemp("messy")) / "messy.csv"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        assert_same(path, evaluators)
    except CatalogError:
        pass  # a file with no usable header is refused whole, on both paths alike


@settings(max_examples=150, deadline=None)
@given(titles=st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=8))
def test_title_signature_memo_equals_a_fresh_scan(classifier, titles):
    """A title's signature is the same whether its word layout was memoised or not."""
    warm = classifier.titles
    for t in titles:
        warm.signature(t)
    for t in titles:
        memoised = warm.signature(t)
        saved, warm._layout_memo = warm._layout_memo, {}
        try:
            assert memoised == warm.signature(t)
        finally:
            warm._layout_memo = saved
