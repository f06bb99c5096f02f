"""Catalogs in fourteen languages, titles only, decided as an expert would: one file per language.

Each `tests/data/languages/<code>.csv` is a store's export as its merchants write it — no
category, no HSN, prices in the store's currency — with the vertical an expert gives each row
(tests/data/corpus/LABELLING.md) in its `expected` column. `vi.csv` holds titles with their
tones and without. They are read through `trackright evaluate`, as a user runs it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

LANGUAGES = Path(__file__).resolve().parents[1] / "data" / "languages"
FILES = sorted(LANGUAGES.glob("*.csv"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_title_only_catalog_in_its_own_language_gets_each_rows_vertical(cli, tmp_path, path):
    """Every row decided; at most one in twenty differs from the expert's vertical."""
    out = tmp_path / "decisions.jsonl"
    ran = cli("evaluate", str(path), "--format", "jsonl", "-o", str(out), "--no-summary")
    assert ran.returncode == 0, ran.stderr
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with path.open(encoding="utf-8", newline="") as fh:
        expected = [row["expected"] for row in csv.DictReader(fh)]
    assert len(got) == len(expected)
    wrong = [
        f"row {d['row']} {d['title']!r}: want {want}, got {d['vertical']} ({d['vertical_source']})"
        for d, want in zip(got, expected, strict=True)
        if d["vertical"] != want
    ]
    assert len(wrong) <= len(expected) // 20, "\n".join(wrong)


def test_no_row_of_any_language_falls_back_for_want_of_words(cli, tmp_path):
    """The class issue #9 names: a row with only a title is never `general` for lack of words."""
    fallbacks = []
    for path in FILES:
        out = tmp_path / f"{path.stem}.jsonl"
        cli("evaluate", str(path), "--format", "jsonl", "-o", str(out), "--no-summary")
        for line in out.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d["vertical_source"].startswith("no evidence"):
                fallbacks.append(f"{path.name}: {d['title']}")
    assert not fallbacks, "\n".join(fallbacks)


def test_a_title_without_its_tones_is_read_like_the_title_with_them(cli, tmp_path):
    """Vietnamese typed without diacritics decides as the accented title does, in the row's words."""
    src = tmp_path / "vi.csv"
    src.write_text(
        "sku,title,price,currency\n"
        "A,Nồi Chiên Không Dầu 6 Lít,1190000,VND\n"
        "B,noi chien khong dau 6 lit,1190000,VND\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert cli("evaluate", str(src), "--format", "jsonl", "-o", str(out)).returncode == 0
    a, b = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert a["vertical"] == b["vertical"] == "appliances"
    assert '"Nồi Chiên Không Dầu"' in a["vertical_source"]
    assert '"noi chien khong dau"' in b["vertical_source"]
