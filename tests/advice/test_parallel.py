"""Two-process evaluation of a big CSV gives byte-for-byte the sequential answer."""

from __future__ import annotations

import csv
import io
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


@pytest.mark.parametrize("labelled", [True, False])
def test_dot_thousands_in_a_currency_without_minor_units(cli, tmp_path, labelled):
    """ "29.990" ISK is 29,990 krónur (ISK has no minor units), whether the row says ISK or the
    run is told --currency ISK, and both halves of a two-process run read it so too."""
    src = tmp_path / "isk.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "price"] + (["currency"] if labelled else []))
        for i in range(3000):
            price = f"{10 + i % 90}.{(i * 7) % 1000:03d}" if i % 3 else f"{1000 + i}"
            w.writerow([f"K-{i}", f"Wool sweater no {i}", price] + (["ISK"] if labelled else []))
    env = {"TRACKRIGHT_PARALLEL_MIN_BYTES": "1000"}
    extra = [] if labelled else ["--currency", "ISK"]
    outs = []
    for jobs in (["--jobs", "1"], []):
        out = tmp_path / f"out{len(outs)}.csv"
        r = cli("evaluate", str(src), "--format", "csv", "-o", str(out), *extra, *jobs, env=env)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    rows = {r["sku"]: r for r in csv.DictReader(io.StringIO(outs[0].decode()))}
    rate = 0.780029  # rules/currencies.yaml: 1 ISK in INR
    assert float(rows["K-1"]["unit_value"]) == pytest.approx(11_007 * rate, abs=0.01)
    assert float(rows["K-2999"]["unit_value"]) == pytest.approx(39_993 * rate, abs=0.01)
