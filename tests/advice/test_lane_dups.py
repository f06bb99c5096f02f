"""The counting pass: the SKUs that may repeat are found first, and only those are remembered.

Whatever form a repeated SKU takes — padded, quoted with doubled quotes, behind Excel's
apostrophe, padded with a no-break space, read from the fallback column when the SKU column is
blank, not valid UTF-8, or seen again across the two-process cut — the duplicate is rejected
with the row it was first seen on, exactly as the row-by-row path rejects it.
"""

from __future__ import annotations

import random

import pytest
from test_lane import _same, needs_kernel

from advisor.advice.lane import drive

pytestmark = needs_kernel


def _catalog(path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    forms = [
        lambda s: s,
        lambda s: f" {s} ",
        lambda s: f"'{s}",
        lambda s: f"\u00a0{s}",
        lambda s: f'"{s}"',  # quoted (and so its quotes doubled in the file)
        lambda s: f"{s}\t",
    ]
    lines = ["sku,item id,title,category,price,currency"]  # item id: read when sku is blank
    titles = ["Cotton Kurta", "Steel Bottle 1L", "Green Tea 100 g", "USB-C Cable 1m"]
    for i in range(rows):
        base = f"SK{rng.randrange(rows // 2)}" if rng.random() < 0.3 else f"U{i}"
        sku = rng.choice(forms)(base)
        parent = f"P{rng.randrange(50)}"
        if rng.random() < 0.05:
            sku = ""  # the reader takes the item id
        cell = '"' + sku.replace('"', '""') + '"' if ('"' in sku or "," in sku) else sku
        price = rng.choice(["499", "1299.50", "0", "", "abc"])
        lines.append(f"{cell},{parent},{rng.choice(titles)},Home > Kitchen,{price},INR")
    data = ("\n".join(lines) + "\n").encode()
    # two rows whose SKU is not valid UTF-8, twice the same bytes
    data += b"\xffBAD,P1,Steel Bottle 1L,Home,499,INR\n" * 2
    path.write_bytes(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_form_of_a_repeated_sku_is_caught(book, tmp_path, monkeypatch, seed):
    src = tmp_path / "dups.csv"
    _catalog(src, 3000, seed)
    rows = _same(src, book, tmp_path, monkeypatch)
    assert rows > 200  # the lane decided the clean rows itself, with the filter on


def test_the_filter_holds_few_skus_and_misses_none(tmp_path):
    src = tmp_path / "dups.csv"
    _catalog(src, 20000, 7)
    size = src.stat().st_size
    start = src.read_bytes().index(b"\n") + 1
    dups = drive.count_dups(src, start, size, ",", [0, 1], 6)
    assert dups is not None
    assert len(dups) < 20000 // 4  # the unique SKUs are not in it (a few false positives are)
    seen: dict[str, int] = {}
    import csv

    with open(src, encoding="utf-8", errors="replace", newline="") as fh:
        for fields in list(csv.reader(fh))[1:]:
            sku = fields[0].strip() or fields[1].strip()
            sku = sku[1:].strip() if sku[:1] == "'" and len(sku) > 1 else sku
            seen[sku] = seen.get(sku, 0) + 1
    for sku, n in seen.items():
        if n > 1:
            assert "\ufffd" in sku or dups.repeats(sku), sku


def test_a_record_the_kernel_does_not_read_turns_the_filter_off(tmp_path):
    """A lone carriage return is the csv module's to read: no filter, every SKU remembered."""
    src = tmp_path / "odd.csv"
    src.write_bytes(b"sku,title,price\nA1,Tea,10\nA2,Mug\rX,20\nA1,Tea,10\n")
    assert drive.count_dups(src, 16, src.stat().st_size, ",", [0], 3) is None


def test_a_ten_thousand_row_file_remembers_only_its_repeats(book, tmp_path, monkeypatch):
    """The duplicate index is sized for the repeats the counting pass found, not the file."""
    from advisor.advice.run import DecisionsFile, evaluate_file
    from advisor.catalog import rows as rows_mod

    sizes: list[int] = []
    real = rows_mod.SeenSkus.filter

    def spy(self, dups):
        real(self, dups)
        sizes.append(self._state[2] + 1)

    monkeypatch.setattr(rows_mod.SeenSkus, "filter", spy)
    monkeypatch.setenv(drive.ENV, "1")
    src = tmp_path / "big.csv"
    lines = ["sku,title,price"] + [f"U{i},Green Tea 100 g,{100 + i % 50}" for i in range(10000)]
    lines += ["U5,Green Tea 100 g,120"]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = evaluate_file(src, book, outputs=[DecisionsFile(tmp_path / "o.csv", "csv")], jobs=1)
    assert done.summary.rejected == 1
    assert "first seen on row 6" in (tmp_path / "o.csv").read_text()
    assert sizes and sizes[0] <= 2048  # (10,000 SKUs would need 16,384 slots)


def test_two_processes_catch_the_same_repeats_across_the_cut(script, tmp_path):
    """The second half remembers only what it may repeat: counted in its own half, or held by
    the first half too (claimed from its Bloom filter); its rejections are the one process's."""
    src = tmp_path / "dups.csv"
    _catalog(src, 8000, 5)
    env = {"TRACKRIGHT_PARALLEL_MIN_BYTES": "1000"}
    outs = []
    for name, jobs in (("one", ["--jobs", "1"]), ("two", ["--jobs", "2"])):
        ran = script(
            "evaluate", str(src), "--format", "csv", "-o", str(tmp_path / f"{name}.csv"),
            "--summary", str(tmp_path / f"{name}.json"), *jobs, env=env,
        )  # fmt: skip
        assert ran.returncode == 1, ran.stderr  # rejected rows on purpose
        outs.append((tmp_path / f"{name}.csv").read_bytes())
    assert outs[0] == outs[1]
    assert b"duplicate SKU" in outs[0]
    one, two = ((tmp_path / f"{n}.json").read_text() for n in ("one", "two"))
    assert one == two
