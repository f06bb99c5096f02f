"""The progress bar of a long run, on stderr: one builder for every command that has one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(label: str, show: bool = True) -> Iterator[Callable[[int], None] | None]:
    """Yield a rows-done callback drawing a transient bar on stderr; None when not `show`n."""
    if not show:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]Evaluating[/bold] {task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.update(task, completed=n)
