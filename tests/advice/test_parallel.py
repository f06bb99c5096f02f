"""Two-process evaluation of a big CSV gives byte-for-byte the sequential answer."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from advisor.advice import parallel


def messy_big(path: Path, rows: int, seed: int = 5, stray_quotes: bool = False) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write("\ufeff")
        w = csv.writer(fh)
        w.writerow(["SKU", "Title", "Category", "Price", "Currency"])
        for i in range(rows):
            k = rng.random()
            sku = f"S{i}"
            if k < 0.03:
                sku = f"S{rng.randrange(max(i, 1))}"  # duplicates, often across the cut
            elif k > 0.99:
                sku = ""
            title = f'Item "{i}", big\nsecond line' if rng.random() < 0.05 else f"Item {i}"
            if stray_quotes and rng.random() < 0.01:
                title = f'{i}" screen'
            price = (
                rng.choice(["499", "₹1,299.00", "ninety", "-3", "12.5"])
                if rng.random() < 0.1
                else f"{rng.uniform(10, 90000):.2f}"
            )
            currency = rng.choice(["", "INR", "USD", "XYZ"]) if rng.random() < 0.05 else ""
            w.writerow(
                [
                    sku,
                    title,
                    rng.choice(["Electronics > Audio", "Fashion > Dresses", "Grocery > Tea", ""]),
                    price,
                    currency,
                ]
            )
            if rng.random() < 0.01:
                fh.write("\n")


@pytest.fixture
def cli(script):
    """The two-process mode forks workers that write to the real standard output, so these
    tests run `trackright` as a process (click's runner sees only this process's writes)."""
    return script


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setenv("TRACKRIGHT_PARALLEL_MIN_BYTES", "1000")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_parallel_output_equals_sequential(cli, tmp_path, small_threshold, fmt):
    """Decisions, rejected rows (row numbers, duplicates across the cut) and summary all match."""
    src = tmp_path / "catalog.csv"
    messy_big(src, 6000)
    env = {"TRACKRIGHT_PARALLEL_MIN_BYTES": "1000"}
    seq = cli(
        "evaluate",
        str(src),
        "--format",
        fmt,
        "-o",
        str(tmp_path / f"seq.{fmt}"),
        "--errors",
        str(tmp_path / "seq.err"),
        "--summary",
        str(tmp_path / "seq.json"),
        "--jobs",
        "1",
        env=env,
    )
    par = cli(
        "evaluate",
        str(src),
        "--format",
        fmt,
        "-o",
        str(tmp_path / f"par.{fmt}"),
        "--errors",
        str(tmp_path / "par.err"),
        "--summary",
        str(tmp_path / "par.json"),
        env=env,
    )
    assert seq.returncode == par.returncode == 1  # the file has bad rows on purpose
    assert (tmp_path / f"seq.{fmt}").read_bytes() == (tmp_path / f"par.{fmt}").read_bytes()
    assert (tmp_path / "seq.err").read_bytes() == (tmp_path / "par.err").read_bytes()
    a, b = (json.loads((tmp_path / n).read_text()) for n in ("seq.json", "par.json"))
    assert a == b
    assert a["rows_read"] == a["decided"] + a["rejected"] == 6000


def test_plan_cuts_on_a_record_boundary(tmp_path, small_threshold):
    """The cut never falls inside a quoted field, even one spanning the middle of the file."""
    src = tmp_path / "c.csv"
    body = "sku,title,price\n" + "".join(f"A{i},t,1\n" for i in range(200))
    long_field = '"' + "x\n" * 500 + '"'
    src.write_text(
        body + f"B1,{long_field},2\n" + "".join(f"C{i},t,1\n" for i in range(200)), encoding="utf-8"
    )
    p = parallel.plan(src)
    assert p is not None
    data = src.read_bytes()
    assert data[: p.split].count(b'"') % 2 == 0 and data[p.split - 1 : p.split] == b"\n"
    assert data[p.split :].startswith(b"C") or data[p.split :].startswith(b"B")


def test_stray_quotes_never_change_the_answer(cli, tmp_path):
    """A quote inside an unquoted field (12" screen) either splits correctly or falls back."""
    src = tmp_path / "catalog.csv"
    messy_big(src, 4000, seed=9, stray_quotes=True)
    env = {"TRACKRIGHT_PARALLEL_MIN_BYTES": "1000"}
    seq = cli("evaluate", str(src), "--format", "jsonl", "--jobs", "1", env=env)
    par = cli("evaluate", str(src), "--format", "jsonl", env=env)
    assert seq.stdout == par.stdout and seq.returncode == par.returncode


def test_small_or_non_csv_files_stay_sequential(tmp_path):
    """Below the size threshold, or for JSON, there is no plan."""
    src = tmp_path / "c.csv"
    src.write_text("sku,title,price\nA,t,1\n", encoding="utf-8")
    assert parallel.plan(src) is None
