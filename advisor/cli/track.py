"""`trackright track …`: run serial / batch / LPN tracking from the command line.

A thin face over the `tracker` package: parse options, call one operation, draw the result with rich.
Exit codes: 0 done, 1 refused (nothing changed; the reason is on stderr), 2 unusable input or store.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from tracker import (
    InputError,
    PolicySnapshot,
    TrackerError,
    Verdict,
    VerdictUnavailableError,
    open_tracker,
    read_policy_file,
    stats,
    trace_lot,
    trace_order,
    trace_unit,
    write_recall_report,
)
from tracker.model import CAPTURES, METHODS, RETURN_REASONS
from tracker.operations import Tracker, split_lot_ref

STATUS_STYLE = {
    "IN_STOCK": "green",
    "SHIPPED": "cyan",
    "RETURNED": "blue",
    "INSPECTING": "yellow",
    "QUARANTINED": "bold red",
    "RECALLED": "bold magenta",
    "DESTROYED": "dim",
}
VERDICT_WORDS = {
    "restock": "restocked",
    "quarantine": "quarantined",
    "inspect": "sent to inspection",
    "recalled": "held as recalled",
    "refuse": "refused",
}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Show tracker (and advisor) errors as one clear message and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TrackerError as err:
            _fail(str(err), err.exit_code)
        except Exception as err:  # an advisor error from the returns rulebook
            from advisor.errors import TrackrightError

            if isinstance(err, TrackrightError):
                _fail(str(err), err.exit_code)
            raise

    return wrapper


def _tracker(ctx: click.Context, with_verdict: bool = False) -> Tracker:
    path = ctx.obj["store"]
    return open_tracker(path, verdict=_return_rules(ctx.obj.get("rules")) if with_verdict else None)


def _return_rules(rules_dir: str | Path | None = None) -> Callable[[dict[str, object]], Verdict]:
    """The returns rulebook (rules/returns.yaml through the advisor's engine) as a verdict function."""
    try:
        from advisor.advice.returns import load_return_rules
    except ImportError:
        raise VerdictUnavailableError(
            "the returns rulebook is not available in this installation (advisor.advice.returns)",
            hint="reinstall trackright; returns cannot be decided without rules/returns.yaml",
        ) from None
    return load_return_rules(rules_dir).verdict


return_verdicts = _return_rules  # public name: the benchmark uses the same adapter as the CLI


@click.group(
    name="track",
    help=(
        "Run stock tracking: receive, ship, return, recall and trace.\n\n"
        "The store lives in a workspace folder: ./.trackright/store.json by default, or the file "
        "given by --store or the TRACKRIGHT_STORE environment variable (a folder means "
        "FOLDER/store.json). Start with `track policy import` on the output of "
        "`trackright evaluate`.\n\n"
        "Exit codes: 0 done, 1 refused (nothing changed), 2 unusable input or store."
    ),
)
@click.option(
    "--store",
    "store",
    envvar="TRACKRIGHT_STORE",
    type=click.Path(dir_okay=True, path_type=Path),
    default=Path(".trackright") / "store.json",
    show_default=True,
    help="Store file (env TRACKRIGHT_STORE).",
)
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="TRACKRIGHT_RULES",
    help="Rules folder whose returns.yaml decides return verdicts (env TRACKRIGHT_RULES; default: bundled).",
)
@click.pass_context
def track(ctx: click.Context, store: Path, rules_dir: Path | None) -> None:
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["rules"] = rules_dir


# -- policy ---------------------------------------------------------------------------------------


@track.group("policy")
def policy() -> None:
    """Tracking decisions per SKU, taken from `trackright evaluate`."""


@policy.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
@guarded
def policy_import(ctx: click.Context, file: Path) -> None:
    """Take every SKU's decision from an evaluate output file (CSV, JSON or JSON Lines)."""
    snapshots = read_policy_file(file)
    tracker = _tracker(ctx)
    n = tracker.set_policies(snapshots)
    counts: dict[str, int] = {}
    for s in snapshots:
        counts[s.method] = counts.get(s.method, 0) + 1
    summary = ", ".join(f"{m} {c}" for m, c in sorted(counts.items()))
    _console().print(f"Imported {n} SKU decision(s): {summary}")
    from advisor.authoring.history import record_import

    note = record_import(
        {s.rulebook_version for s in snapshots}, ctx.obj.get("rules"), tracker.store.path, file
    )
    if note:
        click.echo(note, err=not note.startswith("Rulebook"))


