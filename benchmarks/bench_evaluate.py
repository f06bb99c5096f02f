"""Benchmark `trackright evaluate` against a bare csv.reader -> csv.writer pass, in one run.

Generates a realistic generic CSV with a fixed seed — unique SKUs, unique titles written as stores
write them (brand, line, model, product noun, spec, colour), thousands of distinct category paths
built on the Shopify / Google taxonomy paths the rulebook maps, HSN codes, GTINs, prices across
every value band — then measures, each as a fresh process exactly as a user runs it:

  bare csv        `csv.reader` over the file and `csv.writer` of three columns (no trackright)
  --jobs 1        `trackright evaluate FILE --format csv -o OUT --no-summary --jobs 1`
  default         the same without --jobs (two processes for a big CSV, advisor/advice/parallel.py)

and prints rows/second, the ratio of the default run to the bare pass (issue #17: >= 1.0), the
250,000 rows/s target (issue #9) and the peak RSS of the largest process (<= 150 MB; read from
the kernel: each command runs under its own small watcher process). Then a scaling table of the
default run at 100k and 1M rows (and 10M with --ten-million): time should grow x10 per step and
memory stay flat. It also checks that --jobs 1 and the default wrote byte-identical files.

    python benchmarks/bench_evaluate.py [--rows 1000000] [--ten-million] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
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


def _bare(src: str, dst: str) -> None:
    """The floor: read every record with csv.reader, write three columns with csv.writer."""
    with (
        open(src, newline="", encoding="utf-8") as fh,
        open(dst, "w", newline="", encoding="utf-8") as out,
    ):
        w = csv.writer(out, lineterminator="\n")
        for i, fields in enumerate(csv.reader(fh)):
            w.writerow((i, fields[0], fields[1]))


def _watch(cmd: list[str]) -> None:
    """Run `cmd` as this process's child; print its wall time and its tree's largest peak RSS."""
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    elapsed = time.perf_counter() - t0
    # the largest peak of any process waited for below this one: the CLI or one of its workers
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = use.ru_utime + use.ru_stime  # every process of the tree: what load cannot inflate much
    print(json.dumps({"rc": rc, "seconds": elapsed, "rss_mb": use.ru_maxrss / 1024, "cpu": cpu}))


def measure(cmd: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    out = subprocess.run(
        [sys.executable, __file__, "--watch", *cmd],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if got["rc"] not in (0, 1):
        raise SystemExit(f"failed ({got['rc']}): {' '.join(cmd)}")
    return got


def evaluate_cmd(src: Path, dst: Path, jobs: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "advisor.cli.main", "evaluate", str(src), "--format", "csv"]
    cmd += ["-o", str(dst), "--no-summary"]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def _row(name: str, rows: int, got: dict) -> str:
    rate = rows / got["seconds"]
    return (
        f"{name:<30}{rows:>12,}{got['seconds']:>9.2f}{rate:>11,.0f}{got['rss_mb']:>9.0f} MB"
        f"{got['cpu']:>9.1f}{got['cpu'] / rows * 1e6:>11.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--ten-million", action="store_true", help="add 10M rows to the scaling table")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling table")
    ap.add_argument("--keep", type=Path, help="keep the generated catalogs and outputs here")
    ap.add_argument("--bare", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--watch", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare:
        _bare(*args.bare)
        return
    if args.watch:
        _watch(args.watch)
        return
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trackright-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    busy = load > 1.0
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load:.1f}"
        + (" — UNDER LOAD: figures are not this machine's best" if busy else "")
    )
    src = tmp / f"catalog-{args.rows}.csv"
    t0 = time.perf_counter()
    generate(src, args.rows)
    print(
        f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
    )
    bare = measure([sys.executable, __file__, "--bare", str(src), str(tmp / "bare.csv")])
    one = measure(evaluate_cmd(src, tmp / "decisions-1.csv", 1))
    default = measure(evaluate_cmd(src, tmp / "decisions.csv", None))
    n = args.rows
    print(
        f"{'pass':<30}{'rows':>12}{'seconds':>9}{'rows/s':>11}{'peak RSS':>12}"
        f"{'CPU s':>9}{'CPU µs/row':>11}"
    )
    print(_row("bare csv.reader -> csv.writer", n, bare))
    print(_row("trackright --jobs 1", n, one))
    print(_row("trackright (default)", n, default))
    ratio = bare["seconds"] / default["seconds"]
    same = _same(tmp / "decisions-1.csv", tmp / "decisions.csv")
    print(
        f"ratio default / bare csv pass: {ratio:.2f}   (--jobs 1: {bare['seconds'] / one['seconds']:.2f})"
    )
    peak = max(one["rss_mb"], default["rss_mb"])
    checks = [
        ("full evaluation >= 250,000 rows/s (#9)", n / default["seconds"] >= 250_000),
        ("default >= 1.0 x bare csv pass (#17)", ratio >= 1.0),
        ("peak RSS <= 150 MB per process", peak <= 150),
        ("--jobs 1 and default byte-identical", same),
    ]
    for name, ok in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {name}")
    if not args.no_scaling:
        sizes = [100_000, 1_000_000] + ([10_000_000] if args.ten_million else [])
        print("\nscaling (trackright default):")
        print(
            f"{'rows':>12}{'seconds':>9}{'rows/s':>11}{'peak RSS':>12}{'CPU s':>9}"
            f"{'time / previous':>17}"
        )
        prev = None
        for size in sizes:
            path = src if size == n else tmp / f"catalog-{size}.csv"
            if size != n:
                generate(path, size)
            got = measure(evaluate_cmd(path, tmp / f"scale-{size}.csv", None))
            step = f"x{got['seconds'] / prev:.1f}" if prev else ""
            print(
                f"{size:>12,}{got['seconds']:>9.2f}{size / got['seconds']:>11,.0f}"
                f"{got['rss_mb']:>9.0f} MB{got['cpu']:>9.1f}{step:>17}"
            )
            prev = got["seconds"]
            if path != src:
                path.unlink()
    if not args.keep:
        shutil.rmtree(tmp)


def _same(a: Path, b: Path) -> bool:
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


if __name__ == "__main__":
    main()
