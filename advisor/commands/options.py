"""The options the commands share, each defined once: --store, --rules, --warehouse, --read-only, --as-of, --profile.

`SESSION_OPTIONS` are the options of every tracker verb. Each is taken before the verb
(`trackright track --store S receive …`, with its default and environment variable) and after
it (`receive … --store S`, on the CLI and on the app's desk alike), and lands on the `Session`
as the attribute of its name. **Adding an option to every verb is one entry here**; the verbs
then read `session.<name>`. `advisor.cli.options` re-exports the rest for the advisor's commands
(`evaluate`, `decide`, `rules …`); they live here because the app may use the command layer but
not the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from advisor.commands.types import DAY, STORE_REF, Identifier

__all__ = [
    "AS_OF_OPTION",
    "RULES_OPTION",
    "SESSION_OPTIONS",
    "SessionOption",
    "profile_option",
]


RULES_ENV = "TRACKRIGHT_RULES"
RULES_FOLDER = click.Path(file_okay=False, path_type=Path)

RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=RULES_FOLDER,
    default=None,
    envvar=RULES_ENV,
    show_envvar=True,
    help="Rules folder (default: the rules bundled with trackright).",
)

AS_OF_OPTION = click.option(
    "--as-of",
    type=DAY,
    help="Decide as on this date, YYYY-MM-DD (regulations' effective_from).",
)


def profile_option(help: str = "Brand profile YAML.") -> Callable[[Any], Any]:  # noqa: A002
    """The --profile option every deciding command shares."""
    return click.option(
        "--profile", "profile_path", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


class SessionOption:
    """An option of every tracker verb, kept on the `Session` as the attribute `name`.

    `default` and `envvar` apply where the option is given before the verb (the `track` group);
    given after the verb it overrides that, and only when given.
    """

    def __init__(
        self,
        name: str,
        *decls: str,
        default: Any = None,
        envvar: str | None = None,
        **attrs: Any,
    ) -> None:
        self.name = name
        self.decls = decls
        self.default = default
        self.envvar = envvar
        self.attrs = attrs

    @property
    def empty(self) -> Any:
        """The session's value while the option is not given: False for a flag, else None."""
        return False if self.attrs.get("is_flag") else None

    def before_verb(self) -> click.Option:
        """The option of the `track` group."""
        return click.Option(
            [*self.decls, self.name],
            default=self.default,
            envvar=self.envvar,
            show_envvar=self.envvar is not None,
            show_default=self.default is not None and not self.attrs.get("is_flag"),
            **self.attrs,
        )

    def after_verb(self) -> click.Option:
        """The option of each verb: no default, so that it only overrides when given."""
        return click.Option([*self.decls, self.name], default=None, **self.attrs)

    def take(self, session: object, value: Any) -> None:
        """Keep a value given after the verb on the session (a value not given changes nothing)."""
        if value not in (None, False, ()):
            setattr(session, self.name, value)


SESSION_OPTIONS: list[SessionOption] = [
    SessionOption(
        "store",
        "--store",
        default=Path(".trackright") / "store.json",
        envvar="TRACKRIGHT_STORE",
        type=STORE_REF,
        help="Store file (a folder means FOLDER/store.json), or a PostgreSQL URL "
        "(postgresql://user@host:5432/db).",
    ),
    SessionOption(
        "rules",
        "--rules",
        envvar=RULES_ENV,
        type=RULES_FOLDER,
        help="Rules folder whose returns.yaml decides return verdicts (default: bundled).",
    ),
    SessionOption(
        "warehouse",
        "--warehouse",
        envvar="TRACKRIGHT_WAREHOUSE",
        type=Identifier("warehouse"),
        help="The warehouse this desk works in: receive puts stock there, ship, return, holds "
        "and transfers work there (a verb's own --location or --from wins), stats shows its "
        "figures.",
    ),
    SessionOption(
        "read_only",
        "--read-only",
        is_flag=True,
        help="Never change the store (for a store you may only read); stats and trace always "
        "read only.",
    ),
]