@policy.command("set")
@click.argument("sku")
@click.option("--method", type=click.Choice(METHODS), required=True)
@click.option("--capture", type=click.Choice(CAPTURES), multiple=True, help="Repeat as needed.")
@click.option("--rule", default="manual", show_default=True)
@click.option("--reason", default="set by hand", show_default=True)
@click.option("--return-qc", is_flag=True, help="Returns go to QC quarantine, not restock.")
@click.option("--gtin", default="", help="The SKU's GTIN, so scanned GS1 barcodes map to it.")
@click.pass_context
@guarded
def policy_set(
    ctx: click.Context,
    sku: str,
    method: str,
    capture: tuple[str, ...],
    rule: str,
    reason: str,
    return_qc: bool,
    gtin: str,
) -> None:
    """Set one SKU's tracking method by hand."""
    snap = PolicySnapshot(sku, method, tuple(capture), rule, reason, "", "", return_qc, gtin)
    _tracker(ctx).set_policies([snap])
    _console().print(
        f"SKU {sku}: tracked by {method}" + (f" + {', '.join(capture)}" if capture else "")
    )


@policy.command("list")
@click.pass_context
@guarded
def policy_list(ctx: click.Context) -> None:
    """Show the tracking decision stored for each SKU."""
    table = Table("SKU", "method", "capture", "rule", "return QC", "reason")
    for p in _tracker(ctx).policies():
        table.add_row(
            p.sku, p.method, ", ".join(p.capture), p.rule, "yes" if p.return_qc else "", p.reason
        )
    _console().print(table)


# -- receive / ship / return -----------------------------------------------------------------------


@track.command("receive")
@click.argument("sku")
@click.option("--serial", "serials", multiple=True, help="A serial (repeat for more).")
@click.option("--serials-file", type=click.File("r"), help="One serial per line ('-' = stdin).")
@click.option("--scan", "scans", multiple=True, help="A scanned serial or GS1 barcode.")
@click.option("--generate", type=int, default=0, help="Mint N serials / LPN labels.")
@click.option("--lot")
@click.option("--qty", type=int)
@click.option("--mfg", help="Manufacture date YYYY-MM-DD.")
@click.option("--expiry", help="Expiry date YYYY-MM-DD.")
@click.option("--location", default="WH1", show_default=True)
@click.pass_context
@guarded
def receive(
    ctx: click.Context,
    sku: str,
    serials: tuple[str, ...],
    serials_file: Any,
    scans: tuple[str, ...],
    generate: int,
    lot: str | None,
    qty: int | None,
    mfg: str | None,
    expiry: str | None,
    location: str,
) -> None:
    """Receive stock of SKU: serials, LPN labels or a lot quantity, as the SKU's policy says."""
    all_serials = list(serials)
    if serials_file is not None:
        all_serials += [line.strip() for line in serials_file if line.strip()]
    result = _tracker(ctx).receive(
        sku,
        serials=all_serials,
        scans=scans,
        generate=generate,
        lot=lot,
        qty=qty,
        mfg=mfg,
        expiry=expiry,
        location=location,
    )
    con = _console()
    if result.method == "batch":
        con.print(f"Received {result.qty} x {sku} lot {result.lot} into {location}")
        return
    lot_note = f" (lot {result.lot})" if result.lot else ""
    con.print(f"Received {len(result.ids)} x {sku}{lot_note} into {location} by {result.method}")
    for ident in result.ids[:20]:
        con.print(f"  {ident}")
    if len(result.ids) > 20:
        con.print(f"  … and {len(result.ids) - 20} more")


def parse_line(text: str) -> tuple[str, int]:
    sku, sep, qty = text.rpartition(":")
    if not sep or not sku or not qty.strip().lstrip("-").isdigit():
        raise InputError(f"order line {text!r} must be written SKU:QTY, e.g. TEA-500G:2")
    return sku, int(qty)


@track.command("ship")
@click.argument("order")
@click.option("--line", "lines", multiple=True, help="SKU:QTY (repeat for more).")
@click.option("--scan", "scans", multiple=True, help="A unit's serial/LPN or GS1 barcode.")
@click.option("--location", help="Ship from this warehouse only.")
@click.pass_context
@guarded
def ship(
    ctx: click.Context,
    order: str,
    lines: tuple[str, ...],
    scans: tuple[str, ...],
    location: str | None,
) -> None:
    """Ship ORDER: scanned units, and batch lines picked first-expiry-first-out."""
    result = _tracker(ctx).ship(
        order, lines=[parse_line(x) for x in lines], scans=scans, location=location
    )
    table = Table("SKU", "unit", "lot", "qty", "from", title=f"Order {order} shipped")
    for i in result.items:
        table.add_row(i.sku, i.id or "", i.lot or "", str(i.qty), i.location)
    _console().print(table)


