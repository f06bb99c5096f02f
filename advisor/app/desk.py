"""The tracker command line: `receive SKU --serial X`, `ship ORDER --line SKU:QTY`, `return …`.

A line is split with shlex and parsed by the very click commands of `trackright track` (same
options, same help, same errors), then run through the same `Tracker` methods; only the drawing
differs. A bare identifier, as a barcode scanner types it, traces that unit. No textual here.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

import click

from advisor.cli.track import parse_line as order_line
from advisor.cli.track import track
from tracker import (
    InputError,
    PolicySnapshot,
    Tracker,
    stats,
    trace_lot,
    trace_order,
    trace_unit,
)
from tracker.operations import split_lot_ref

VERBS = (
    "receive",
    "ship",
    "return",
    "recall",
    "trace",
    "stats",
    "policy",
    "quarantine",
    "release",
    "scrap",
    "help",
)
EXAMPLES = (
    "receive VLT-PH-A15-128 --serial IMEI-001 --serial IMEI-002",
    "receive TEA-500G --lot L1 --qty 50 --expiry 2027-01-31",
    "ship SO-1 --line TEA-500G:2 --scan IMEI-001",
    "return SO-1 IMEI-001 --reason fit",
    "recall --lot TEA-500G:L1",
    "trace IMEI-001",
    "trace --order SO-1",
    "policy set MUG-1 --method batch",
    "stats",
)


class DeskError(ValueError):
    """A line that could not be run; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one command did: its verb, the tracker's result object, and a one-line summary."""

    verb: str
    result: Any
    summary: str


def help_text(verb: str | None = None) -> str:
    """Usage of one verb (the CLI's own help), or the list of verbs with examples."""
    if verb and verb in track.commands:
        cmd = track.commands[verb]
        ctx = cmd.make_context(verb, [], resilient_parsing=True)
        return cmd.get_help(ctx)
    lines = ["Commands: " + ", ".join(VERBS), "", "Examples:"]
    lines += [f"  {e}" for e in EXAMPLES]
    lines += ["", "A scanned serial or LPN on its own traces it. `help VERB` shows its options."]
    return "\n".join(lines)


def parse(line: str) -> tuple[str, dict[str, Any]]:
    """(verb, options) for a command line, checked by the `trackright track` command's parser."""
    try:
        tokens = shlex.split(line)
    except ValueError as err:
        raise DeskError(f"cannot read that line: {err}") from None
    if not tokens:
        raise DeskError("type a command, or scan a barcode")
    verb, args = tokens[0].lower(), tokens[1:]
    if verb == "help" or "--help" in args or "-h" in args:
        return "help", {"verb": args[0] if verb == "help" and args else verb}
    if verb not in track.commands:
        if len(tokens) == 1:
            return "trace", {"identifier": tokens[0], "lot_ref": None, "order": None}
        raise DeskError(f"unknown command {tokens[0]!r}; try one of: {', '.join(VERBS)}")
    cmd = track.commands[verb]
    if isinstance(cmd, click.Group):
        if not args or args[0] not in cmd.commands:
            raise DeskError(f"{verb} needs one of: {', '.join(sorted(cmd.commands))}")
        verb, cmd, args = f"{verb} {args[0]}", cmd.commands[args[0]], args[1:]
    try:
        ctx = cmd.make_context(verb, args)
    except click.UsageError as err:
        raise DeskError(f"{err.format_message()} (usage: {verb} {_usage(cmd)})") from None
    except click.exceptions.Exit:
        return "help", {"verb": verb}
    return verb, dict(ctx.params)


def _usage(cmd: click.Command) -> str:
    ctx = click.Context(cmd, info_name="")
    return " ".join(cmd.collect_usage_pieces(ctx))


