"""The back room's observer view: the room's mean dial trace of the shared clip, live.

Behind the moderator PIN; it runs in its own terminal (or a browser tab served
to the observers' side), never on a seat. Every 0.4 s it reads what the seats
stored (``station/live.py``) and draws the trace the results screen draws:
mean ±1 SD and the number of seats contributing, or one trace per group of a
single-choice answer chosen live. When the clip has ended, the view holds that
play's whole trace.
"""

from __future__ import annotations

import threading

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, Select, Static

from ..db.room import RoomDb
from ..db.store import Store
from ..report.dial import ClipResult
from ..report.numbers import split_candidates
from ..report.terminal import draw_clip
from ..station.live import LiveTrace
from ..survey.study import Study
from .dial_gauge import clock
from .literal import LiteralApp, literal
from .results import Chart

REFRESH_S = 0.25  # the back room's trace is read and drawn again this often (a dial turn reaches it within a second)
NO_SPLIT = "none"


def summary(result: ClipResult) -> str:
    """One line per trace: the latest bin's mean (now), over the clip, and how many seats count."""
    lines = []
    for trace in result.split or [result.overall]:
        points = trace.points()
        if not points:
            lines.append(f"{trace.label}: no samples yet (n={trace.n})")
            continue
        t, mu, sd = points[-1]
        band = f" ± {sd:.1f}" if sd is not None else ""
        lines.append(f"{trace.label}: now {mu:.1f}{band} at {clock(t * 1000)} · n={trace.n}")
    return "\n".join(lines)


def draw_live(plt, result: ClipResult | None, **options) -> None:
    if result is not None:
        draw_clip(plt, result, **options)


class ObserverApp(LiteralApp, App[None]):
    CSS = """
    #observer-head { height: auto; padding: 0 1; background: $panel; }
    #observer-controls { height: auto; padding: 0 1; }
    #split { width: 50; }
    #observer-summary { height: auto; padding: 0 1; }
    #observer-chart { height: 1fr; }
    """
    TITLE = "preview-tui observers"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, *, study: Study, store: Store, room: RoomDb, pin_hash: str):
        super().__init__()
        self.study, self.store, self.room_db, self.pin_hash = study, store, room, pin_hash
        self.language = study.settings.languages[0]
        self.live = LiveTrace(study, room, language=self.language)
        self.split_by: str | None = None
        self.unlocked = False
        self._reading = threading.Lock()  # one read of the trace at a time: LiveTrace is not shared between threads

    def compose(self) -> ComposeResult:
        with Vertical(id="observer-head"):
            yield Static(literal(f"Back room · {self.room_db.room} · {self.study.id}"), id="observer-title")
            yield Static("Waiting for the shared clip to start.", id="observer-state")
        with Horizontal(id="observer-controls"):
            yield Label("Split by ", id="split-label")
            options = [("No split", NO_SPLIT), *((f"{qid}: {label}"[:60], qid) for qid, label in split_candidates(self.study, self.language))]
            yield Select(options, value=NO_SPLIT, allow_blank=False, id="split")
        yield Static("", id="observer-summary")
        yield Chart(draw_live, None, id="observer-chart")
        yield Footer()

    async def on_mount(self) -> None:
        from .kiosk import PinScreen

        await self.store.open()

        def opened(ok: bool | None) -> None:
            if not ok:
                self.exit()
                return
            self.unlocked = True
            self.set_interval(REFRESH_S, self.refresh_trace)
            self.refresh_trace()

        self.push_screen(PinScreen(self.pin_hash, "observer view"), callback=opened)

    async def on_unmount(self) -> None:
        await self.store.close()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.split_by = None if event.value == NO_SPLIT else str(event.value)
        self.refresh_trace()

    @work(thread=True, exclusive=True, exit_on_error=False, group="trace")
    def refresh_trace(self) -> None:
        # A worker left running by a newer one (exclusive cancels, it cannot stop a thread) still holds the
        # trace: this refresh is skipped, and the next one, a quarter of a second later, reads it all.
        if not self._reading.acquire(blocking=False):
            return
        try:
            play = self.live.refresh()
            result = self.live.result(self.split_by) if play is not None else None
            self.call_from_thread(self._show, play, result)  # shown before the next read: never an older trace after a newer
        finally:
            self._reading.release()

    def _show(self, play, result: ClipResult | None) -> None:
        if play is None or not self.screen_stack:  # nothing yet, or the app is closing
            return
        ended = play.state in ("ended", "error", "stopped")
        state = "ended: the whole trace of this play" if ended else play.state
        seats = len(play.samples)
        self.query_one("#observer-state", Static).update(literal(f"Clip {play.step_id} · play {play.play} · {state} · {seats} seat(s) with samples"))
        if result is not None:
            self.query_one("#observer-summary", Static).update(literal(summary(result)))
            self.query_one("#observer-chart", Chart).show(result)
