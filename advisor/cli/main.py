"""The `trackright` command: one entry point for the advisor, the rules toolkit and the tracker.

Subcommands load lazily so `trackright --help` stays fast; every user mistake is a
TrackrightError that shows itself (`ShowsErrors`: one message and its hint on stderr, exit code
2, or 1 where documented), never a traceback.

Exit codes: 0 success; 1 the job ran but something needs attention (rows rejected, a refused
tracker operation, rule tests failing, too many flips); 2 unusable input (bad rulebook, file,
profile or option).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from tracker.errors import TrackrightError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Shown(click.ClickException):
    """A TrackrightError handed to click, which shows it (`TrackrightError.show`) and exits."""

    def __init__(self, error: TrackrightError) -> None:
        super().__init__(error.message)
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        self.error.show(file)


class ShowsErrors(click.Group):
    """A group whose commands' errors show themselves, as click's own exceptions do.

    A TrackrightError, an unusable path the user gave (OSError) or memory running out becomes
    one message and hint on stderr with the error's exit code (`tracker.errors.as_error`); the
    one place the CLI displays an error.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise
        except (TrackrightError, OSError, MemoryError) as exc:
            from tracker.errors import as_error

            raise Shown(as_error(exc)) from exc


class LazyGroup(ShowsErrors):
    """A click group whose subcommands live in other modules and load on first use."""

    def __init__(
        self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            short = _SHORT.get(name)
            if short is None:
                cmd = self.get_command(ctx, name)
                short = cmd.get_short_help_str(70) if cmd else ""
            rows.append((name, short))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


_SHORT = {
    "evaluate": "Decide serial / batch / LPN for every row of a catalog file, with costs.",
    "decide": "Classify and decide one SKU given on the command line.",
    "rules": "Check, test, lint, diff and explain the rulebook.",
    "track": "Run the tracking engine: receive, ship, return, recall, trace, stats.",
    "app": "Open the terminal app (also what `trackright` alone does).",
}


@click.group(
    cls=LazyGroup,
    context_settings=CONTEXT,
    invoke_without_command=True,
    lazy={
        "evaluate": ("advisor.cli.evaluate", "evaluate"),
        "decide": ("advisor.cli.rules.decide", "decide"),
        "rules": ("advisor.cli.rules.group", "rules"),
        "track": ("advisor.cli.track", "track"),
        "app": ("advisor.cli.app", "app"),
    },
)
@click.version_option(package_name="trackright", prog_name="trackright")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """trackright — decide, SKU by SKU, whether to track stock by serial number, batch/lot or
    LPN, then run that tracking.

    Run with no command to open the terminal app. Start with:

      trackright evaluate sample_catalogs/electronics_brand.csv
    """
    if ctx.invoked_subcommand is None:
        app_cmd = cli.get_command(ctx, "app")
        ctx.invoke(app_cmd)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        cli.main(args=argv, prog_name="trackright")
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
