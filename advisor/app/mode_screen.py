"""The base of the app's mode screens (answers, recommendation, desk, rules): styled once as it opens.

Textual styles every widget of a new screen as it mounts, then, for each of the two
`ScreenResume` events a first mode switch sends (one from starting the mode, one from switching
to it), styles the whole screen again. Until the screen is first hidden nothing can have changed
in between (the app marks a fresh screen as styled by the current stylesheet,
`TrackrightApp._fresh`, and a theme change restyles the screen on show), so those passes only
held keys back: half of the desk's first switch. Once it has been hidden, a resume restyles as
Textual does (the theme may have changed meanwhile).
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class ModeScreen(Screen[None]):
    """A mode's screen whose resumes do not restyle what its mount has just styled."""

    _hidden_before = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler (Textual calls each class's handler down the MRO)
        if not self._hidden_before:
            event.refresh_styles = False

    def _on_screen_suspend(self) -> None:
        self._hidden_before = True


__all__ = ["ModeScreen"]
