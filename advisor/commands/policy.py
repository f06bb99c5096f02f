"""`policy import`, `policy set`, `policy list`: each SKU's tracking decision, from `evaluate` or by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import Identifier
from tracker.vocabulary import CAPTURES, METHODS, NOT_STOCK

if TYPE_CHECKING:
    from tracker import PolicySnapshot

__all__ = ["PoliciesImported", "PoliciesListed", "PolicySet", "policy_import", "policy_list"]

#: Skipped rows listed one by one (the count is always complete).
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class PoliciesImported(Outcome):
    """Decisions taken from a file; rows that could not be used, each with where and why."""

    verb: ClassVar[str] = "policy import"
    count: int
    methods: tuple[tuple[str, int], ...]
    note: str
    problems: tuple[tuple[str, str], ...]

    @property
    def summary(self) -> str:
        split = ", ".join(f"{m} {n}" for m, n in self.methods)
        return f"Imported {self.count} SKU decision(s)" + (f": {split}" if split else "")

    @property
    def note_is_warning(self) -> bool:
        return bool(self.note) and not self.note.startswith("Rulebook")

    def problem_lines(self) -> list[str]:
        lines = [f"Skipped {where}: {message}" for where, message in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(f"… and {len(self.problems) - SHOWN_PROBLEMS} more rows skipped")
        if self.problems:
            lines.append(f"{len(self.problems)} row(s) skipped; fix them and import again")
        return lines

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


@verb("import")
@click.argument("file", type=click.Path(path_type=Path))
def policy_import(session: Session, file: Path) -> PoliciesImported:
    """Take every SKU's decision from an evaluate output file (CSV, JSON or JSON Lines).

    A row that cannot be used is reported with its row and skipped; the others are imported.
    Exit code 1 when any row was skipped.
    """
    from advisor.authoring.history import record_import
    from tracker import read_policy_file

    found = read_policy_file(file)
    t = session.tracker()
    count = t.set_policies(found.snapshots)
    methods: dict[str, int] = {}
    for s in found.snapshots:
        methods[s.method] = methods.get(s.method, 0) + 1
    note = record_import(
        {s.rulebook_version for s in found.snapshots},
        session.rules,
        t.store.path,
        file,
    )
    return PoliciesImported(
        count,
        tuple(sorted(methods.items())),
        note,
        tuple((p.where, p.message) for p in found.problems),
    )


@dataclass(frozen=True)
class PolicySet(Outcome):
    """One SKU's decision, set by hand."""

    verb: ClassVar[str] = "policy set"
    policy: PolicySnapshot

    @property
    def summary(self) -> str:
        p = self.policy
        return f"SKU {p.sku}: tracked by {p.method}" + (
            f" + {', '.join(p.capture)}" if p.capture else ""
        )


@verb("set")
@click.argument("sku", type=Identifier("SKU"))
@click.option("--method", type=click.Choice((*METHODS, NOT_STOCK)), required=True)
@click.option("--capture", type=click.Choice(CAPTURES), multiple=True, help="Repeat as needed.")
@click.option("--rule", default="manual", show_default=True)
@click.option("--reason", default="set by hand", show_default=True)
@click.option("--return-qc", is_flag=True, help="Returns go to QC quarantine, not restock.")
@click.option("--gtin", default="", help="The SKU's GTIN, so scanned GS1 barcodes map to it.")
def policy_set(
    session: Session,
    sku: str,
    method: str,
    capture: tuple[str, ...],
    rule: str,
    reason: str,
    return_qc: bool,
    gtin: str,
) -> PolicySet:
    """Set one SKU's tracking method by hand (`none`: not stock, never received)."""
    from tracker import PolicySnapshot
    from tracker.operations.policies import check_gtin

    gtin = check_gtin(gtin, "--gtin") if gtin else ""
    snap = PolicySnapshot(sku, method, tuple(capture), rule, reason, "", "", return_qc, gtin)
    session.tracker().set_policies([snap])
    return PolicySet(snap)


@dataclass(frozen=True)
class PoliciesListed(Outcome):
    """The decision stored for each SKU, by SKU."""

    verb: ClassVar[str] = "policy list"
    policies: tuple[PolicySnapshot, ...]

    @property
    def summary(self) -> str:
        return f"{len(self.policies)} SKU decision(s) in the store"


@verb("list")
def policy_list(session: Session) -> PoliciesListed:
    """Show the tracking decision stored for each SKU."""
    return PoliciesListed(tuple(session.tracker(readonly=True).policies()))