@track.command("return")
@click.argument("order")
@click.argument("identifier")
@click.option(
    "--reason",
    default="other",
    show_default=True,
    help=f"One of {', '.join(RETURN_REASONS)}; other text counts as 'other'.",
)
@click.option("--qty", type=int, default=1, show_default=True, help="For a batch lot return.")
@click.option("--location", help="Where the returned item is put (default: where it left).")
@click.pass_context
@guarded
def return_(
    ctx: click.Context, order: str, identifier: str, reason: str, qty: int, location: str | None
) -> None:
    """Take a return on ORDER of IDENTIFIER (serial, LPN, GS1 barcode or SKU:LOT)."""
    result = _tracker(ctx, with_verdict=True).process_return(
        order, identifier, reason=reason, qty=qty, location=location
    )
    v = result.verdict
    label = (v.flag or ("restock" if v.verdict == "restock" else v.verdict)).replace("_", " ")
    line = f"{label.upper()} — {VERDICT_WORDS[v.verdict]} (rule {v.rule}: {v.reason})"
    if result.status is None:
        _fail(f"return of {result.identifier} on order {order} refused: {line}", 1)
    style = "bold green" if v.verdict == "restock" else "bold red"
    con = _console()
    con.print(line, style=style)
    qty_note = f"{result.qty} x " if result.lot and not result.identifier.startswith("LPN") else ""
    con.print(f"{qty_note}{result.identifier} ({result.sku}) is now {result.status}")


# -- holds ---------------------------------------------------------------------------------------


def _hold_command(name: str, doc: str, override: bool = False) -> None:
    @click.argument("identifier")
    @click.option("--reason", required=True)
    @click.option("--qty", type=int, help="For a batch lot (SKU:LOT).")
    @click.option("--location")
    @click.pass_context
    @guarded
    def command(
        ctx: click.Context,
        identifier: str,
        reason: str,
        qty: int | None,
        location: str | None,
        override: bool = False,
    ) -> None:
        t = _tracker(ctx)
        kwargs: dict[str, Any] = {"qty": qty, "location": location}
        if name == "release":
            kwargs["override"] = override
        status, count = getattr(t, name)(identifier, reason, **kwargs)
        _console().print(f"{identifier}: {count} now {status}")

    command.__doc__ = doc
    if override:
        command = click.option(
            "--override", is_flag=True, help="Supervisor override for suspect units."
        )(command)
    track.command(name)(command)


_hold_command("quarantine", "Take a unit (or --qty of SKU:LOT) out of sellable stock.")
_hold_command("release", "Return a quarantined or inspected unit to stock.", override=True)
_hold_command("scrap", "Destroy a quarantined, recalled or inspected unit (final).")


# -- recall / trace / stats ----------------------------------------------------------------------


@track.command("recall")
@click.option("--lot", "lot_ref", help="SKU:LOT to recall.")
@click.option("--sku", help="Recall every lot of SKU made between --from and --to.")
@click.option("--from", "date_from")
@click.option("--to", "date_to")
@click.option("--reason", default="recall", show_default=True)
@click.option("--report", type=click.Path(path_type=Path), help="Write FILE.csv or FILE.json.")
@click.pass_context
@guarded
def recall(
    ctx: click.Context,
    lot_ref: str | None,
    sku: str | None,
    date_from: str | None,
    date_to: str | None,
    reason: str,
    report: Path | None,
) -> None:
    """Recall a lot (or a SKU's lots in a date range): pull stock, list orders to contact."""
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        raise InputError(f"recall report {report}: the file name must end in .csv or .json")
    if report is not None and not report.resolve().parent.is_dir():
        # checked before the recall is recorded: a recall must never happen without its report
        raise InputError(f"recall report {report}: the folder {report.parent} does not exist")
    t = _tracker(ctx)
    if lot_ref:
        ref = split_lot_ref(lot_ref)
        if ref is None:
            raise InputError(f"--lot {lot_ref!r} must be written SKU:LOT")
        result = t.recall(ref[0], lot=ref[1], reason=reason)
    elif sku:
        result = t.recall(sku, date_from=date_from, date_to=date_to, reason=reason)
    else:
        raise InputError("give --lot SKU:LOT, or --sku SKU --from DATE --to DATE")
    table = Table(
        "SKU",
        "lot",
        "unit",
        "qty",
        "was",
        "now",
        "where",
        "order",
        "action",
        title="Recall: " + ", ".join(f"{s}:{lot}" for s, lot in result.lots),
    )
    for r in result.rows:
        table.add_row(
            r.sku,
            r.lot,
            r.id or "",
            str(r.qty),
            r.status_before,
            f"[{STATUS_STYLE.get(r.status_after, '')}]{r.status_after}[/]",
            r.location,
            r.order or "",
            r.action,
        )
    con = _console()
    con.print(table)
    contact = ", ".join(result.orders_to_contact) or "none"
    con.print(f"Orders to contact: {contact}")
    if report is not None:
        con.print(f"Report written to {write_recall_report(result, report)}")


