"""A recording question on a page: countdown, recording, playback, keep or record again.

The work is the station's (``station/recording.py``: the capture, sealing,
storing); this widget only shows where the take is and takes the keys:
R records (after a countdown), S stops, P plays the take back on the station's
player before it is kept, K keeps it (sealed: it cannot be played afterwards),
A records again when the question allows it. Without camera or microphone the
question says so, for the participant and the moderator, and is answered as not
available. The keys are listed under the page in the participant's language.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

from textual.binding import Binding
from textual.widgets import Static

from ..playback.capture import CaptureUnavailable
from ..seal import SealError
from ..station.recording import Take, make_capture
from ..survey.answers import NOT_AVAILABLE
from .keys import Row
from .literal import literal

COUNTDOWN = 3  # seconds before the recording starts


class RecordingPanel(Static, can_focus=True):
    """The state of one recording question's take, and its keys."""

    DEFAULT_CSS = """
    RecordingPanel { height: auto; padding: 1 2; border: round $primary; }
    RecordingPanel.-recording { border: round $error; }
    RecordingPanel:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("r", "record", show=False),
        Binding("s", "stop", show=False),
        Binding("p", "play", show=False),
        Binding("k", "keep", show=False),
        Binding("a", "again", show=False),
    ]

    def __init__(self, question: Any, owner: Any, previous: Any = None, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.question, self.owner = question, owner
        self.answer: Any = previous if previous == NOT_AVAILABLE or isinstance(previous, dict) else None
        self.state = "kept" if isinstance(self.answer, dict) else "ready"
        self.count = 0
        self.take: Take | None = None
        self.reason = ""
        self._ticker = None

    # -- what is shown -----------------------------------------------------------

    def on_mount(self) -> None:
        flow = self.owner.flow
        capture = getattr(self.app, "capture_factory", make_capture)()
        self.take = Take(flow.store, flow.session_id, flow.sealer, self.question, capture)
        if self.take.problem and self.answer is None:
            self._unavailable(self.take.problem)
        self._show()

    def on_unmount(self) -> None:
        if self.take is not None and self.state == "recording":
            self.take.capture.stop()
        if self.take is not None:
            self.take.discard()  # a take never kept is never left behind

    def _show(self) -> None:
        w, n = self.owner.w, self.question.max_seconds
        seconds = f"{self.take.seconds:.0f}" if self.take else "0"
        text = {
            "ready": w("rec_ready", n=n),
            "countdown": w("rec_countdown", n=self.count),
            "recording": w("rec_recording", s=f"{self.take.capture.elapsed():.0f}" if self.take else "0", n=n),
            "stopping": w("rec_recording", s=f"{self.take.capture.elapsed():.0f}" if self.take else "0", n=n),
            "recorded": w("rec_recorded" if self.question.retake else "rec_recorded_once", s=seconds),
            "playing": w("rec_playing"),
            "kept": w("rec_kept"),
            "failed": w("rec_failed", reason=self.reason),
            "unavailable": w("rec_unavailable", reason=self.reason),
        }[self.state]
        self.update(literal(text))
        self.set_class(self.state == "recording", "-recording")
        bar = self.screen.query("#key-bar")
        if bar:
            bar.first().update_keys()

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        """The keys that do something now, for the hint line under the page."""
        rows: list[Row] = []
        if self.state in ("ready", "failed"):
            rows.append(("R", w("do_record"), True))
        elif self.state in ("countdown", "recording"):
            rows.append(("S", w("do_stop_recording"), True))
        elif self.state in ("recorded", "playing"):
            rows += [("P", w("do_play_back"), True), ("K", w("do_keep_recording"), True)]
            if self.question.retake:
                rows.append(("A", w("do_record_again"), True))
        return rows

    def _unavailable(self, reason: str) -> None:
        self.reason, self.state = reason, "unavailable"
        self.answer = self.take.not_available() if self.take else NOT_AVAILABLE
        self.app.log.warning(f"recording question {self.question.id}: {reason}")
        self.app.notify(f"Recording not available for '{self.question.id}': {reason}. The question is recorded as not available.", severity="warning", timeout=10)

    # -- the keys ----------------------------------------------------------------

    def action_record(self) -> None:
        if self.state not in ("ready", "failed"):
            return
        self.state, self.count = "countdown", COUNTDOWN
        self._show()
        self._ticker = self.set_interval(1.0, self._count_down)

    def _count_down(self) -> None:
        self.count -= 1
        if self.count > 0:
            self._show()
            return
        self._ticker.stop()
        self.run_worker(self._start(), exclusive=True, group="recording")

    async def _start(self) -> None:
        try:
            await asyncio.to_thread(self.take.start)
        except CaptureUnavailable as exc:
            self._unavailable(str(exc))
            self._show()
            return
        self.state = "recording"
        self._show()
        self._ticker = self.set_interval(0.25, self._watch)

    def _watch(self) -> None:
        """The recording's seconds; it ends by itself at max_seconds."""
        if self.state != "recording":
            return
        if self.take.capture.running():
            self._show()
        else:
            self.action_stop()

    def action_stop(self) -> None:
        if self.state == "countdown":
            self._ticker.stop()
            self.state = "ready"
            self._show()
        elif self.state == "recording":
            self._ticker.stop()
            self.state = "stopping"
            self.run_worker(self._stopped(), exclusive=True, group="recording")

    async def _stopped(self) -> None:
        await self.take.stop()
        if self.take.problem:
            self.reason, self.state = self.take.problem, "failed"
            self.take.discard()
        else:
            self.state = "recorded"
        self._show()

    def action_play(self) -> None:
        if self.state != "recorded" or self.take.plain is None:
            return
        player = self.app.player()
        if player is None:
            self.app.notify(f"No player on this station to play the recording back: {self.app.player_problem}", severity="warning")
            return
        self.state = "playing"
        self._show()
        self.run_worker(asyncio.to_thread(player.play, self.take.plain, self._heard), group="playback")

    def _heard(self, event: Any) -> None:
        """The player's events (on its own thread): back to 'recorded' when the playback ends."""
        if event.kind in ("ended", "error", "stopped"):
            self.app.call_from_thread(self._played)

    def _played(self) -> None:
        if self.state == "playing":
            self.state = "recorded"
            self._show()

    async def _stop_playback(self) -> None:
        if self.state == "playing":
            player = self.app.player()
            if player is not None:
                await asyncio.to_thread(player.stop)
            self.state = "recorded"

    def action_keep(self) -> None:
        if self.state in ("recorded", "playing"):
            self.run_worker(self._keep(), exclusive=True, group="recording")

    async def _keep(self) -> None:
        await self._stop_playback()
        try:
            self.answer = await self.take.keep()
        except SealError as exc:  # nothing kept in the clear: the session stops, as for a sensitive answer
            await self.app.sealing_failed(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a full disk or a store failure: the take stays to keep again
            self.app.notify(f"The recording could not be kept: {exc}", severity="error", timeout=10)
            return
        self.state = "kept"
        self._show()

    def action_again(self) -> None:
        if self.state in ("recorded", "playing") and self.question.retake:
            self.run_worker(self._again(), exclusive=True, group="recording")

    async def _again(self) -> None:
        await self._stop_playback()
        self.take.discard()
        self.state = "ready"
        self._show()
        self.action_record()
