"""A clip: played by the station's player, with its title and progress in the terminal.

libVLC reports from its own thread; the listener only posts a message, and
everything else happens here on the UI loop.
"""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Label, ProgressBar, Static

from ..flow import Flow
from ..playback.base import PlayerEvent
from ..survey.runner import ClipItem
from .participant import ParticipantScreen

START_TIMEOUT = 15.0  # seconds without "playing" before the clip counts as failed
LEDGER = ("opening", "playing", "paused", "ended", "error", "stopped")


def clock(ms: int | None) -> str:
    if ms is None or ms < 0:
        return "-:--"
    s = ms // 1000
    return f"{s // 60}:{s % 60:02d}"


class ClipScreen(ParticipantScreen):
    class PlayerMessage(Message):
        def __init__(self, event: PlayerEvent):
            super().__init__()
            self.event = event

    def __init__(self, flow: Flow):
        super().__init__(flow)
        item = flow.current
        assert isinstance(item, ClipItem)
        self.step = item.step
        self.done = False
        self.length_ms: int | None = None

    def compose(self) -> ComposeResult:
        with Center(id="clip"):
            with Vertical(id="clip-box"):
                yield Label(self.t(self.step.title), classes="page-title")
                yield Static(self.t(self.step.instructions), id="clip-instructions")
                yield Label(self.w("clip_starting"), id="clip-status")
                yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="clip-progress")
                yield Label("", id="clip-time")

    async def on_mount(self) -> None:
        path = self.flow.study.media(self.step.file)
        player = self.app.player()
        if player is None:
            await self.not_shown("no_player", f"No video player on this station: {self.app.player_problem}")
            return
        if not path.is_file():
            await self.not_shown("missing_file", f"Clip not shown: media/{self.step.file} is missing.")
            return
        self.player = player
        player.play(path, self._listener)
        self.set_interval(0.25, self._poll)
        self.watchdog = self.set_timer(START_TIMEOUT, self._no_start)

    def _listener(self, event: PlayerEvent) -> None:
        # Called on libVLC's thread: hand over and return at once.
        self.post_message(self.PlayerMessage(event))

    async def on_clip_screen_player_message(self, message: PlayerMessage) -> None:
        event = message.event
        if self.done:
            return
        if event.length_ms:
            self.length_ms = event.length_ms
        if event.kind in LEDGER:
            await self.guarded(self.flow.record(f"clip_{event.kind}", media_ms=event.media_ms, mono=event.mono, detail={"length_ms": event.length_ms, "detail": event.detail} if event.detail or event.length_ms else None))
        if event.kind == "playing":
            self.watchdog.stop()
            self.query_one("#clip-status", Label).update(f"▶ {self.w('clip_playing')}")
        elif event.kind == "ended":
            self.done = True
            self._show_time(self.length_ms, self.length_ms)
            await self.advance(self.flow.finish_stimulus("clip_shown"))
        elif event.kind == "error":
            await self.not_shown("playback_error", f"Clip not shown: {event.detail or 'the player reported an error'}.", record=False)

    def _poll(self) -> None:
        if self.done:
            return
        media_ms, length_ms = self.player.position()
        self._show_time(media_ms, length_ms or self.length_ms)

    def _show_time(self, media_ms: int | None, length_ms: int | None) -> None:
        bar = self.query_one("#clip-progress", ProgressBar)
        if length_ms:
            bar.update(total=length_ms, progress=max(0, min(media_ms or 0, length_ms)))
        self.query_one("#clip-time", Label).update(f"{clock(media_ms)} / {clock(length_ms)}")

    async def _no_start(self) -> None:
        if not self.done:
            await asyncio.to_thread(self.player.stop)
            await self.not_shown("no_start", f"Clip not shown: playback did not start within {START_TIMEOUT:.0f} s.")

    async def not_shown(self, reason: str, message: str, *, record: bool = True) -> None:
        """Tell the moderator, record the clip as not shown, and let the session go on."""
        self.done = True
        self.notify(message, severity="error", timeout=15)
        self.query_one("#clip-status", Label).update(self.w("clip_problem"))
        if record:
            await self.guarded(self.flow.record("clip_error", detail={"reason": reason, "message": message}))
        self.set_timer(4.0, lambda: self.advance(self.flow.finish_stimulus("clip_not_shown", detail={"reason": reason})))

    async def on_unmount(self) -> None:
        if not self.done and hasattr(self, "player"):
            await asyncio.to_thread(self.player.stop)
