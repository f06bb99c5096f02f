"""`trackright track …`: run serial / batch / LPN tracking from the command line.

A thin face over the `tracker` package: parse options, call one operation, draw the result.
Imports are lazy (a scan pays only for what it prints), every user-given text is printed
literally (rich markup in an identifier is escaped, never interpreted), and warnings a successful
operation raised (a fold that failed after the operation was durably recorded) go to stderr.
Exit codes: 0 done, 1 refused (nothing changed; the reason is on stderr), 2 unusable input or store.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracker.vocabulary import CAPTURES, METHODS, NOT_STOCK, RETURN_REASONS

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
#: At most this many rows of each list in `stats` (the counts are always complete).
STATS_ROWS = 100


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _table(*columns: str, title: str | None = None) -> Any:
    from rich.table import Table

    return Table(*columns, title=_esc(title) if title else None)


def _esc(value: object) -> str:
    """User text for a rich renderable: markup characters shown as typed."""
    from rich.markup import escape

    return escape(str(value))


def _cell(value: object) -> Any:
    from rich.text import Text

    return Text("" if value is None else str(value))


def _status(status: str | None) -> Any:
    from rich.text import Text

    return Text(status or "", style=STATUS_STYLE.get(status or "", ""))


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def _warn(store: Any) -> None:
    for warning in getattr(store, "warnings", ()):
        click.echo(f"Warning: {warning}", err=True)
    if getattr(store, "warnings", None):
        store.warnings.clear()


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Show tracker (and advisor) errors as one clear message and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tracker.errors import TrackrightError

        try:
            return fn(*args, **kwargs)
        except TrackrightError as err:
            _fail(str(err), err.exit_code)
        except MemoryError:
            _fail("out of memory: the operation is too large for this machine; split it", 2)

    return wrapper


def _tracker(ctx: click.Context, with_verdict: bool = False, readonly: bool = False) -> Any:
    from tracker import open_tracker

    path = ctx.obj["store"]
    ro = readonly or ctx.obj.get("read_only", False)
    verdict = _return_rules(ctx.obj.get("rules")) if with_verdict else None
    return open_tracker(path, verdict=verdict, readonly=ro)


def _return_rules(rules_dir: str | Path | None = None) -> Callable[[dict[str, object]], Any]:
    """The returns rulebook (rules/returns.yaml through the advisor's engine) as a verdict function.

    Loaded on the first return it decides, and remembered per rulebook and facts on disk, so a
    returns desk does not pay for loading the rulebook on every scan (`advisor.advice.returns`).
    """
    try:
        from advisor.advice.returns import memoised_verdicts
    except ImportError:
        from tracker.errors import VerdictUnavailableError

        raise VerdictUnavailableError(
            "the returns rulebook is not available in this installation (advisor.advice.returns)",
            hint="reinstall trackright; returns cannot be decided without rules/returns.yaml",
        ) from None
    return memoised_verdicts(rules_dir)


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
@click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    help="Never change the store (for a store you may only read); stats and trace always read only.",
)
@click.pass_context
def track(ctx: click.Context, store: Path, rules_dir: Path | None, read_only: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["rules"] = rules_dir
    ctx.obj["read_only"] = read_only


# -- policy ---------------------------------------------------------------------------------------


@track.group("policy")
def policy() -> None:
    """Tracking decisions per SKU, taken from `trackright evaluate`."""


@policy.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
@guarded
def policy_import(ctx: click.Context, file: Path) -> None:
    """Take every SKU's decision from an evaluate output file (CSV, JSON or JSON Lines).

    A row that cannot be used is reported with its row and skipped; the others are imported.
    Exit code 1 when any row was skipped.
    """
    from tracker import read_policy_file

    found = read_policy_file(file)
    t = _tracker(ctx)
    n = t.set_policies(found.snapshots)
    counts: dict[str, int] = {}
    for s in found.snapshots:
        counts[s.method] = counts.get(s.method, 0) + 1
    summary = ", ".join(f"{m} {c}" for m, c in sorted(counts.items()))
    click.echo(f"Imported {n} SKU decision(s)" + (f": {summary}" if summary else ""))
    _warn(t.store)
    from advisor.authoring.history import record_import

    note = record_import(
        {s.rulebook_version for s in found.snapshots},
        ctx.obj.get("rules"),
        Path(t.store.location),
        file,
    )
    if note:
        click.echo(note, err=not note.startswith("Rulebook"))
    if found.problems:
        for p in found.problems[:50]:
            click.echo(f"Skipped {p.where}: {p.message}", err=True)
        if len(found.problems) > 50:
            click.echo(f"… and {len(found.problems) - 50} more rows skipped", err=True)
        click.echo(f"{len(found.problems)} row(s) skipped; fix them and import again", err=True)
        raise SystemExit(1)


@policy.command("set")
@click.argument("sku")
@click.option("--method", type=click.Choice((*METHODS, NOT_STOCK)), required=True)
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
    """Set one SKU's tracking method by hand (`none`: not stock, never received)."""
    from tracker import PolicySnapshot
    from tracker.operations.policies import check_gtin

    gtin = check_gtin(gtin, "--gtin") if gtin else ""
    snap = PolicySnapshot(sku, method, tuple(capture), rule, reason, "", "", return_qc, gtin)
    t = _tracker(ctx)
    t.set_policies([snap])
    click.echo(f"SKU {sku}: tracked by {method}" + (f" + {', '.join(capture)}" if capture else ""))
    _warn(t.store)


@policy.command("list")
@click.pass_context
@guarded
def policy_list(ctx: click.Context) -> None:
    """Show the tracking decision stored for each SKU."""
    table = _table("SKU", "method", "capture", "rule", "return QC", "reason")
    for p in _tracker(ctx, readonly=True).policies():
        table.add_row(
            _cell(p.sku),
            p.method,
            ", ".join(p.capture),
            _cell(p.rule),
            "yes" if p.return_qc else "",
            _cell(p.reason),
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
    from tracker.operations.common import MAX_UNITS

    all_serials = list(serials)
    if serials_file is not None:
        for line in serials_file:
            if line.strip():
                all_serials.append(line.strip())
                if len(all_serials) > MAX_UNITS:
                    _fail(f"more than {MAX_UNITS:,} serials in one receipt; split the file", 1)
    t = _tracker(ctx)
    result = t.receive(
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
    if result.method == "batch":
        click.echo(f"Received {result.qty} x {sku} lot {result.lot} into {location}")
    else:
        lot_note = f" (lot {result.lot})" if result.lot else ""
        click.echo(
            f"Received {len(result.ids)} x {sku}{lot_note} into {location} by {result.method}"
        )
        for ident in result.ids[:20]:
            click.echo(f"  {ident}")
        if len(result.ids) > 20:
            click.echo(f"  … and {len(result.ids) - 20} more")
    _warn(t.store)


def parse_line(text: str) -> tuple[str, int]:
    from tracker.errors import InputError

    sku, sep, qty = text.rpartition(":")
    if not sep or not sku or not qty.strip().lstrip("-").isdigit() or len(qty.strip()) > 12:
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
    parsed = [parse_line(x) for x in lines]
    t = _tracker(ctx)
    result = t.ship(order, lines=parsed, scans=scans, location=location)
    table = _table("SKU", "unit", "lot", "qty", "from", title=f"Order {order} shipped")
    for i in result.items:
        table.add_row(_cell(i.sku), _cell(i.id), _cell(i.lot), str(i.qty), _cell(i.location))
    _console().print(table)
    _warn(t.store)


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
    t = _tracker(ctx, with_verdict=True)
    result = t.process_return(order, identifier, reason=reason, qty=qty, location=location)
    v = result.verdict
    label = (v.flag or ("restock" if v.verdict == "restock" else v.verdict)).replace("_", " ")
    line = f"{label.upper()} — {VERDICT_WORDS[v.verdict]} (rule {v.rule}: {v.reason})"
    if result.status is None:
        _fail(f"return of {result.identifier} on order {order} refused: {line}", 1)
    colour = "green" if v.verdict == "restock" else "red"
    click.secho(line, fg=colour, bold=True)
    qty_note = f"{result.qty} x " if result.lot and not result.identifier.startswith("LPN") else ""
    click.echo(f"{qty_note}{result.identifier} ({result.sku}) is now {result.status}")
    _warn(t.store)


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
        click.echo(f"{identifier}: {count} now {status}")
        _warn(t.store)

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


def _lot_ref(text: str) -> tuple[str, str]:
    from tracker.errors import InputError
    from tracker.operations import split_lot_ref

    ref = split_lot_ref(text)
    if ref is None:
        raise InputError(f"--lot {text!r} must be written SKU:LOT")
    return ref


@track.command("recall")
@click.option("--lot", "lot_ref", help="SKU:LOT to recall.")
@click.option("--sku", help="Recall every lot of SKU made between --from and --to.")
@click.option("--from", "date_from")
@click.option("--to", "date_to")
@click.option("--reason", default="recall", show_default=True)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    help="Write a new FILE.csv or FILE.json (never replaces an existing file).",
)
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
    from tracker.errors import InputError
    from tracker.operations.recall import check_report_path

    check_report_path(report)
    if lot_ref:
        ref = _lot_ref(lot_ref)
        t = _tracker(ctx)
        result = t.recall(ref[0], lot=ref[1], reason=reason, report=report)
    elif sku:
        t = _tracker(ctx)
        result = t.recall(sku, date_from=date_from, date_to=date_to, reason=reason, report=report)
    else:
        raise InputError("give --lot SKU:LOT, or --sku SKU --from DATE --to DATE")
    table = _table(
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
            _cell(r.sku),
            _cell(r.lot),
            _cell(r.id),
            str(r.qty),
            r.status_before,
            _status(r.status_after),
            _cell(r.location),
            _cell(r.order),
            r.action,
        )
    con = _console()
    con.print(table)
    contact = ", ".join(result.orders_to_contact) or "none"
    con.print(f"Orders to contact: {_esc(contact)}")
    if report is not None:
        con.print(f"Report written to {_esc(report)}")
    _warn(t.store)


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
    from tracker import event_qty, trace_lot, trace_order, trace_unit
    from tracker.errors import InputError

    if not (identifier or lot_ref or order):
        raise InputError("give a serial/LPN, --lot SKU:LOT or --order ORDER")
    t = _tracker(ctx, readonly=True)
    if identifier:
        result = trace_unit(t.store, identifier)
    elif lot_ref:
        result = trace_lot(t.store, *_lot_ref(lot_ref))
    else:
        result = trace_order(t.store, order)
    if as_json:
        import json

        click.echo(json.dumps([e.to_doc() for e in result.events], indent=2))
        return
    con = _console()
    events = _table(
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
        ids = f" ({len(e.ids)} units)" if len(e.ids) > 1 and result.kind != "unit" else ""
        qty = event_qty(result, e)
        what = f" x{qty}" if qty else ""
        events.add_row(
            e.time[:19].replace("T", " "),
            f"{e.biz_step}{ids}{what}",
            _status(e.status),
            _cell(e.location),
            _cell(e.order),
            _cell(e.reason),
            _cell(e.rule),
        )
    con.print(events)
    if result.units or result.suspects:
        now = _table(
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
                _cell(u.id),
                _cell(u.sku),
                _cell(u.lot),
                _status(u.status),
                _cell(u.location),
                _cell(u.order),
                str(u.returns),
                ", ".join(u.flags),
            )
        for s in result.suspects:
            now.add_row(
                _cell(s.id),
                _cell(s.sku),
                _cell(s.lot),
                _status(s.status),
                _cell(s.location),
                _cell(", ".join(s.returned_on)),
                str(s.returns),
                ", ".join(s.flags) + " (handed in, never received)",
            )
        con.print(now)
    if result.lot:
        lot = result.lot
        qty_table = _table(
            "where",
            "status",
            "qty",
            title=f"Lot {lot.lot}: expiry {lot.expiry or '-'}"
            + (" — RECALLED" if lot.recalled else ""),
        )
        for loc, st, n in lot.quantities:
            qty_table.add_row(_cell(loc), st, str(n))
        if lot.quantities:
            con.print(qty_table)


@track.command("stats")
@click.pass_context
@guarded
def stats_(ctx: click.Context) -> None:
    """Stock by status and location, return rates, repeat returners and suspects."""
    from tracker import stats

    s = stats(_tracker(ctx, readonly=True).store)
    con = _console()
    stock = _table("SKU", "where", "status", "qty", title="Stock")
    for sku, loc, st, n in s.stock:
        stock.add_row(_cell(sku), _cell(loc), _status(st), str(n))
    con.print(stock)
    rates = _table("SKU", "shipped", "returned", "return rate", title="Returns")
    for r in s.returns:
        rates.add_row(_cell(r.sku), str(r.shipped), str(r.returned), f"{r.rate:.0%}")
    con.print(rates)
    for title, units in (("Returned more than once", s.repeat_returners), ("Suspects", s.suspects)):
        table = _table("unit", "SKU", "status", "returns", "flags", title=title)
        for u in units[:STATS_ROWS]:
            table.add_row(_cell(u.id), _cell(u.sku), u.status, str(u.returns), ", ".join(u.flags))
        con.print(table if units else f"{title}: none")
        if len(units) > STATS_ROWS:
            con.print(f"  … and {len(units) - STATS_ROWS:,} more ({len(units):,} in all)")
    counts = ", ".join(f"{n:,} {name}" for name, n in s.counts.items())
    con.print(f"Store: {counts}")


@track.group("export")
def export() -> None:
    """Write the ledger or the store in a format other systems read."""


@export.command("tinydb")
@click.argument("target", type=click.Path(path_type=Path))
@click.pass_context
@guarded
def export_tinydb_cmd(ctx: click.Context, target: Path) -> None:
    """Write the live store as one stock TinyDB file (a new file), for programs that read TinyDB."""
    from tracker.store.export import export_tinydb

    counts = export_tinydb(_tracker(ctx, readonly=True).store, target)
    click.echo(f"Wrote {target}: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))


# Labels and the EPCIS export live in their own module; importing it adds them to this group.
from advisor.cli import track_advise as _track_advise  # noqa: E402, F401
from advisor.cli import track_print as _track_print  # noqa: E402, F401

__all__ = ["export", "parse_line", "return_verdicts", "track"]

if __name__ == "__main__":  # pragma: no cover
    track(sys.argv[1:])
