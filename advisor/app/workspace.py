"""One brand's workspace as the app sees it: the store, the rules in force, the saved onboarding.

Plain Python (no textual), so screens stay thin and tests can set a workspace up directly.
The rulebook is reloaded on request; a broken edit leaves the last good rulebook running and
keeps its problems (file:line) for the rules screen to show.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from advisor.advice.amounts import format_money
from advisor.advice.classify.classifier import prepare
from advisor.advice.onboarding import Conversation, OnboardingError, OnboardingFlow, load_onboarding
from advisor.advice.returns import ReturnRules
from advisor.errors import Problem, TrackrightError
from advisor.rulebook.load import Rulebook, load_rulebook, resolve_rules_dir
from tracker import Tracker, Verdict, get_setting, open_tracker, set_setting
from tracker.store.base import Store

ONBOARDING_KEY = "tui.onboarding"
ACCEPTED_KEY = "tui.accepted"
SAVED_RECOMMENDATION = "recommendation.pickle"  # beside the store, written by this app only


@dataclass(frozen=True, slots=True)
class RulesStatus:
    """The outcome of the last (re)load: which rulebook runs and what is wrong with the files."""

    running: str  # label of the rulebook in force, "" if none ever loaded
    problems: tuple[Problem, ...]
    loaded_at: str

    @property
    def ok(self) -> bool:
        return not self.problems


class Workspace:
    """The store, the last good rulebook and the onboarding state, shared by every screen.

    Rule engines and the store are used from worker threads: hold `store_lock` around store
    operations and `engine_lock` around rule engines (always in that order, never the reverse).
    """

    def __init__(
        self,
        store_path: str | os.PathLike[str],
        rules_dir: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.rules_dir = resolve_rules_dir(rules_dir)
        self.store_lock = threading.RLock()
        self.engine_lock = threading.RLock()
        self.rulebook: Rulebook | None = None
        self._returns: ReturnRules | None = None
        self.status = RulesStatus("", (), "")
        self._stamp: tuple = ()
        self.clock = clock or datetime.now
        self.reload_rules()
        self.tracker: Tracker = open_tracker(store_path, verdict=self._verdict, clock=clock)
        self._flow: OnboardingFlow | None = None

    @property
    def store_path(self) -> Path:
        return self.tracker.store.path

    # -- rules -----------------------------------------------------------------------------------

    def reload_rules(self) -> RulesStatus:
        """Load the rules folder again; on problems keep the rulebook that was running."""
        with self.engine_lock:
            self._stamp = self.rules_stamp()
            when = self.clock().strftime("%H:%M:%S")
            try:
                book = load_rulebook(self.rules_dir)
            except TrackrightError as err:
                problems = tuple(getattr(err, "problems", ())) or (
                    Problem(str(self.rules_dir), 1, str(err)),
                )
                label = self.rulebook.label if self.rulebook else ""
                self.status = RulesStatus(label, problems, when)
                return self.status
            old = self._returns
            self.rulebook = book
            self._returns = ReturnRules(book)
            self._flow = None
            if old is not None:
                old.close()
            self.status = RulesStatus(book.label, (), when)
            return self.status

    def prepare_rules(self) -> None:
        """Compile the running rulebook's words now (a worker calls it at start and after a
        reload), so the first catalog decided — in a process forked with them — does not wait.
        Under the engine lock: a fork for deciding waits for it rather than copying half.

        Also writes one amount in the base currency: the first one loads that locale's money
        format (about 40 ms), which would otherwise be paid between the last row decided and
        the recommendation drawn."""
        with self.engine_lock:
            if self.rulebook is not None:
                prepare(self.rulebook)
                format_money(1234.5, self.rulebook.classification.base_currency)

    def in_rules(self, file: str | os.PathLike[str]) -> str:
        """A rules file as written from the rules folder (`policy.yaml`), so the useful end is
        on screen and reads the same wherever trackright is installed; a file outside the
        folder keeps its full path."""
        path = Path(file)
        try:
            return str(path.resolve().relative_to(self.rules_dir.resolve()))
        except (ValueError, OSError):
            return str(path)

    def rules_stamp(self) -> tuple:
        """Modification times and sizes of the YAML files, to notice an edit from outside."""
        stamp = []
        for path in sorted(self.rules_dir.glob("*.yaml")):
            try:
                st = path.stat()
            except OSError:
                continue
            stamp.append((path.name, st.st_mtime_ns, st.st_size))
        return tuple(stamp)

    def rules_changed(self) -> bool:
        return self.rules_stamp() != self._stamp

    def require_rulebook(self) -> Rulebook:
        if self.rulebook is None:
            first = self.status.problems[0] if self.status.problems else "no rules loaded"
            raise OnboardingError(
                f"the rulebook in {self.rules_dir} has problems, so nothing can be decided: {first}",
                hint="fix the file and reload the rules (Rules screen, key r)",
            )
        return self.rulebook

    def _verdict(self, facts: dict[str, object]) -> Verdict:
        """The returns rulebook as the tracker's verdict function (the one `track return` uses)."""
        with self.engine_lock:
            rules = self._returns
            if rules is None:
                from tracker import VerdictUnavailableError

                raise VerdictUnavailableError("no valid returns rulebook is loaded")
            return rules.verdict(facts)

    # -- onboarding ------------------------------------------------------------------------------

    @property
    def flow(self) -> OnboardingFlow:
        if self._flow is None:
            book = self.require_rulebook()
            verticals = [(v.id, v.label) for v in book.classification.verticals.values()]
            own = self.rules_dir / "onboarding.yaml"
            flow = load_onboarding(own if own.is_file() else None, verticals=verticals)
            self._flow = replace(flow, columns=book.columns)  # a catalog answer reads these
        return self._flow

    def load_conversation(self) -> Conversation:
        """The saved conversation, or a fresh one if none was saved (or it no longer fits)."""
        with self.store_lock:
            state = get_setting(self.tracker.store, ONBOARDING_KEY)
        if state:
            try:
                return Conversation.from_state(self.flow, state)
            except OnboardingError:
                pass
        return Conversation(self.flow)

    def save_conversation(self, conv: Conversation) -> None:
        with self.store_lock:
            set_setting(self.tracker.store, ONBOARDING_KEY, conv.to_state())

    def forget_conversation(self) -> None:
        with self.store_lock:
            set_setting(self.tracker.store, ONBOARDING_KEY, None)
            set_setting(self.tracker.store, ACCEPTED_KEY, None)
        self.forget_recommendation()

    @property
    def accepted(self) -> dict | None:
        """What was accepted last: {"skus": n, "source": ..., "rulebook": ...}, or None."""
        with self.store_lock:
            return get_setting(self.tracker.store, ACCEPTED_KEY)

    def record_rulebook(self, source: str) -> None:
        """Keep the rulebook in force in the workspace's rulebook history (`rules history`)."""
        from advisor.authoring.history import record

        if self.rulebook is not None:
            record(self.rulebook, self.store_path, source)

    # -- the last recommendation -----------------------------------------------------------------

    def recommendation_key(self, profile: object, catalog: str | None) -> str:
        """What a recommendation was decided from: the answers, the catalog file as it is on
        disk (name, size, modification time) and the rulebook version; any change decides again."""
        stat: tuple = ()
        if catalog:
            try:
                st = Path(catalog).expanduser().stat()
                stat = (str(Path(catalog).expanduser().resolve()), st.st_size, st.st_mtime_ns)
            except OSError:
                stat = (catalog,)
        version = self.rulebook.version if self.rulebook else ""
        raw = repr((profile, catalog, stat, version)).encode()
        return hashlib.sha256(raw).hexdigest()

    @property
    def recommendation_file(self) -> Path:
        """Where the last recommendation is kept for the next launch (`advisor.app.deciding`
        writes and reads it), beside the store."""
        return self.store_path.parent / SAVED_RECOMMENDATION

    def forget_recommendation(self) -> None:
        self.recommendation_file.unlink(missing_ok=True)

    def mark_accepted(self, skus: int, source: str, store: Store | None = None) -> None:
        """Remember what was accepted, in this workspace's store or in `store` (the same store
        opened by another process: `advisor.app.offload`)."""
        label = self.rulebook.label if self.rulebook else ""
        with self.store_lock if store is None else nullcontext():
            set_setting(
                store or self.tracker.store,
                ACCEPTED_KEY,
                {"skus": skus, "source": source, "rulebook": label},
            )


__all__ = ["ACCEPTED_KEY", "ONBOARDING_KEY", "SAVED_RECOMMENDATION", "RulesStatus", "Workspace"]
