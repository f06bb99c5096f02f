"""The desk's "print labels" after a receipt: the form, its checks, and the file it writes."""

from __future__ import annotations

import re

from textual.widgets import Checkbox, Input, RichLog, Select, Static
from tui_helpers import SAMPLES, say, settle

from advisor.app.desk_forms import LabelsForm


def log_text(app) -> str:
    log = app.screen.query_one("#log", RichLog)
    return "\n".join(strip.text for strip in log.lines)


def squash(text: str) -> str:
    return "".join(text.split())


def footer(app) -> str:
    """The keys the footer offers now, as ``key:Description``."""
    shown = [b.binding for b in app.screen.active_bindings.values() if b.binding.show and b.enabled]
    return " ".join(f"{b.key}:{b.description}" for b in shown)


async def desk_with_receipt(app, pilot, n: int = 5) -> tuple[object, str, list[str]]:
    """Accept the recommendation, receive 2 LPN units, then `n` more: (desk, SKU, the `n` ids)."""
    await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
    await pilot.press("a")
    await settle(pilot, lambda: app.current_mode == "desk" and app.screen.pending == 0)
    desk = app.screen
    sku = next(p.sku for p in app.workspace.tracker.policies() if p.method == "lpn")
    for count in (2, n):
        await say(pilot, f"receive {sku} --generate {count}")
        await settle(pilot, lambda: desk.pending == 0)
    assert desk.receipt is not None and desk.receipt[0] == sku
    ids = list(desk.receipt[1])
    assert len(ids) == n
    return desk, sku, ids


def zpl_identifiers(zpl: str) -> list[list[str]]:
    """Per ^XA…^XZ label: what its Code 128 encodes and what its text line says."""
    found = []
    for label in re.findall(r"\^XA(.*?)\^XZ", zpl, re.S):
        barcode = re.search(r"\^BC[^\^]*\^FH\\\^FD([^\^]*)\^FS", label).group(1)
        plain = re.sub(r">[0-9:;<=]", "", barcode)  # the code-set switches, not data
        texts = re.findall(r"\^A0N[^\^]*\^FB[^\^]*\^FH\\\^FD([^\^]*)\^FS", label)
        found.append([plain, *texts])
    return found


async def open_form(app, pilot, desk) -> LabelsForm:
    await pilot.press("ctrl+l")
    await settle(pilot, lambda: isinstance(app.screen, LabelsForm))
    return app.screen


async def test_print_labels_after_a_receipt_writes_exactly_those_units(make_app, onboard):
    """5 LPN units received, ctrl+l, Print: the ZPL file holds those 5 labels and no other,
    and the desk says where it wrote them."""
    onboard(SAMPLES / "fast_fashion_shopify.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        desk, sku, ids = await desk_with_receipt(app, pilot)
        assert "ctrl+l prints their 5 labels (ZPL 50×25, or PDF / PNG)" in log_text(app)
        assert "ctrl+l:Labels" in footer(app)
        form = await open_form(app, pilot, desk)
        output = form.query_one("#output", Input).value
        assert output.endswith(".zpl") and output.startswith(str(app.workspace.store_path.parent))
        assert f"5 units of {sku} just received" in str(form.query_one(Static).render())
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is desk and desk.pending == 0)
        written = open(output, encoding="utf-8").read()
        labels = zpl_identifiers(written)
        assert [label[0] for label in labels] == ids  # the barcodes: exactly these, in order
        assert all(label[1] == label[0] and label[2] == sku for label in labels)
        text = squash(log_text(app))  # a long path wraps in the log: compare without spaces
        assert squash(f"5 label(s) as ZPL written to {output}") in text
        assert squash(f"> labels '<5 unit(s) of {sku} just received>' --format zpl") in text
        assert not any(i in text.split("justreceived>")[1] for i in ids)  # not listed in the log


async def test_the_form_refuses_a_missing_folder_and_an_existing_file(make_app, onboard, tmp_path):
    """A missing folder or a file already there is refused in the form, with nothing written;
    ticking Replace writes over the file."""
    onboard(SAMPLES / "fast_fashion_shopify.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk, _sku, ids = await desk_with_receipt(app, pilot, n=3)
        form = await open_form(app, pilot, desk)
        field = form.query_one("#output", Input)
        field.value = str(tmp_path / "missing" / "inward.zpl")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "does not exist: nothing was written" in str(form.query_one("#problem").render())
        assert not (tmp_path / "missing").exists()
        there = tmp_path / "inward.zpl"
        there.write_text("keep me", encoding="utf-8")
        field.value = str(there)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and "tick Replace" in str(form.query_one("#problem").render())
        assert there.read_text(encoding="utf-8") == "keep me"
        box = form.query_one("#replace", Checkbox)
        assert "▐ ▌" in str(box.render())  # unticked reads as empty without colour
        box.value = True
        await pilot.pause()
        assert "▐X▌" in str(box.render())
        field.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is desk and desk.pending == 0)
        assert [label[0] for label in zpl_identifiers(there.read_text())] == ids


async def test_pdf_and_png_are_chosen_in_the_form(make_app, onboard):
    """PDF changes the file's suffix and writes a PDF; a PNG of several units is refused there."""
    onboard(SAMPLES / "fast_fashion_shopify.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk, _sku, ids = await desk_with_receipt(app, pilot, n=2)
        form = await open_form(app, pilot, desk)
        form.query_one("#fmt", Select).value = "png"
        await pilot.pause()
        field = form.query_one("#output", Input)
        assert field.value.endswith(".png")
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "A PNG holds one label and 2 units" in str(form.query_one("#problem").render())
        form.query_one("#fmt", Select).value = "pdf"
        form.query_one("#size", Select).value = "a4-3x8"
        await pilot.pause()
        output = field.value
        assert output.endswith(".pdf")
        field.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is desk and desk.pending == 0)
        assert open(output, "rb").read(5) == b"%PDF-"
        assert squash(f"2 label(s) as PDF written to {output}") in squash(log_text(app))


async def test_labels_are_offered_only_after_a_receipt_of_units(make_app, onboard):
    """No receipt, no key and no palette entry; a lot receipt withdraws the offer again."""
    onboard(SAMPLES / "fast_fashion_shopify.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        await pilot.press("a")
        await settle(pilot, lambda: app.current_mode == "desk" and app.screen.pending == 0)
        desk = app.screen
        titles = [t for t, _help, _run in desk.commands()]
        assert "Print labels (form)" not in titles and "ctrl+l:Labels" not in footer(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.screen is desk
        lpn = next(p.sku for p in app.workspace.tracker.policies() if p.method == "lpn")
        await say(pilot, f"receive {lpn} --generate 1")
        await settle(pilot, lambda: desk.pending == 0)
        entry = next(c for c in desk.commands() if c[0] == "Print labels (form)")
        assert entry[1] == f"The 1 unit(s) of {lpn} just received (ctrl+l)"
        assert "ctrl+l prints its label" in log_text(app)
        batch = next(p for p in app.workspace.tracker.policies() if p.method == "batch")
        extra = " --expiry 2099-01-01" if "expiry" in batch.capture else ""
        await say(pilot, f"receive {batch.sku} --lot L1 --qty 5{extra}")
        await settle(pilot, lambda: desk.pending == 0)
        assert "Received 5 x" in log_text(app)
        assert desk.receipt is None and "ctrl+l:Labels" not in footer(app)
