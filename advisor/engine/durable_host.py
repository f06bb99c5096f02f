"""The only module that touches durable-rules.

durable-rules 2.0.28 keeps rulesets in a host whose constructor starts two background timer threads
that race synchronous calls (we measured lost actions and `None` results), cannot register a
ruleset name twice, and leaks a ruleset unless its C handle is freed. This module owns one quiet
host per process (no dispatcher threads), registers each compiled ruleset under a unique name,
evaluates one fact at a time with its own state id (deleted afterwards: the engine dies near 1,024
live states otherwise) and frees rulesets on release. Everything above it sees plain Python:
`DurableRuleset.matches(fact) -> list of rule names that fired`.

Everything passed here has already passed our own validation (`advisor.rulebook.load`), because
durable reports structural mistakes only as "error code 202".
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException


class _QuietHost(Host):
    """A durable Host without the timer threads that `Host.__init__` starts via `_run`."""

    def _run(self) -> None:  # noqa: D401 - overriding a private hook on purpose (version pinned)
        return None


@cache
def _host() -> _QuietHost:
    """The single durable host of this process; rulesets come and go on it."""
    return _QuietHost()


_NAMES = itertools.count(1)
_SENTINEL = "__trackright_sentinel__"
_ALWAYS = "__trackright_always__"


class DurableRuleset:
    """One registered ruleset whose rules all record themselves when they fire."""

    def __init__(
        self, name: str, conditions: Mapping[str, Mapping[str, Any]], priorities: Mapping[str, int]
    ):
        self._host = _host()
        self._lock = threading.Lock()
        self._fired: list[str] = []
        self._sids = itertools.count(1)
        self.name = f"{name}#{next(_NAMES)}"
        definition: dict[str, Any] = {}
        for rule_name, expression in conditions.items():
            definition[rule_name] = {
                "all": [{"m": copy.deepcopy(dict(expression))}],
                "pri": priorities[rule_name],
                "run": self._recorder(rule_name),
            }
        # Every fact must match something: durable keeps a state for an unmatched fact (leaking
        # towards its 1,024-state limit) and segfaults when that state is deleted. A sentinel
        # rule that always matches, fired last, keeps every evaluation on the normal path.
        definition[_SENTINEL] = {
            "all": [{"m": {_ALWAYS: True}}],
            "pri": 65535,
            "run": self._recorder(_SENTINEL),
        }
        self._host.register_rulesets({self.name: definition})
        self._released = False

    def _recorder(self, rule_name: str) -> Callable[[Any], None]:
        fired = self._fired

        def action(c: Any) -> None:  # one positional parameter: durable treats two as async
            fired.append(rule_name)

        return action

    def matches(self, fact: Mapping[str, Any]) -> list[str]:
        """Names of every rule whose condition holds for `fact`, in durable's firing order."""
        with self._lock:
            if self._released:
                raise RuntimeError(f"ruleset {self.name} was released")
            sid = str(next(self._sids))
            message = dict(fact)
            message["sid"] = sid
            message[_ALWAYS] = True
            self._fired.clear()
            try:
                state = self._host.assert_fact(self.name, message)
            except MessageNotHandledException:  # cannot happen with the sentinel; keep it honest
                raise RuntimeError(
                    "durable-rules did not handle a fact the sentinel rule matches"
                ) from None
            self._host.delete_state(self.name, sid)
            if isinstance(state, dict) and "exception" in state:
                raise RuntimeError(f"durable-rules action failed: {state['exception']}")
            return [name for name in self._fired if name != _SENTINEL]

    def release(self) -> None:
        """Free the C-side ruleset; durable offers no public way to do this."""
        with self._lock:
            if self._released:
                return
            ruleset = self._host._ruleset_directory.pop(self.name, None)
            if ruleset is not None:
                self._host._ruleset_list.remove(ruleset)
                durable_rules_engine.delete_ruleset(ruleset._handle)
            self._released = True


__all__ = ["DurableRuleset"]
