"""A storyboard: frames drawn in the terminal, with captions, stepped by the participant."""

from __future__ import annotations

import time
from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ..flow import Flow
from ..survey.runner import StoryboardItem
from .keys import KeyBar, Row
from .literal import literal
from .participant import ParticipantScreen


def image_widget_class(renderer: str):
    """The textual-image widget for the configured renderer ('auto': what the terminal answered, see ``image_support``)."""
    from .image_support import widget_class

    return widget_class(renderer)


class StoryboardScreen(ParticipantScreen):
    BINDINGS = [
        # → and PgDn step through the images and stop at the last; Enter (or Space) also leaves it.
        Binding("right,pagedown", "forward(False)", show=False),
        Binding("enter,space", "forward(True)", show=False),
        Binding("left,pageup", "backward", show=False),
    ]

    def __init__(self, flow: Flow, *, renderer: str = "auto"):
        super().__init__(flow)
        item = flow.current
        assert isinstance(item, StoryboardItem)
        self.step = item.step
        self.renderer = renderer
        self.index = 0
        self.shown_at = time.monotonic()
        self.busy = False
        self.auto_timer = None  # advances the frame when the step sets frame_seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="storyboard"):
            yield Static(literal(self.t(self.step.title) if self.step.title else ""), classes="page-title")
            yield Static("", id="frame-missing")
            yield image_widget_class(self.renderer)(None, id="frame")
            yield Static("", id="caption")
            yield Static("", id="frame-count")
            yield KeyBar(self, [self.lang])

    async def on_mount(self) -> None:
        await self.show_frame()

    async def show_frame(self) -> None:
        frame = self.step.frames[self.index]
        path = self.flow.study.media(frame.image)
        image = self.query_one("#frame")
        missing = self.query_one("#frame-missing", Static)
        if path is not None and path.is_file():  # None: outside the study's media/, never opened
            try:
                image.image = path
                ok = True
            except Exception as exc:  # an unreadable image: shown as missing, the session goes on
                self.app.log.error(f"cannot draw {path}: {exc!r}")
                ok = False
        else:
            ok = False
        image.display = ok
        missing.display = not ok
        missing.update("" if ok else self.w("image_missing"))
        if not ok:
            self.notify(f"Storyboard image not shown: media/{frame.image} is missing or unreadable.", severity="warning", timeout=10)
            await self.guarded(self.flow.record("frame_not_shown", detail={"frame": self.index, "image": frame.image}))
        self.query_one("#caption", Static).update(literal(self.t(frame.caption)))
        self.query_one("#frame-count", Static).update(self.w("frame_of", i=self.index + 1, n=len(self.step.frames)))
        self.query_one(KeyBar).update_keys()  # on the last image Enter continues, → does not
        self.shown_at = time.monotonic()
        if self.auto_timer is not None:
            self.auto_timer.stop()
        if self.step.frame_seconds:
            index = self.index
            self.auto_timer = self.set_timer(self.step.frame_seconds, lambda: self._auto_forward(index))

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        rows = [("←", w("do_previous_image"), True)] if self.index > 0 else []
        if self.index + 1 >= len(self.step.frames):
            return [*rows, (w("key_enter"), w("do_continue"), True)]
        return [*rows, (f"→ {w('key_enter')}", w("do_next_image"), True)]

    async def _auto_forward(self, index: int) -> None:
        if self.index == index and self.is_current:
            await self.action_forward(True, by="timer")

    async def _leave_frame(self, by: str = "key") -> bool:
        """Record how long the frame was on screen, and what moved on from it (key or timer)."""
        dwell_ms = round((time.monotonic() - self.shown_at) * 1000)
        return await self.guarded(self.flow.record("frame_viewed", mono=self.shown_at, detail={"frame": self.index, "dwell_ms": dwell_ms, "by": by}))

    async def action_forward(self, leave: bool = True, by: str = "key") -> None:
        """The next image; on the last one, the next step only with ``leave`` (Enter, Space, the timer)."""
        if self.busy:
            return
        if self.index + 1 >= len(self.step.frames) and not leave:
            return
        self.busy = True
        try:
            if not await self._leave_frame(by):
                return
            if self.index + 1 < len(self.step.frames):
                self.index += 1
                await self.show_frame()
            else:
                await self.advance(self.flow.finish_stimulus("storyboard_done"))
        finally:
            self.busy = False

    async def action_backward(self) -> None:
        if self.busy or self.index == 0:
            return
        self.busy = True
        try:
            if await self._leave_frame():
                self.index -= 1
                await self.show_frame()
        finally:
            self.busy = False
