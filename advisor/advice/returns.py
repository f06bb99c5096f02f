"""The return-verdict rules (`rules/returns.yaml`) as the tracker's returns desk uses them.

The tracker builds the facts of one return (is the id known, shipped on this order, lot
recalled, …) and asks for a verdict; this module is the one function it calls, so the tracker
never reaches into the rulebook or durable-rules itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.engine.decide import Decision, RuleEngine
from advisor.rulebook.load import RETURN_FACTS, Rulebook, load_rulebook


class ReturnRules:
    """Decides return verdicts with the validated returns rule set of one rulebook."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._engine = RuleEngine(rulebook.returns, rulebook.version)

    @property
    def version(self) -> str:
        return self.rulebook.version

    def decide(self, facts: Mapping[str, Any]) -> Decision:
        """The verdict for one return; `facts` must hold every fact returns.yaml may test."""
        missing = [name for name in RETURN_FACTS if name not in facts]
        if missing:
            raise ValueError(f"return facts missing: {', '.join(missing)}")
        typed = dict(facts)
        typed["return_count"] = float(typed["return_count"])
        return self._engine.decide(typed)

    def verdict(self, facts: Mapping[str, Any]):
        """The decision as the tracker's `Verdict`: what `open_tracker(verdict=...)` expects."""
        from tracker import Verdict

        d = self.decide(facts)
        return Verdict(
            str(d.outcome["verdict"]), d.outcome.get("flag"), d.rule, d.reason, self.version
        )

    def close(self) -> None:
        self._engine.close()


def load_return_rules(rules_dir: str | Path | None = None) -> ReturnRules:
    """Load and validate the rulebook at `rules_dir` (default: bundled) for return verdicts."""
    return ReturnRules(load_rulebook(rules_dir))


__all__ = ["ReturnRules", "load_return_rules"]
