"""The file-path dialog of export, save profile and "evaluate a catalog": it asks before replacing a
file, stays open on an error, and runs a long job (exporting 200,000 decisions) in a worker
thread with a progress bar, so that no key waits for the disk meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, ProgressBar, Static
from textual.worker import get_current_worker

from advisor.app.widgets import Field

#: How a job says how far it got: (items done, items in all).
Progress = Callable[[int, int], None]
Job = Callable[[str, Progress], "str | None"]

_EVERY = 0.1  # seconds between progress updates drawn


class JobCancelled(Exception):
    """Raised inside a job by its progress callback once the dialog was cancelled (Escape)."""


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path (export, profile, catalog); Enter confirms, Escape cancels.

    `act(path)` (when given) does the work while the dialog is open and returns an error
    message to show (the dialog stays open, the path kept for correcting) or None to close.
    `job(path, progress)` does the same in a worker thread, for work that takes seconds: the
    dialog shows its progress, refuses a second Enter meanwhile, and Escape stops it (the job
    sees `JobCancelled` raised from `progress`). With `overwrite_check`, an existing file is
    only replaced after a second Enter."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#path"
    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    PathScreen #prompt { width: 100%; height: auto; }
    PathScreen #error { color: $text-error; height: auto; }
    PathScreen #job { width: 100%; height: auto; }
    PathScreen Horizontal { height: auto; }
    PathScreen Button { margin: 0 1 0 0; }
    """

    def __init__(
        self,
        title: str,
        prompt: str,
        value: str = "",
        *,
        alternative: str = "",
        must_exist: bool = False,
        act: Callable[[str], str | None] | None = None,
        job: Job | None = None,
        overwrite_check: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.alternative = alternative
        self.must_exist = must_exist
        self.act = act
        self.job = job
        self.overwrite_check = overwrite_check
        self._overwrite_ok = ""  # the existing file a second Enter may replace
        #: The path a job is working on, while it runs (tests wait for it to be "" again).
        self.running = ""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.prompt, id="prompt")  # wraps; a Label was cut at the width
            yield Field(self.value, id="path")
            yield Static("", id="error")
            if self.job is not None:
                yield ProgressBar(id="job", show_eta=False)
            with Horizontal():
                yield Button("OK", id="ok", variant="primary")
                if self.alternative:
                    yield Button(self.alternative, id="alternative")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.job is not None:
            self.query_one("#job").display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._confirm(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._confirm(self.query_one("#path", Input).value)
        elif event.button.id == "alternative":
            self.dismiss("")
        else:
            self.action_cancel()

    def _confirm(self, value: str) -> None:
        if self.running:
            return  # Enter again while the job runs: the bar already says how far it is
        text = value.strip().strip("'\"")
        error = self.query_one("#error", Static)
        if not text:
            error.update("Type a file path first.")
            return
        target = Path(text).expanduser()
        if self.must_exist and not target.is_file():
            error.update(f"There's no file at {text}.")
            return
        if target.is_dir():
            error.update(f"{text} is a folder: add a file name, like {text.rstrip('/')}/out.csv")
            return
        if self.overwrite_check and target.exists() and self._overwrite_ok != text:
            self._overwrite_ok = text
            error.update(f"{text} already exists. Press Enter again to replace it, or change it.")
            return
        if self.job is not None:
            self._start(text)
            return
        if self.act is not None:
            problem = self.act(text)
            if problem:
                self._failed(problem)
                return
        self.dismiss(text)

    # -- a job in a worker -----------------------------------------------------------------------

    def _start(self, text: str) -> None:
        self.running = text
        self.query_one("#error", Static).update("")
        self.query_one("#ok", Button).disabled = True  # the path stays editable, for after
        bar = self.query_one("#job", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._run_job(text)

    def _run_job(self, text: str) -> None:
        job = self.job
        assert job is not None
        self.run_worker(
            lambda: self._in_worker(job, text),
            thread=True,
            exclusive=True,
            group="path-job",
            description=f"writing {text}",
        )

    def _in_worker(self, job: Job, text: str) -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise JobCancelled
            now = time.monotonic()
            if now - last[0] >= _EVERY:
                last[0] = now
                self.app.call_from_thread(self._progress, done, total)

        try:
            problem = job(text, progress)
        except JobCancelled:
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finished, text, problem)

    def _progress(self, done: int, total: int) -> None:
        if self.running:
            self.query_one("#job", ProgressBar).update(total=total or None, progress=done)

    def _finished(self, text: str, problem: str | None) -> None:
        self.running = ""
        self.query_one("#ok", Button).disabled = False
        self.query_one("#job").display = False
        if problem:
            self._failed(problem)
            return
        self.dismiss(text)

    def _failed(self, problem: str) -> None:
        self._overwrite_ok = ""
        self.query_one("#error", Static).update(problem)

    def action_cancel(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "path-job")  # the job stops at its next progress
            self.running = ""
        self.dismiss(None)


__all__ = ["JobCancelled", "PathScreen", "Progress"]
