"""A clip's progress as a participant sees it: a bar and the time as m:ss of m:ss."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ProgressBar

from .dial_gauge import clock


class ClipTime(Widget):
    """One line of text whose change is only painted: its size never changes, so nothing is laid out again."""

    DEFAULT_CSS = """
    ClipTime { height: 1; width: 100%; }
    """
    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")


class ClipProgress(Vertical):
    """The bar and the time, redrawn only when what they show changes.

    A seat in a full room draws this five times a second: a label's update
    would lay the screen out again, and most of a bar's moves are smaller than
    the half cell it can show.
    """

    DEFAULT_CSS = """
    ClipProgress { height: auto; }
    """

    def __init__(self, *, waiting: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self._waiting = waiting  # an empty bar while nothing plays, not a moving one (it costs a seat half its CPU)

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1 if self._waiting else None, show_eta=False, show_percentage=False, id="clip-progress")
        yield ClipTime(id="clip-time")

    def show(self, media_ms: float | None, length_ms: int | None) -> None:
        if length_ms:
            bar = self.query_one(ProgressBar)
            progress = max(0, min(media_ms or 0, length_ms))
            half_cell = length_ms / max(1, 2 * bar.size.width)
            if progress in (0, length_ms) or bar.total != length_ms or abs(progress - (bar.progress or 0)) >= half_cell:
                bar.update(total=length_ms, progress=progress)
        self.query_one(ClipTime).text = f"{clock(min(media_ms, length_ms) if media_ms is not None and length_ms else media_ms)} / {clock(length_ms)}"
