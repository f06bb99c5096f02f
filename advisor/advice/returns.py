"""The return-verdict rules (`rules/returns.yaml`) as the tracker's returns desk uses them.

The tracker builds the facts of one return (is the id known, shipped on this order, lot
recalled, …) and asks for a verdict; this module is the one function it calls, so the tracker
never reaches into the rulebook or durable-rules itself.

Loading and validating the rulebook takes most of a second, which a returns desk would pay on
every scan from the command line. `memoised_verdicts` therefore remembers each verdict on disk,
keyed by a digest of the rules folder's files (and of the code that decides) plus the facts: the
verdict is a function of exactly those, so a remembered one is the one the rules would give, and
any edit of a rules file starts a fresh memo. The rulebook is loaded only on a miss.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.rulebook.locate import FILES, resolve_rules_dir

if TYPE_CHECKING:
    from advisor.engine.decide import Decision
    from advisor.rulebook.load import Rulebook


class ReturnRules:
    """Decides return verdicts with the validated returns rule set of one rulebook."""

    def __init__(self, rulebook: Rulebook) -> None:
        from advisor.engine.decide import RuleEngine

        self.rulebook = rulebook
        self._engine = RuleEngine(rulebook.returns, rulebook.version)

    @property
    def version(self) -> str:
        return self.rulebook.version

    def decide(self, facts: Mapping[str, Any]) -> Decision:
        """The verdict for one return; `facts` must hold every fact returns.yaml may test."""
        from advisor.rulebook.load import RETURN_FACTS

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
    from advisor.rulebook.load import load_rulebook

    return ReturnRules(load_rulebook(rules_dir))


def _digest(folder: Path) -> str:
    """A name for this rules folder and decider code, for the memo file.

    zlib's CRC-32 and Adler-32 over the same bytes (64 bits) rather than hashlib: the memo is a
    cache, not a seal, and hashlib's OpenSSL costs a returns desk about 6 ms on every scan.
    """
    parts: list[bytes] = []
    for name in FILES:
        try:
            parts.append(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
        except OSError:
            parts.append(name.encode() + b"\0missing\0")
    code = Path(__file__).resolve().parents[1]
    for part in ("engine", "rulebook"):
        for src in sorted((code / part).glob("*.py")):
            st = src.stat()
            parts.append(f"{src.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    st = Path(__file__).stat()
    parts.append(f"returns:{st.st_size}:{st.st_mtime_ns}".encode())
    blob = b"".join(parts)
    return f"{zlib.crc32(blob):08x}{zlib.adler32(blob):08x}{len(blob):x}"


def _memo_dir() -> Path:
    base = os.environ.get("TRACKRIGHT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "trackright" / "returns"


def memoised_verdicts(rules_dir: str | Path | None = None) -> Callable[[Mapping[str, Any]], Any]:
    """The returns rulebook as a verdict function that remembers its verdicts on disk.

    A rules folder that fails to load fails here exactly as `load_return_rules` does (on the
    first miss). Without a writable cache folder it still decides, just without remembering.
    """
    folder = resolve_rules_dir(rules_dir)
    memo_file = _memo_dir() / f"{_digest(folder)}.json"
    state: dict[str, Any] = {"rules": None, "memo": None}

    def load_memo() -> dict[str, list]:
        if state["memo"] is None:
            try:
                state["memo"] = json.loads(memo_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                state["memo"] = {}
        return state["memo"]

    def verdict(facts: Mapping[str, Any]):
        from tracker import Verdict

        key = json.dumps(dict(facts), sort_keys=True)
        memo = load_memo()
        hit = memo.get(key)
        if isinstance(hit, list) and len(hit) == 5:
            return Verdict(*hit)
        if state["rules"] is None:
            state["rules"] = load_return_rules(folder)
        found = state["rules"].verdict(facts)
        memo[key] = [found.verdict, found.flag, found.rule, found.reason, found.rulebook_version]
        _save(memo_file, memo)
        return found

    return verdict


def _save(path: Path, memo: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # no memo: every verdict is decided afresh, which is only slower


__all__ = ["ReturnRules", "load_return_rules", "memoised_verdicts"]
