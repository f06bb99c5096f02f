"""Where the rules live: the rules files a rulebook is made of and the folder to read them from.

Kept apart from the loader (and importing nothing heavy) so that a command which only needs the
folder, such as the returns desk checking whether its memoised verdicts are still fresh
(`advisor.advice.returns`), never pays for loading the rulebook machinery.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The rules files a rulebook is made of, in the order they are read.
FILES = (
    "classification.yaml",
    "regulations.yaml",
    "policy.yaml",
    "costs.yaml",
    "returns.yaml",
    "currencies.yaml",
    "evidence.yaml",
    "taxonomies.yaml",
    "columns.yaml",
    "languages.yaml",
)
#: Rules files a rulebook may do without: `languages.yaml` only adds words in more languages.
OPTIONAL_FILES = frozenset({"languages.yaml"})


def bundled_rules_dir() -> Path:
    """The rules beside the running code: the checkout's `rules/`, else the installed copy.

    `rules/` holds YAML only, so it installs as the namespace package `trackright_rules`. A
    source checkout wins over an installed copy, so that code and rules always come together.
    """
    import importlib.util

    beside = Path(__file__).resolve().parents[2] / "rules"  # advisor/rulebook/locate.py → checkout
    if (beside / "policy.yaml").is_file():
        return beside
    try:
        spec = importlib.util.find_spec("trackright_rules")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location)
        if (path / "policy.yaml").is_file():
            return path
    return beside


def resolve_rules_dir(path: str | Path | None = None) -> Path:
    """An explicit path, else $TRACKRIGHT_RULES, else the bundled rules."""
    if path:
        return Path(path)
    env = os.environ.get("TRACKRIGHT_RULES")
    return Path(env) if env else bundled_rules_dir()


__all__ = ["FILES", "OPTIONAL_FILES", "bundled_rules_dir", "resolve_rules_dir"]
