"""The rulebook: the YAML files in `rules/`, loaded, validated with file and line, and typed.

    >>> from advisor.rulebook import load_rulebook
    >>> book = load_rulebook()                 # the bundled rules, or $TRACKRIGHT_RULES
    >>> book.policy.rules[0].id
    'mobile-phones'

`yamlsrc` reads YAML remembering where every value came from (and explains YAML that is not),
`shapes` declares what a value may be and `emit` turns those declarations into JSON Schema,
`files` says what each rules file holds, `conditions` parses `when:` blocks and `compile` puts
them onto durable-rules with exact profile keys, `analysis` decides whether conditions overlap or
cover each other, `tables` compiles decision tables to rules, `markets` knows the ISO 3166
codes, `suggest` the "did you mean", `model` holds the typed objects, and `load` puts it all
together into a `Rulebook` (with `classification`, `rulesets` and `floors` doing the per-file
work).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """The public names load the rulebook machinery on first use, so that importing a light
    module of this package (`advisor.rulebook.locate`) stays light."""
    if name in __all__:
        from advisor.rulebook import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Classification",
    "Costs",
    "Regulation",
    "Rule",
    "RuleSet",
    "Rulebook",
    "Vertical",
    "bundled_rules_dir",
    "load_rulebook",
    "resolve_rules_dir",
]
