"""Benchmark `trackright evaluate` on a generated 1,000,000-row catalog.

Generates a realistic generic CSV with a fixed seed — unique SKUs, unique titles written as stores
write them (brand, line, model, product noun, spec, colour), thousands of distinct category paths
built on the Shopify / Google taxonomy paths the rulebook maps, HSN codes, GTINs, prices across
every value band — then measures in the same run:

  io-only   read every row with the catalog reader and write one CSV line per row (no rules)
  full      classification + durable-rules decisions (cached per profile) + CSV writing, run as
            `trackright evaluate FILE --format csv -o OUT` (which uses two processes for a big
            CSV, see advisor/parallel.py); also measured in one process for comparison

Each pass runs in its own child process so its peak RSS is its own (the CLI's is sampled over
its whole process tree with psutil). Prints rows/second, the full/io ratio and peak memory
against the targets (>= 250,000 rows/s, >= 0.5 x io-only, <= 150 MB). Usage:

    python benchmarks/bench_evaluate.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Product families: (category leaves under a standard taxonomy path, nouns, brands, specs, HSN,
# price range in INR). Titles are built as a store writes them — brand, line, model, noun, size
# or spec, colour — and every row's title is unique; category paths combine the rulebook's own
# taxonomy paths with store-style leaves, so a million rows carry thousands of distinct paths.
FAMILIES = [
    (
        "Electronics > Communications > Telephony > Mobile Phones",
        ["5G Smartphone", "Smartphone", "Keypad Phone"],
        [
            "Samsung Galaxy",
            "Redmi Note",
            "OnePlus Nord",
            "Vivo Y",
            "Oppo A",
            "realme Narzo",
            "Moto G",
        ],
        ["8GB/128GB", "6GB/128GB", "12GB/256GB", "4GB/64GB"],
        "851713",
        (6000, 90000),
    ),
    (
        "Electronics > Computers > Laptops",
        ["Laptop", "Thin and Light Laptop", "Gaming Laptop"],
        ["Dell Inspiron", "HP Pavilion", "Lenovo IdeaPad", "Asus Vivobook", "Acer Aspire"],
        ["16GB RAM 512GB SSD", "8GB RAM 256GB SSD", "i5 13th Gen", "Ryzen 5"],
        "847130",
        (30000, 150000),
    ),
    (
        "Electronics > Audio > Headphones",
        ["Wireless Earbuds", "Over-Ear Headphones", "Neckband", "Bluetooth Speaker"],
        ["boAt Airdopes", "Sony WH", "JBL Tune", "Noise Buds", "OnePlus Buds"],
        ["ANC", "40h Playback", "IPX5", "Dual Mic"],
        "851830",
        (799, 29990),
    ),
    (
        "Electronics > Electronics Accessories",
        [
            "USB-C Cable 1m",
            "Fast Charger 33W",
            "Power Bank 20000mAh",
            "Tempered Glass Screen Guard",
            "Silicone Phone Case",
        ],
        ["Ambrane", "Portronics", "Anker", "Spigen", "Mi"],
        ["Pack of 2", "Braided", "Type-C", "Transparent"],
        "854442",
        (99, 2999),
    ),
    (
        "Electronics > Circuit Boards & Components",
        [
            "Development Board",
            "Sensor Module",
            "Resistor Kit",
            "Dual J-K Flip-Flop IC",
            "LED Ring WS2812B",
        ],
        ["Robocraze", "Adafruit", "Espressif ESP32", "Arduino Uno R3", "Texas Instruments"],
        ["Pack of 5", "5V", "I2C", "DIP-16"],
        "854231",
        (25, 2499),
    ),
    (
        "Home & Garden > Kitchen & Dining > Kitchen Appliances",
        [
            "Mixer Grinder 750W",
            "Air Fryer 4.2 L",
            "Electric Kettle 1.5 L",
            "Induction Cooktop",
            "Hand Blender 500W",
        ],
        ["Philips", "Prestige", "Bajaj", "Havells", "Morphy Richards"],
        ["3 Jars", "Digital", "Stainless Steel", "2000W"],
        "850940",
        (899, 14999),
    ),
    (
        "Home & Garden > Household Appliances",
        [
            "Front Load Washing Machine 7 kg",
            "Double Door Refrigerator 340 L",
            "Split AC 1.5 Ton",
            "Robot Vacuum Cleaner",
            "RO Water Purifier",
        ],
        ["LG", "Samsung", "Whirlpool", "Voltas", "Kent"],
        ["5 Star", "Inverter", "WiFi", "Convertible"],
        "845011",
        (9999, 65000),
    ),
    (
        "Apparel & Accessories > Clothing",
        [
            "Cotton Kurta",
            "Slim Fit Jeans",
            "Crew Neck T-Shirt",
            "Anarkali Kurta Set",
            "Linen Shirt",
            "Silk Saree",
        ],
        ["Zariya", "Biba", "Levi's", "Allen Solly", "FabIndia", "W"],
        ["S", "M", "L", "XL"],
        "620442",
        (299, 18999),
    ),
    (
        "Apparel & Accessories > Shoes",
        [
            "Running Shoes",
            "Leather Sandals",
            "Kolhapuri Chappal",
            "Canvas Sneakers",
            "Formal Shoes",
        ],
        ["Bata", "Puma", "Nike", "Red Tape", "Campus"],
        ["UK 7", "UK 8", "UK 9", "UK 10"],
        "640411",
        (399, 16999),
    ),
    (
        "Apparel & Accessories > Jewelry",
        [
            "Oxidised Jhumka Earrings",
            "925 Sterling Silver Pendant",
            "18K Gold Diamond Studs",
            "Gold Plated Brass Bangle",
            "Kundan Necklace Set",
        ],
        ["Zaveri", "GIVA", "Tanishq", "Voylla", "Sukkhi"],
        ["Pair", "Adjustable", "Set of 2", "Free Size"],
        "711319",
        (249, 95000),
    ),
    (
        "Apparel & Accessories > Jewelry > Watches",
        ["Analogue Watch", "Automatic Watch", "Chronograph Watch"],
        ["Titan", "Fastrack", "Casio", "Timex", "Sonata"],
        ["Leather Strap", "Steel Mesh", "40mm", "Day-Date"],
        "910211",
        (999, 45000),
    ),
    (
        "Health & Beauty > Health Care > Fitness & Nutrition > Vitamins & Supplements",
        [
            "Whey Protein 1 kg",
            "Multivitamin Tablets 60s",
            "Omega-3 Fish Oil Capsules",
            "Ashwagandha Capsules",
            "Biotin Gummies",
        ],
        ["MuscleBlaze", "HealthKart", "Himalaya", "Oziva", "Wellbeing"],
        ["Chocolate", "Unflavoured", "60 Veg Caps", "30 Days"],
        "210690",
        (299, 5999),
    ),
    (
        "Health & Beauty > Health Care > Medicine & Drugs",
        [
            "Paracetamol 650 mg Tablets",
            "Cough Syrup 100 ml",
            "Antacid Tablets",
            "Pain Relief Balm 25 g",
            "ORS Sachet",
        ],
        ["Dolo", "Crocin", "Benadryl", "Digene", "Zandu"],
        ["Strip of 15", "Pack of 3", "Orange", "Mint"],
        "300490",
        (19, 499),
    ),
    (
        "Health & Beauty > Personal Care > Cosmetics",
        ["Matte Lipstick", "Face Serum 30 ml", "Sunscreen SPF 50", "Kajal", "Shampoo 340 ml"],
        ["Lakme", "Maybelline", "Minimalist", "Mamaearth", "Dove"],
        ["Red", "Nude", "Vitamin C", "Oily Skin"],
        "330410",
        (99, 5999),
    ),
    (
        "Health & Beauty > Personal Care > Cosmetics > Perfume & Cologne",
        ["Eau de Parfum 100 ml", "Attar Roll-on 8 ml", "Body Mist 150 ml"],
        ["Bella Vita", "Skinn by Titan", "Fogg", "Ajmal"],
        ["Oud", "Musk", "Citrus", "Floral"],
        "330300",
        (199, 12000),
    ),
    (
        "Food, Beverages & Tobacco > Food Items",
        [
            "Organic Toor Dal 1 kg",
            "Basmati Rice 5 kg",
            "Cold Pressed Groundnut Oil 1 L",
            "Assam CTC Tea 500 g",
            "Roasted Makhana 100 g",
            "Desi Ghee 500 ml",
            "Free-Range Eggs Pack of 12",
        ],
        ["Tata Sampann", "Annapurna", "24 Mantra", "Amul", "Organic India"],
        ["Family Pack", "Pouch", "Jar", "Value Pack"],
        "100630",
        (40, 1999),
    ),
    (
        "Media > Books",
        ["Paperback Novel", "Hardcover Cookbook", "Comic Book Vol 1"],
        ["Penguin", "HarperCollins", "Rupa", "Westland"],
        ["English", "Hindi", "2nd Edition", "Illustrated"],
        "490199",
        (99, 1499),
    ),
    (
        "Home & Garden > Decor",
        [
            "Cotton Cushion Cover 16x16",
            "Ceramic Vase",
            "Table Lamp",
            "Wall Clock",
            "Bath Towel Set",
        ],
        ["Home Centre", "Urban Ladder", "Chumbak", "Bombay Dyeing"],
        ["Set of 2", "Blue", "Handcrafted", "Large"],
        "630400",
        (149, 12999),
    ),
    (
        "Furniture",
        ["Three-Seater Sofa", "Study Table", "Queen Bed with Storage", "Office Chair", "Bookshelf"],
        ["Nilkamal", "Wakefit", "Godrej Interio", "Durian", "Sleepyhead"],
        ["Sheesham Wood", "Engineered Wood", "Ergonomic", "Walnut"],
        "940360",
        (2999, 85000),
    ),
    (
        "Sporting Goods > Athletics > Cricket",
        ["English Willow Cricket Bat", "Leather Cricket Ball", "Batting Gloves", "Cricket Helmet"],
        ["SS", "SG", "Kookaburra", "Gray-Nicolls", "DSC"],
        ["Players Edition", "Short Handle", "Size 6", "Junior"],
        "950699",
        (299, 39000),
    ),
    (
        "Toys & Games",
        [
            "Building Blocks 500 pcs",
            "Jigsaw Puzzle 1000 pcs",
            "Remote Control Car",
            "Plush Teddy Bear",
            "Board Game",
        ],
        ["Lego", "Funskool", "Hasbro", "Mattel", "Hamleys"],
        ["Ages 6+", "Family", "Large", "Classic"],
        "950300",
        (199, 24999),
    ),
    (
        "Animals & Pet Supplies > Pet Supplies > Dog Supplies",
        [
            "Dry Dog Food 3 kg",
            "Chicken Jerky Dog Treats",
            "Nylon Dog Leash",
            "Orthopedic Dog Bed",
            "Squeaky Dog Toy",
        ],
        ["Pedigree", "Drools", "Heads Up For Tails", "Royal Canin"],
        ["Adult", "Puppy", "Large", "Medium"],
        "230910",
        (149, 7999),
    ),
    (
        "Gift Cards",
        ["E-Gift Card"],
        ["Store"],
        ["Rs 500", "Rs 1000", "Rs 2000", "Rs 5000"],
        "",
        (500, 5000),
    ),
]
STORE_LEAVES = [
    "New Arrivals",
    "Bestsellers",
    "Festive",
    "Clearance",
    "Premium",
    "Everyday",
    "Combo Packs",
    "Top Rated",
    "Eco",
    "Gifting",
]
COLOURS = [
    "Black",
    "White",
    "Blue",
    "Red",
    "Green",
    "Gold",
    "Silver",
    "Rose",
    "Grey",
    "Teal",
    "Mustard",
    "Navy",
]
LINES = ["Classic", "Pro", "Max", "Lite", "Ultra", "Neo", "Prime", "Plus", "Air", "Royal"]


def gtin13(n: int) -> str:
    body = f"890{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def generate(path: Path, rows: int, seed: int = 20261127) -> None:
    rng = random.Random(seed)
    # thousands of distinct category paths: each family's taxonomy path, its noun as a leaf,
    # and a store's own merchandising leaves and sub-collections
    paths = []
    for family in FAMILIES:
        base, nouns = family[0], family[1]
        for noun in nouns:
            leaf = noun.split(" ")[-1] if len(noun.split()) > 2 else noun
            for store in STORE_LEAVES:
                for k in range(8):
                    paths.append((family, f"{base} > {leaf} > {store} {k}"))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "category", "brand", "price", "currency", "hsn", "gtin"])
        for i in range(rows):
            family, cat = paths[rng.randrange(len(paths))]
            _, nouns, brands, specs, hsn, (lo, hi) = family
            brand = rng.choice(brands)
            title = (
                f"{brand} {rng.choice(LINES)} {rng.randrange(10, 999)} {rng.choice(nouns)} "
                f"{rng.choice(specs)} - {rng.choice(COLOURS)} ({i})"
            )
            if rng.random() < 0.01:
                title = "Personalised " + title
            price = round(rng.uniform(lo, hi), 2)
            w.writerow(
                [
                    f"SKU-{i:07d}",
                    title,
                    cat,
                    brand,
                    f"{price:.2f}",
                    "INR",
                    hsn,
                    gtin13(i) if rng.random() < 0.7 else "",
                ]
            )


def _child(mode: str, src: str, dst: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from advisor.catalog import open_catalog
    from advisor.catalog.records import SkuRecord

    t0 = time.perf_counter()
    n = 0
    if mode == "io":
        with open(dst, "w", newline="", encoding="utf-8") as out, open_catalog(src) as reader:
            w = csv.writer(out, lineterminator="\n")
            w.writerow(("row", "sku", "title", "category", "price", "currency", "hsn", "gtin"))
            for item in reader:
                n += 1
                if isinstance(item, SkuRecord):
                    w.writerow(
                        (
                            item.row,
                            item.sku,
                            item.title,
                            item.category,
                            item.price,
                            item.currency,
                            item.hsn,
                            item.gtin,
                        )
                    )
                else:
                    w.writerow((item.row, item.sku, item.reason, "", "", "", "", ""))
        extra = {}
    else:
        from advisor.advice.evaluate import Evaluator, Summary
        from advisor.advice.writers import CsvWriter
        from advisor.rulebook.load import load_rulebook

        book = load_rulebook()
        ev = Evaluator(book)
        summary = Summary()
        with open(dst, "w", newline="", encoding="utf-8") as out, open_catalog(src) as reader:
            writer = CsvWriter(out, book.classification.base_currency, book.version)
            for item in ev.run(reader, summary):
                writer.write(item)
                n += 1
            writer.close()
        extra = {
            "durable_evaluations": ev.engine.evaluations,
            "decided": summary.decided,
            "rejected": summary.rejected,
            "profiles": ev.engine.cache_size,
        }
        ev.close()
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": n, "seconds": elapsed, "rss_mb": rss_mb, **extra}))


def run_pass(mode: str, src: Path, dst: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(src), str(dst)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_cli(src: Path, dst: Path, jobs: int | None) -> dict:
    """`trackright evaluate` exactly as a user runs it, with the peak memory of its process tree."""
    import psutil

    cmd = [
        sys.executable,
        "-m",
        "advisor.cli.main",
        "evaluate",
        str(src),
        "--format",
        "csv",
        "-o",
        str(dst),
        "--no-summary",
    ]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_total = 0
    while proc.poll() is None:  # sampled sparingly: the workers need both cores
        time.sleep(0.1)
        try:
            peak_total = max(peak_total, sum(p.memory_info().rss for p in [proc, *proc.children()]))
        except psutil.Error:
            pass
    elapsed = time.perf_counter() - t0
    # exact peak of the largest process (the CLI or one of its workers), from the kernel
    peak_one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if proc.returncode not in (0, 1):
        raise SystemExit(f"evaluate failed: {proc.stderr.read().decode()}")
    rows = sum(1 for _ in open(dst, encoding="utf-8")) - 1
    return {
        "rows": rows,
        "seconds": elapsed,
        "rss_mb": peak_one / 2**20,
        "tree_mb": peak_total / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--keep", type=Path, help="keep the generated catalog and outputs in this folder"
    )
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trackright-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "catalog.csv"
    t0 = time.perf_counter()
    generate(src, args.rows)
    print(
        f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s; "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    full = run_cli(src, tmp / "decisions.csv", None)  # first: its peak RSS is read from the kernel
    io = run_pass("io", src, tmp / "io.csv")
    inproc = run_pass("full", src, tmp / "decisions-1.csv")
    io_rate, full_rate = io["rows"] / io["seconds"], full["rows"] / full["seconds"]
    one_rate = inproc["rows"] / inproc["seconds"]
    ratio = full_rate / io_rate
    print(f"{'pass':<34}{'rows':>11}{'seconds':>9}{'rows/s':>10}{'peak RSS':>11}")
    print(
        f"{'io-only (read + write, no rules)':<34}{io['rows']:>11,}{io['seconds']:>9.2f}{io_rate:>10,.0f}{io['rss_mb']:>8.0f} MB"
    )
    print(
        f"{'full, one process (in-process)':<34}{inproc['rows']:>11,}{inproc['seconds']:>9.2f}{one_rate:>10,.0f}{inproc['rss_mb']:>8.0f} MB"
    )
    print(
        f"{'full, trackright evaluate CLI':<34}{full['rows']:>11,}{full['seconds']:>9.2f}{full_rate:>10,.0f}{full['rss_mb']:>8.0f} MB"
        f"  (all processes together, sampled: {full['tree_mb']:.0f} MB; start-up included)"
    )
    print(
        f"durable-rules round trips (one process): {inproc['durable_evaluations']:,} for {inproc['profiles']:,} "
        f"distinct profiles; decided {inproc['decided']:,}, rejected {inproc['rejected']:,}"
    )
    checks = [
        ("full evaluation >= 250,000 rows/s", full_rate >= 250_000, f"{full_rate:,.0f}"),
        ("full >= 0.5 x io-only", ratio >= 0.5, f"{ratio:.2f}"),
        ("peak RSS <= 150 MB (largest process)", full["rss_mb"] <= 150, f"{full['rss_mb']:.0f} MB"),
    ]
    for name, ok, value in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {name}: {value}")
    if not args.keep:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
