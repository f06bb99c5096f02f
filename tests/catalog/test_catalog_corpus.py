"""The labelled dev corpus read as it is: every labelled row found under its number, with its SKU
and whether it has a price of its own — the reading half of the corpus (classification is judged
elsewhere). Only the dev split is read here; the holdout split stays unseen."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from advisor.advice.writers import price_status
from advisor.catalog import open_catalog
from advisor.catalog.records import RejectedRow

DEV = Path(__file__).resolve().parents[1] / "data" / "corpus" / "dev"
MANIFEST = (
    yaml.safe_load((DEV / "manifest.yaml").read_text(encoding="utf-8")) if DEV.is_dir() else {}
)
FILES = [f["file"] for f in MANIFEST.get("files", [])]


@pytest.mark.skipif(not FILES, reason="the dev corpus is not in this checkout")
@pytest.mark.parametrize("name", FILES)
def test_every_labelled_row_is_read_with_its_sku_and_price_status(name):
    """Each labelled row is there under its own number, with the label's SKU and price status."""
    labels = {
        int(r["row"]): r
        for r in csv.DictReader((DEV / name.replace(".csv", ".labels.csv")).open(encoding="utf-8"))
    }
    with open_catalog(DEV / name) as reader:
        items = {item.row: item for item in reader}
    assert set(items) == set(labels), f"{name}: rows read differ from rows labelled"
    for row, label in labels.items():
        item = items[row]
        want = label["sku"].lstrip("'")
        if want:
            assert item.sku == want, f"{name} row {row}"
        if isinstance(item, RejectedRow):  # a placeholder SKU repeated: named, not lost
            assert item.reason.startswith("duplicate SKU"), f"{name} row {row}: {item.reason}"
            continue
        assert price_status(item)[0] == label["price_status"], f"{name} row {row}"
