"""A clip: played by the station's player, with its title, progress and the dial in the terminal.

libVLC reports from its own thread; the listener only hands the event to the
dial's recorder (plain bookkeeping under a lock) and posts a message.
Everything else happens here on the UI loop.

The exposure ledger: every play, pause, resume, seek, buffering, end, error,
stop, replay and skip of the clip is an event row (``clip_*``) with the media
time (the interpolated media clock) and the monotonic time of the player's
event; ``detail`` says who did it (``by``: moderator, participant or system)
and libVLC's own coarse time (``vlc_ms``). When a play is over a
``clip_exposure`` row sums it up (percent watched, completed, pauses), and the
flow makes ``watched.<clip>`` and ``completed.<clip>`` available to the
questionnaire's conditions.

Moderator controls are app actions (``moderator_pause``, ``moderator_replay``,
``moderator_skip``) bound to F2, F3 and F4, which the participant is not told
about.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Label, Static

from ..db.failures import StoreError
from ..flow import Flow
from ..playback.base import PlayerEvent
from ..playback.dial import MediaClock
from ..playback.recorder import DialRecorder
from ..station.clip_ledger import caused_by, ledger_row
from ..survey.runner import ClipItem
from ..survey.schema import DialSettings
from .clip_progress import ClipProgress
from .dial_gauge import DialGauge
from .keys import KeyBar, Row
from ..visible import visible
from .literal import literal
from .participant import ParticipantScreen

START_TIMEOUT = 15.0  # seconds without "playing" before the clip counts as failed
DIAL_FLUSH_S = 0.5  # dial samples reach the database at least this often
ROOM_FLUSH_S = 0.25  # on a shared clip, more often: the back room's live trace reads them
MODERATOR_KEYS = "F2 pause/resume · F3 replay · F4 skip"


class ClipScreen(ParticipantScreen):
    BINDINGS = [
        Binding("up,right,plus,equals_sign", "dial(1)", show=False),
        Binding("down,left,minus,underscore", "dial(-1)", show=False),
        Binding("s", "participant_skip", show=False),
    ]

    class PlayerMessage(Message):
        def __init__(self, event: PlayerEvent, play: int):
            super().__init__()
            self.event = event
            self.play = play

    class RoomReplay(Message):
        """The moderator played the room's shared clip again."""

    def __init__(self, flow: Flow):
        super().__init__(flow)
        item = flow.current
        assert isinstance(item, ClipItem)
        self.step = item.step
        dial = self.step.dial
        self.dial: DialSettings | None = dial if isinstance(dial, DialSettings) else (flow.study.screening.dial if dial else None)
        self.state = "starting"  # starting | playing | paused | failed | leaving
        self.play_no = 0
        self.clock = MediaClock()
        self.recorder: DialRecorder | None = None
        self.length_ms: int | None = None
        self.problem: str | None = None  # why the clip is not shown (failed state)
        self.pending_pause_by: str | None = None
        self.pending_resume_by: str | None = None
        self.pauses = 0
        self.buffering = False
        self.player = None
        self._unsaved: list[tuple[int, list[Any]]] = []
        self._flushing = False
        self._stopping: asyncio.Task | None = None
        # In a screening room a shared clip plays on the room's screen; this screen follows its clock.
        self.shared = bool(getattr(self.app, "shares_clip", lambda step: False)(self.step))

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Center(id="clip"):
            with Vertical(id="clip-box"):
                yield Static(literal(self.t(self.step.title)), classes="page-title")
                if self.step.instructions:
                    yield Static(literal(self.t(self.step.instructions)), id="clip-instructions")
                yield Label(self.w("clip_starting"), id="clip-status")
                yield ClipProgress(waiting=self.shared)
                if self.dial is not None:
                    low = self.t(self.dial.low_label) if self.dial.low_label else self.w("dial_low")
                    high = self.t(self.dial.high_label) if self.dial.high_label else self.w("dial_high")
                    yield DialGauge(self.dial.neutral, visible(low), visible(high), id="dial")
                    yield Static(self.w("dial_hint"), id="dial-hint", classes="clip-hint")
        yield KeyBar(self, [self.lang])  # the dial's keys and S (skip) when the clip may be skipped

    async def on_mount(self) -> None:
        self.set_interval(0.2, self._show_progress)
        if self.dial is not None:
            self.set_interval(ROOM_FLUSH_S if self.shared else DIAL_FLUSH_S, self._flush_dial)
        try:  # a resumed session's plays go on from the last one stored: its samples never collide with the new ones
            self.play_no = await self.flow.plays_stored(self.step.id)
        except StoreError:
            self.play_no = 0
        player = self.app.clip_player(self.step, lambda: self.post_message(self.RoomReplay())) if self.shared else self.app.player()
        if player is None:
            await self.fail("no_player", f"No video player on this station: {self.app.player_problem}")
            return
        self.player = player
        await self.start_play()

    # -- playing --------------------------------------------------------------

    @property
    def path(self):
        return self.flow.study.media(self.step.file)

    async def start_play(self) -> None:
        """Start (or restart) the clip: a new play with its own clock and dial."""
        if self.path is None or not self.path.is_file():  # None: outside the study's media/, never opened
            await self.fail("missing_file", f"Clip not shown: media/{self.step.file} is missing.")
            return
        self.play_no += 1
        play = self.play_no
        self.state = "starting"
        self.problem = None
        self.clock = MediaClock()
        self.pauses = 0
        self.buffering = False
        self.pending_pause_by = self.pending_resume_by = None
        self._status(self.w("clip_room_waiting" if self.shared else "clip_starting"))
        if self.dial is not None:
            self.recorder = DialRecorder(self.dial.rate_hz, self.dial.neutral, horizon=getattr(self.player, "horizon", None)).start()
            self.query_one("#dial", DialGauge).value = self.dial.neutral
        recorder = self.recorder

        def listener(event: PlayerEvent) -> None:
            # On libVLC's thread: bookkeeping and a message, nothing else.
            if recorder is not None:
                recorder.on_event(event)
            self.post_message(self.PlayerMessage(event, play))

        # A shared clip starts when the moderator starts it: no time limit for that.
        self.watchdog = self.set_timer(START_TIMEOUT, lambda: self._no_start(play), pause=self.shared)
        # play() stops a clip still loaded from before (even one that ended), which
        # waits for libVLC's input thread: off the UI loop.
        await asyncio.to_thread(self.player.play, self.path, listener)

    async def on_clip_screen_player_message(self, message: PlayerMessage) -> None:
        event = message.event
        if message.play != self.play_no or self.state in ("failed", "leaving"):
            return
        if event.length_ms:
            self.length_ms = event.length_ms
        generation, before = self.clock.generation, self.clock.media_at(event.mono)
        self.clock.on_event(event)
        kind = event.kind
        if self.clock.generation != generation:  # a seek, asked for or found in libVLC's clock
            await self.ledger("clip_seek", event, from_ms=round(before))
        if kind == "playing":
            self.watchdog.stop()
            if self.state == "starting":
                await self.ledger("clip_play", event)
            elif self.state == "paused":
                await self.ledger("clip_resume", event, by=self.pending_resume_by or caused_by(event))
            self.pending_resume_by = None
            self.state = "playing"
            self._status(f"▶ {self.w('clip_room_playing' if self.shared else 'clip_playing')}")
        elif kind == "paused":
            self.state = "paused"
            self.pauses += 1
            await self.ledger("clip_pause", event, by=self.pending_pause_by or caused_by(event))
            self.pending_pause_by = None
            self._status(f"⏸ {self.w('clip_paused')}")
        elif kind == "buffering":
            done = event.detail.startswith("100")
            if not self.buffering and not done:
                self.buffering = True
                await self.ledger("clip_buffering", event, cache=event.detail)
            elif self.buffering and done:
                self.buffering = False
                await self.ledger("clip_buffering", event, cache=event.detail)
        elif kind == "ended":
            self.state = "leaving"
            self.app.keys_guard.arm()  # the dial keys held as it ends must not answer the next page
            await self.ledger("clip_end", event)
            await self.end_play(completed=True)
            self._show_progress()
            await self.advance(self.flow.finish_stimulus("clip_shown", detail={"plays": self.play_no}))
        elif kind == "error":
            self.state, self.problem = "failed", "playback_error"  # a skip meanwhile counts as not shown
            await self.ledger("clip_error", event, reason="playback_error")
            await self.end_play(completed=False)
            if message.play == self.play_no and self.state == "failed":  # not retried or skipped meanwhile
                await self.fail("playback_error", f"Clip not shown: {event.detail or 'the player reported an error'}.", record=False)
        elif kind == "stopped":
            await self.ledger("clip_stop", event)

    async def on_clip_screen_room_replay(self, _message: RoomReplay) -> None:
        await self.moderator_replay()

    async def ledger(self, kind: str, event: PlayerEvent | None = None, *, at: float | None = None, **detail: Any) -> bool:
        """One row of the exposure ledger, at the media clock's time of the event (or of the moment ``at``)."""
        media, mono, info = ledger_row(kind, self.clock, event, at=at, play=self.play_no, length_ms=self.length_ms, **detail)
        return await self.guarded(self.flow.record(kind, media_ms=media, mono=mono, detail=info))

    async def end_play(self, *, completed: bool) -> None:
        """The current play is over: last dial samples saved, exposure summed up."""
        if self.recorder is not None:
            rest = await asyncio.to_thread(self.recorder.stop)
            if rest:
                self._unsaved.append((self.play_no, rest))
            self.recorder = None
            await self._flush_dial()
        if self.play_no == 0:
            return
        percent = self.clock.percent_watched(time.monotonic())
        await self.guarded(
            self.flow.record(
                "clip_exposure",
                detail={"play": self.play_no, "percent_watched": None if percent is None else round(percent, 1), "completed": completed, "pauses": self.pauses, "length_ms": self.length_ms},
            )
        )
        self.flow.note_exposure(self.step.id, percent, completed)

    async def _stop_player(self) -> None:
        if self.player is not None:
            await asyncio.to_thread(self.player.stop)

    # -- the dial ---------------------------------------------------------------

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        dial = [("↑ +", w("do_like_more"), True), ("↓ -", w("do_like_less"), True)] if self.dial is not None else []
        return dial + ([("S", w("do_skip_clip"), True)] if self.check_action("participant_skip", ()) else [])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dial":
            return self.dial is not None
        if action == "participant_skip":
            return self.step.skippable and not self.step.must_watch and not self.shared
        return True

    def action_dial(self, direction: int) -> None:
        if self.dial is None or self.recorder is None:
            return
        value = self.recorder.set_value(self.recorder.value + direction * self.dial.step)
        self.query_one("#dial", DialGauge).value = value

    async def _flush_dial(self) -> None:
        """Write the dial's samples taken so far, off the UI's way (aiosqlite's thread)."""
        if self.recorder is not None:
            fresh = self.recorder.drain()
            if fresh:
                self._unsaved.append((self.play_no, fresh))
        if self._flushing or not self._unsaved:
            return
        self._flushing = True
        try:
            while self._unsaved:
                play, samples = self._unsaved[0]
                if not await self.guarded(self.flow.record_dial(self.step.id, play, samples)):
                    return  # kept; tried again at the next flush
                self._unsaved.pop(0)
        finally:
            self._flushing = False

    # -- moderator and participant controls ----------------------------------

    async def session_paused(self, paused: bool) -> None:
        """The moderator paused (or resumed) the whole session while this clip is on.

        A clip of this station stops with it. The room's shared clip plays on for the other seats: this
        seat's dial is held (no sample kept) and its ledger records that it stopped watching and when it
        came back, at the room clock's times.
        """
        if not self.shared:
            if self.state == ("playing" if paused else "paused"):
                await self.moderator_pause()
            return
        if self.recorder is None or self.recorder.held == paused or self.state in ("leaving", "failed"):
            return
        at = time.monotonic()  # the same moment for the hold and its ledger row
        self.recorder.hold(paused, at)
        await self.ledger("clip_pause" if paused else "clip_resume", at=at, by="moderator", seat=True)

    async def moderator_pause(self) -> None:
        """F2: pause a playing clip, or resume a paused one."""
        if self.player is None:
            return
        if self.state == "playing":
            self.pending_pause_by = "moderator"
            self.player.pause()
        elif self.state == "paused":
            self.pending_resume_by = "moderator"
            self.player.resume()

    async def moderator_replay(self) -> None:
        """F3: play the clip again from the start (also: retry after a failure)."""
        if self.player is None and self.state == "failed":
            self.notify(f"Still no video player: {self.app.player_problem}", severity="error", timeout=10)
            return
        if self.state == "leaving":
            return
        was_failed = self.state == "failed"
        self.state = "leaving"  # events of the old play are ignored from here
        await self.ledger("clip_retry" if was_failed else "clip_replay", by="moderator")
        if not was_failed:
            await self.end_play(completed=False)
        await self._stop_player()
        await self.start_play()

    async def moderator_skip(self) -> None:
        """F4: go on without the clip; refused for a must-watch clip that is playing fine."""
        if self.state == "leaving":
            return
        if self.step.must_watch and self.state != "failed":
            self.notify("This clip must be watched to the end; it can be skipped only if it fails.", severity="warning", timeout=6)
            return
        await self.skip("moderator")

    async def action_participant_skip(self) -> None:
        if self.shared:
            return
        if self.state in ("playing", "paused", "starting") and self.step.skippable and not self.step.must_watch:
            await self.skip("participant")

    async def skip(self, by: str) -> None:
        was_failed = self.state == "failed"
        self.state = "leaving"
        if was_failed:
            await self.ledger("clip_skip", by=by, reason=self.problem)
        else:
            await self.ledger("clip_skip", by=by)
        if not was_failed:
            await self.end_play(completed=False)
        await self._stop_player()
        kind = "clip_not_shown" if was_failed else "clip_skipped"
        await self.advance(self.flow.finish_stimulus(kind, detail={"by": by, "reason": self.problem} if was_failed else {"by": by}))

    # -- failures ---------------------------------------------------------------

    async def _no_start(self, play: int) -> None:
        if play == self.play_no and self.state == "starting":
            await self.ledger("clip_error", reason="no_start")
            await self.end_play(completed=False)
            self.state = "failed"
            await self._stop_player()
            await self.fail("no_start", f"Clip not shown: playback did not start within {START_TIMEOUT:.0f} s.", record=False)

    async def fail(self, reason: str, message: str, *, record: bool = True) -> None:
        """Tell the moderator; the participant waits until the moderator retries or skips."""
        self.state = "failed"
        self.problem = reason
        self.notify(f"{message}\nModerator: F3 to retry, F4 to skip (in kiosk mode: F12, then the palette).", severity="error", timeout=600)
        self._status(self.w("clip_problem"))
        if record:
            await self.guarded(self.flow.record("clip_error", detail={"reason": reason, "message": message, "play": self.play_no}))

    # -- display ----------------------------------------------------------------

    def _status(self, text: str) -> None:
        self.query_one("#clip-status", Label).update(text)

    def _show_progress(self) -> None:
        try:
            self._draw_progress()
        except NoMatches:  # the screen is being taken down
            pass

    def _draw_progress(self) -> None:
        length = self.length_ms
        media = self.clock.media_at(time.monotonic()) if self.clock.anchor_mono is not None else None
        if self.state == "leaving" and self.clock.finished and length:
            media = length
        self.query_one(ClipProgress).show(media, length)

    async def on_unmount(self) -> None:
        if self.recorder is not None:
            self.recorder.stop()
            self.recorder = None
        # A shared clip's follower reads the room's log until stopped, even after a failed play (a retry may come).
        if self.player is not None and (self.shared or self.state not in ("leaving", "failed")):
            await asyncio.to_thread(self.player.stop)