@track.command("trace")
@click.argument("identifier", required=False)
@click.option("--lot", "lot_ref", help="SKU:LOT")
@click.option("--order")
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
@click.pass_context
@guarded
def trace(
    ctx: click.Context,
    identifier: str | None,
    lot_ref: str | None,
    order: str | None,
    as_json: bool,
) -> None:
    """The full history of a serial/LPN, a lot (--lot SKU:LOT) or an order (--order O)."""
    t = _tracker(ctx)
    if identifier:
        result = trace_unit(t.store, identifier)
    elif lot_ref:
        ref = split_lot_ref(lot_ref)
        if ref is None:
            raise InputError(f"--lot {lot_ref!r} must be written SKU:LOT")
        result = trace_lot(t.store, *ref)
    elif order:
        result = trace_order(t.store, order)
    else:
        raise InputError("give a serial/LPN, --lot SKU:LOT or --order ORDER")
    if as_json:
        click.echo(json.dumps([e.to_doc() for e in result.events], indent=2))
        return
    con = _console()
    events = Table(
        "when",
        "step",
        "status",
        "where",
        "order",
        "why",
        "rule",
        title=f"History of {result.kind} {result.key}",
    )
    for e in result.events:
        ids = f" ({len(e.ids)} units)" if len(e.ids) > 1 else ""
        qty = sum(m.qty for m in e.moves)
        what = f" x{qty}" if qty else ""
        events.add_row(
            e.time[:19].replace("T", " "),
            f"{e.biz_step}{ids}{what}",
            f"[{STATUS_STYLE.get(e.status or '', '')}]{e.status}[/]",
            e.location or "",
            e.order or "",
            e.reason or "",
            e.rule or "",
        )
    con.print(events)
    if result.units:
        now = Table(
            "unit",
            "SKU",
            "lot",
            "status",
            "where",
            "order",
            "returns",
            "flags",
            title="Where it is now",
        )
        for u in result.units:
            now.add_row(
                u.id,
                u.sku,
                u.lot or "",
                f"[{STATUS_STYLE[u.status]}]{u.status}[/]",
                u.location,
                u.order or "",
                str(u.returns),
                ", ".join(u.flags),
            )
        con.print(now)
    if result.lot:
        lot = result.lot
        qty = Table(
            "where",
            "status",
            "qty",
            title=f"Lot {lot.lot}: expiry {lot.expiry or '-'}"
            + (" — RECALLED" if lot.recalled else ""),
        )
        for loc, st, n in lot.quantities:
            qty.add_row(loc, st, str(n))
        if lot.quantities:
            con.print(qty)


@track.command("stats")
@click.pass_context
@guarded
def stats_(ctx: click.Context) -> None:
    """Stock by status and location, return rates, repeat returners and suspects."""
    s = stats(_tracker(ctx).store)
    con = _console()
    stock = Table("SKU", "where", "status", "qty", title="Stock")
    for sku, loc, st, n in s.stock:
        stock.add_row(sku, loc, f"[{STATUS_STYLE.get(st, '')}]{st}[/]", str(n))
    con.print(stock)
    rates = Table("SKU", "shipped", "returned", "return rate", title="Returns")
    for r in s.returns:
        rates.add_row(r.sku, str(r.shipped), str(r.returned), f"{r.rate:.0%}")
    con.print(rates)
    for title, units in (("Returned more than once", s.repeat_returners), ("Suspects", s.suspects)):
        table = Table("unit", "SKU", "status", "returns", "flags", title=title)
        for u in units:
            table.add_row(u.id, u.sku, u.status, str(u.returns), ", ".join(u.flags))
        con.print(table if units else f"{title}: none")


# Labels and the EPCIS export live in their own module; importing it adds them to this group.
from advisor.cli import track_print as _track_print  # noqa: E402, F401

__all__ = ["track"]

if __name__ == "__main__":  # pragma: no cover
    track(sys.argv[1:])
