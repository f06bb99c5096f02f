"""What the recommendation screen does with a finished recommendation: export its decisions,
save the brand profile, take another catalog, and accept it into the tracker.

A mixin of `AdviceScreen` (which holds `rec` and decides again with `refresh_advice`): these
are the verbs that leave the screen's data, each ending in a file, the store or the desk.
"""

from __future__ import annotations

from pathlib import Path

from textual import work

from advisor.advice.recommend import (
    Recommendation,
    export_decisions,
    export_profile,
    policy_snapshots,
)
from advisor.app.offload import in_child
from advisor.app.path_screen import PathScreen, Progress
from advisor.app.workspace import Workspace
from advisor.errors import TrackrightError
from tracker import open_tracker
from tracker.errors import as_error

STILL_DECIDING = "Still deciding; try again in a moment."


class RecommendationActions:
    """Export, save profile, another catalog, accept: the screen's verbs with side effects."""

    rec: Recommendation | None

    def _ask_for_file(self, title: str, prompt: str, default: str, act=None, job=None) -> None:
        """A file-name dialog that runs `act` on Enter (or `job`, in a worker) and stays open
        on its error; it asks before replacing a file."""
        if self.rec is None:
            self.notify(STILL_DECIDING)
            return
        self.app.push_screen(
            PathScreen(title, prompt, default, act=act, job=job, overwrite_check=True)
        )

    def action_export(self) -> None:
        self._ask_for_file(
            "Export decisions",
            "Save every decision to (ends in .csv, .json or .jsonl):",
            "trackright-decisions.csv",
            job=self._export,
        )

    def _export(self, path: str, progress: Progress) -> str | None:
        """Write the decisions, in the dialog's worker thread (200,000 rows take seconds); an
        error is shown in the dialog, which stays open."""
        rec = self.rec
        if rec is None:
            return STILL_DECIDING
        try:
            written = export_decisions(rec, path, progress=progress)
        except OSError as err:
            return f"Not exported: {as_error(err)}"
        except ValueError as err:  # a name whose ending is not a format we write
            return f"Not exported: {err}"
        self.app.call_from_thread(
            self.notify, f"Saved {len(rec.items):,} decisions to {written}", title="Exported"
        )
        return None

    def action_save_profile(self) -> None:
        self._ask_for_file(
            "Save brand profile",
            "Save the profile (for `trackright evaluate --profile FILE`) to:",
            "brand_profile.yaml",
            act=self._save_profile,
        )

    def _save_profile(self, path: str) -> str | None:
        rec = self.rec
        if rec is None:
            return STILL_DECIDING
        try:
            written = export_profile(rec, path)
        except OSError as err:
            return f"Not saved: {as_error(err)}"
        self.notify(f"Profile saved to {written}", title="Saved")
        return None

    def action_catalog(self) -> None:
        prompt = "Catalog file (CSV, Shopify export, JSON or JSON Lines):"
        current = self.rec.catalog if self.rec is not None else None
        with self.app.workspace.store_lock:
            stored = len(self.app.workspace.tracker.policies())
        if current:
            prompt = (
                f"The new catalog replaces {Path(current).name} in this recommendation. " + prompt
            )
        if stored:
            prompt += (
                f"\nOn accept, its SKUs are merged into the tracker's {stored:,} SKU "
                "policies: a SKU in both takes the new decision, the others stay."
            )
        self.app.push_screen(
            PathScreen("Evaluate a catalog", prompt, "", must_exist=True), self._use_catalog
        )

    def _use_catalog(self, path: str | None) -> bool:
        if not path:
            return False
        ws = self.app.workspace
        conv = ws.load_conversation()
        try:
            conv.edit("catalog")
        except TrackrightError:
            self.notify("Finish the questions first (b), then add the catalog.", severity="error")
            return False
        result = conv.answer(path)
        if not result.ok:
            self.notify(result.message, severity="error")
            return False
        ws.save_conversation(conv)
        self.refresh_advice()
        return True

    def action_accept(self) -> None:
        rec = self.rec
        if rec is None:
            self.notify(STILL_DECIDING)
            return
        if rec.catalog is None:
            self.app.push_screen(
                PathScreen(
                    "The tracker needs your SKUs",
                    "The tracker stores a decision per SKU, and your SKUs are in your catalog. "
                    "Give the catalog file to decide each SKU, or open the desk and set SKUs "
                    "there with `policy set SKU --method serial`.",
                    "",
                    alternative="Open the desk",
                    must_exist=True,
                ),
                self._accept_without_catalog,
            )
            return
        self._store_policy(rec)

    def _accept_without_catalog(self, path: str | None) -> None:
        if path is None:
            return
        if path == "":
            self.app.workspace.mark_accepted(0, "answers")
            self.app.switch_mode("desk")
            self.app.screen.note(
                "No SKUs stored yet. Set one with: policy set SKU --method serial|lpn|batch"
            )
            return
        if self._use_catalog(path):
            self.notify("Catalog evaluated. Check the rows, then press a to accept.")

    # a description, or Textual builds one from repr(rec): a third of a second for 20,000 rows
    @work(thread=True, exclusive=True, group="accept", description="storing the policy")
    def _store_policy(self, rec: Recommendation) -> None:
        ws = self.app.workspace
        try:
            # In a child process, with a store of its own: storing 20,000 policies and then
            # reading them back in this process held keys back for a second.
            n, kept = in_child(
                lambda: _store_policies(ws, rec), locks=(ws.store_lock, ws.engine_lock)
            )
        except TrackrightError as err:
            self.app.call_from_thread(
                self.notify,
                str(as_error(err)),
                title="Not accepted",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        self.app.call_from_thread(self._accepted, n, rec, kept)

    def _accepted(self, n: int, rec: Recommendation, kept: int = 0) -> None:
        counts = rec.summary.by_method
        split = ", ".join(f"{m} {counts[m]:,}" for m in ("serial", "lpn", "batch") if counts[m])
        merged = f" Merged: {kept:,} SKUs from earlier catalogs keep their policy." if kept else ""
        self.app.switch_mode("desk")
        self.app.screen.note(f"Policy accepted: {n:,} SKU decisions stored ({split}).{merged}")


def _store_policies(ws: Workspace, rec: Recommendation) -> tuple[int, int]:
    """Store the recommendation's decisions and remember them as accepted, through a store of
    this process's own; (SKUs stored, SKUs of earlier catalogs that keep their policy)."""
    tracker = open_tracker(ws.store_path, clock=ws.clock)
    snaps = policy_snapshots(rec)
    before = {p.sku for p in tracker.policies()}
    n = tracker.set_policies(snaps)
    ws.mark_accepted(n, rec.catalog or "answers", store=tracker.store)
    ws.record_rulebook("app accept")
    return n, len(before - {s.sku for s in snaps})


__all__ = ["RecommendationActions"]