def run(tracker: Tracker, line: str) -> Outcome:
    """Parse and run one line; tracker refusals propagate as `tracker.TrackerError`."""
    verb, p = parse(line)
    if verb == "help":
        return Outcome("help", help_text(p["verb"]), "help")
    if verb == "receive":
        serials = list(p["serials"])
        if p["serials_file"] is not None:
            serials += [s.strip() for s in p["serials_file"] if s.strip()]
        r = tracker.receive(
            p["sku"],
            serials=serials,
            scans=p["scans"],
            generate=p["generate"],
            lot=p["lot"],
            qty=p["qty"],
            mfg=p["mfg"],
            expiry=p["expiry"],
            location=p["location"],
        )
        what = (
            f"{r.qty} x {r.sku} lot {r.lot}" if r.method == "batch" else f"{len(r.ids)} x {r.sku}"
        )
        return Outcome(verb, r, f"Received {what} into {r.location} ({r.method})")
    if verb == "ship":
        lines = [order_line(x) for x in p["lines"]]
        r = tracker.ship(p["order"], lines=lines, scans=p["scans"], location=p["location"])
        n = sum(i.qty for i in r.items)
        return Outcome(verb, r, f"Shipped order {r.order_id}: {n} item(s)")
    if verb == "return":
        r = tracker.process_return(
            p["order"], p["identifier"], reason=p["reason"], qty=p["qty"], location=p["location"]
        )
        return Outcome(verb, r, f"Return {r.identifier} on {r.order_id}: {verdict_label(r)}")
    if verb == "recall":
        r = _recall(tracker, p)
        lots = ", ".join(f"{s}:{lot}" for s, lot in r.lots)
        note = f"; report written to {p['report']}" if p["report"] is not None else ""
        return Outcome(
            verb, r, f"Recalled {lots}: {len(r.orders_to_contact)} order(s) to contact{note}"
        )
    if verb == "trace":
        r = _trace(tracker, p)
        return Outcome(verb, r, f"History of {r.kind} {r.key}: {len(r.events)} event(s)")
    if verb == "stats":
        return Outcome(verb, stats(tracker.store), "Stock, returns and suspects")
    if verb == "policy set":
        snap = PolicySnapshot(
            p["sku"],
            p["method"],
            tuple(p["capture"]),
            p["rule"],
            p["reason"],
            return_qc=p["return_qc"],
            gtin=p["gtin"],
        )
        tracker.set_policies([snap])
        return Outcome("policy", [snap], f"SKU {snap.sku}: tracked by {snap.method}")
    if verb == "policy list":
        policies = tracker.policies()
        return Outcome("policy", policies, f"{len(policies)} SKU decision(s) in the store")
    if verb in ("quarantine", "release", "scrap"):
        kwargs: dict[str, Any] = {"qty": p["qty"], "location": p["location"]}
        if verb == "release":
            kwargs["override"] = p["override"]
        status, count = getattr(tracker, verb)(p["identifier"], p["reason"], **kwargs)
        return Outcome(verb, (status, count), f"{p['identifier']}: {count} now {status}")
    raise DeskError(f"{verb} is not available in the app yet; use `trackright track {verb}`")


def _recall(tracker: Tracker, p: dict[str, Any]) -> Any:
    """The recall, its report checked before and written after it by the tracker itself."""
    if p["lot_ref"]:
        ref = split_lot_ref(p["lot_ref"])
        if ref is None:
            raise InputError(f"--lot {p['lot_ref']!r} must be written SKU:LOT")
        return tracker.recall(ref[0], lot=ref[1], reason=p["reason"], report=p["report"])
    if p["sku"]:
        return tracker.recall(
            p["sku"],
            date_from=p["date_from"],
            date_to=p["date_to"],
            reason=p["reason"],
            report=p["report"],
        )
    raise InputError("give --lot SKU:LOT, or --sku SKU --from DATE --to DATE")


def _trace(tracker: Tracker, p: dict[str, Any]) -> Any:
    if p["identifier"]:
        return trace_unit(tracker.store, p["identifier"])
    if p["lot_ref"]:
        ref = split_lot_ref(p["lot_ref"])
        if ref is None:
            raise InputError(f"--lot {p['lot_ref']!r} must be written SKU:LOT")
        return trace_lot(tracker.store, *ref)
    if p["order"]:
        return trace_order(tracker.store, p["order"])
    raise InputError("give a serial/LPN, --lot SKU:LOT or --order ORDER")


def verdict_label(result: Any) -> str:
    """The words on the returns desk: restock, counterfeit suspect, swap suspect, recalled, …"""
    v = result.verdict
    return (v.flag or ("restock" if v.verdict == "restock" else v.verdict)).replace("_", " ")


def verdict_tone(result: Any) -> str:
    """success / warning / error: how loudly the desk shows a verdict."""
    verdict = result.verdict.verdict
    if verdict == "restock":
        return "success"
    if verdict in ("inspect", "refuse"):
        return "warning"
    return "error"


__all__ = ["DeskError", "Outcome", "VERBS", "help_text", "parse", "run", "verdict_label"]
