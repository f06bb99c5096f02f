"""The base of the app's mode screens (answers, recommendation, desk, rules): styled once as it
opens, and laid out and drawn in two turns of the event loop, so that a key waits for neither.

Textual styles every widget of a new screen as it mounts, then, for each of the two
`ScreenResume` events a first mode switch sends (one from starting the mode, one from switching
to it), styles the whole screen again. Until the screen is first hidden nothing can have changed
in between (the app marks a fresh screen as styled by the current stylesheet,
`TrackrightApp._fresh`, and a theme change restyles the screen on show), so those passes only
held keys back: half of the desk's first switch. Once it has been hidden, a resume restyles as
Textual does (the theme may have changed meanwhile).

Then Textual lays the screen out on resume and draws it all in the same turn of the event loop
(the screen's queue is read without yielding): at 120×40 the desk's first layout and first full
drawing took 100 ms of CPU in one go. Here the resume gives the loop a turn in between.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.screen import Screen


class ModeScreen(Screen[None]):
    """A mode's screen whose resumes do not restyle what its mount has just styled, and let a
    waiting key in between laying the screen out and drawing it."""

    _hidden_before = False

    async def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler (Textual calls each class's handler down the MRO),
        # which it runs itself and then keeps from running again.
        if not self._hidden_before:
            event.refresh_styles = False
        event.prevent_default()
        Screen._on_screen_resume(self, event)
        await asyncio.sleep(0)  # the drawing it asked for comes after a key already waiting

    def _on_screen_suspend(self) -> None:
        self._hidden_before = True


__all__ = ["ModeScreen"]
