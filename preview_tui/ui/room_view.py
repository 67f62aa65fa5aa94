"""The moderator's room view: every seat live, the join code, and the shared clip's controls.

It reads the seats' heartbeats from the room's file twice a second and sends
the moderator's commands to them the same way (``db/room.py``); the seats carry
them out with the station's own session methods. The shared clip plays on the
room display's player, in this process (``station/room_clip.py``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Callable

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ..db.room import RoomDb, SeatRow
from ..db.failures import StoreError
from ..db.store import Store
from ..playback.base import Player, PlayerUnavailable
from ..station.room_clip import RoomDisplay
from ..survey.schema import ClipStep
from ..survey.study import Study, text
from ..visible import visible
from .dial_gauge import clock
from .literal import LiteralApp, literal

COLUMNS = ("Seat", "Code", "Lang", "Step", "Progress", "Idle", "Status", "Dial", "Problem")
SEEK_S = 5
KEYS = (
    f"Seat (↑↓ to choose): S start · P pause/resume · E end · W withdraw\n"
    f"Room: A start all waiting · ⇧P pause all · ⇧E end all · Ctrl+Q close the room\n"
    f"Shared clip: C start · Space pause/resume · [ ] −/+{SEEK_S} s · R play again"
)


class RoomApp(LiteralApp, App[None]):
    CSS = """
    #room-head { height: auto; padding: 0 1; background: $panel; }
    #room-code { text-style: bold; color: $accent; }
    #room-clip { height: auto; padding: 0 1; }
    #room-message { height: auto; padding: 0 1; color: $warning; }
    #seats { height: 1fr; }
    #room-keys { height: auto; padding: 0 1; background: $panel; color: $text-muted; }
    """
    TITLE = "preview-tui room"
    BINDINGS = [
        Binding("s", "seat('start')", "Start seat"),
        Binding("p", "seat_pause", "Pause seat"),
        Binding("e", "seat_end", "End seat"),
        Binding("w", "seat_withdraw", "Withdraw"),
        Binding("a", "start_all", "Start all"),
        Binding("c", "clip_start", "Start clip"),
        Binding("space", "clip_pause", "Pause clip"),
        Binding("left_square_bracket", f"clip_seek(-{SEEK_S})", f"−{SEEK_S}s", show=False),
        Binding("right_square_bracket", f"clip_seek({SEEK_S})", f"+{SEEK_S}s", show=False),
        Binding("r", "clip_replay", "Replay"),
        Binding("P", "pause_all", "Pause all"),
        Binding("E", "end_all", "End all"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, *, study: Study, store: Store, room: RoomDb, player_factory: Callable[[], Player], urls: list[str] = ()):
        super().__init__()
        self.study, self.store, self.room_db, self.urls = study, store, room, list(urls)
        self._player_factory = player_factory
        self.display_: RoomDisplay | None = None
        self.player_problem: str | None = None
        self.seats: list[SeatRow] = []
        self.message = ""
        self.clips = [s for s in study.screening.steps if isinstance(s, ClipStep) and study.screening.is_shared(s)]

    def compose(self) -> ComposeResult:
        with Vertical(id="room-head"):
            yield Static("", id="room-code")
            yield Static("", id="room-urls")
        yield Static("", id="room-clip")
        yield Static("", id="room-message")
        table = DataTable(id="seats", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield Static(KEYS, id="room-keys")  # every key, wrapped to the terminal's width (a footer would cut them at 80 columns)

    async def on_mount(self) -> None:
        await self.store.open()
        info = self.room_db.room_info()
        code = info[1] if info else "—"
        self.query_one("#room-code", Static).update(literal(f"{self.room_db.room} · {self.study.id} · Join code: {code}"))
        self.query_one("#room-urls", Static).update(literal("Seats join at: " + "  ".join(self.urls) if self.urls else "Seats join from a terminal: preview-tui seat"))
        self.refresh_room()
        self.set_interval(0.5, self.refresh_room)

    async def on_unmount(self) -> None:
        self.room_db.close_room()
        if self.display_ is not None:
            await asyncio.to_thread(self.display_.player.close)
            self.display_.close()
        await self.store.close()

    # -- what is on screen --------------------------------------------------------

    def refresh_room(self) -> None:
        if not self.screen_stack:  # the app's timer, ticking while the app closes
            return
        now = time.monotonic()
        # A seat whose process is gone stays listed while it holds a participant (to withdraw, or to rejoin).
        self.seats = [row for row in self.room_db.seats() if row.connected(now) or row.code]
        table = self.query_one("#seats", DataTable)
        wanted = [row.seat for row in self.seats]
        for key in [k.value for k in list(table.rows)]:
            if key not in wanted:
                table.remove_row(key)
        for row in self.seats:
            cells = self._cells(row, now)
            if row.seat in {k.value for k in table.rows}:
                for column, value in zip(table.columns, cells):
                    table.update_cell(row.seat, column, value, update_width=True)
            else:
                table.add_row(*cells, key=row.seat)
        self.query_one("#room-clip", Static).update(literal(self._clip_line()))
        self.query_one("#room-message", Static).update(literal(self.message))

    def _cells(self, row: SeatRow, now: float) -> list[Any]:
        status = row.status if row.connected(now) else "disconnected"
        idle = "" if row.last_input_mono is None or status in ("joined", "disconnected") else f"{int(now - row.last_input_mono)} s"
        cells = [row.seat, row.code or "", row.language or "", row.step or "", row.progress or "", idle, status, "" if row.dial is None else str(row.dial), row.problem or ""]
        cells = [Text(visible(str(c))) for c in cells]  # codes, steps and problems are shown literally
        if status == "disconnected" or row.problem:
            for cell in cells:
                cell.stylize("bold red")
        return cells

    def target_clip(self) -> ClipStep | None:
        """The shared clip to start: the one the display played last, else the one most seats are on."""
        if not self.clips:
            return None
        if self.display_ is not None and self.display_.step_id and self.display_.state not in ("ended", "error", "idle"):
            return next((c for c in self.clips if c.id == self.display_.step_id), self.clips[0])
        on = {c.id: self.waiting_on(c.id) for c in self.clips}
        return max(self.clips, key=lambda c: (on[c.id], -self.clips.index(c)))

    def waiting_on(self, step_id: str) -> int:
        return sum(1 for row in self.seats if row.connected() and row.step == step_id and row.status in ("in_session", "paused"))

    def _clip_line(self) -> str:
        clip = self.target_clip()
        if clip is None:
            return "This screening has no shared clip (shared_clips, or shared: true on a clip)."
        title = text(clip.title, self.study.settings.languages[0])
        in_room = sum(1 for row in self.seats if row.connected() and row.code)
        d = self.display_
        if d is None or d.step_id != clip.id or d.state == "idle":
            state = "ready: C starts it"
        else:
            state = f"{d.state} {clock(d.media_now())} / {clock(d.clock.length_ms)}" + (f" ({d.problem})" if d.problem else "")
        return f"Shared clip: {title} [{clip.id}] · {self.waiting_on(clip.id)} of {in_room} seats on it · {state}" + (f" · no player: {self.player_problem}" if self.player_problem else "")

    def say(self, message: str) -> None:
        self.message = message
        self.query_one("#room-message", Static).update(literal(message))

    # -- seats ----------------------------------------------------------------------

    def selected(self) -> SeatRow | None:
        table = self.query_one("#seats", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((row for row in self.seats if row.seat == key), None)

    def action_seat(self, command: str) -> None:
        row = self.selected()
        if row is None:
            return
        self.room_db.command(row.seat, command)
        self.say(f"{command} sent to seat {row.seat}")

    def action_seat_pause(self) -> None:
        row = self.selected()
        if row is not None:
            self.action_seat("resume" if row.status == "paused" else "pause")

    async def action_seat_end(self) -> None:
        row = self.selected()
        if row is not None and row.code:
            await self._confirm(f"End the session at seat {row.seat} ({row.code})? What was given is kept; the session is marked abandoned.", "End session", lambda: self.action_seat("end"))

    async def action_seat_withdraw(self) -> None:
        row = self.selected()
        if row is None or not row.session_id:
            return

        async def erase() -> None:
            if row.connected():
                self.action_seat("withdraw")
                return
            try:  # the seat's process is gone: the room erases it
                await self.store.withdraw(uuid.UUID(hex=row.session_id))
            except StoreError as exc:
                self.say(f"Could not withdraw: {exc.reason}")
                return
            self.room_db.forget_seat(row.seat)
            self.say(f"The participant of seat {row.seat} was withdrawn; their data were erased.")

        await self._confirm(f"Withdraw {row.code or 'this participant'} (seat {row.seat})? Every answer, event and sample of this session is erased. This cannot be undone.", "Withdraw and erase", erase)

    def action_start_all(self) -> None:
        waiting = [row.seat for row in self.seats if row.connected() and row.status == "waiting"]
        for seat in waiting:
            self.room_db.command(seat, "start")
        self.say(f"start sent to {len(waiting)} waiting seat(s)")

    def action_pause_all(self) -> None:
        live = [row for row in self.seats if row.connected() and row.status in ("in_session", "paused")]
        command = "resume" if live and all(row.status == "paused" for row in live) else "pause"
        for row in live:
            self.room_db.command(row.seat, command)
        self.say(f"{command} sent to {len(live)} seat(s)")

    async def action_end_all(self) -> None:
        live = [row for row in self.seats if row.connected() and row.code]
        if live:
            await self._confirm(f"End the sessions of all {len(live)} seats? What was given is kept; the sessions are marked abandoned.", "End all", lambda: [self.room_db.command(row.seat, "end") for row in live] and None)

    async def _confirm(self, question: str, yes: str, then: Callable[[], Any]) -> None:
        from .kiosk import ConfirmScreen

        async def decided(ok: bool | None) -> None:
            if ok:
                result = then()
                if asyncio.iscoroutine(result):
                    await result

        await self.push_screen(ConfirmScreen(question, yes), callback=decided)

    # -- the shared clip -----------------------------------------------------------------

    def _room_display(self) -> RoomDisplay | None:
        if self.display_ is None and self.player_problem is None:
            try:
                self.display_ = RoomDisplay(self._player_factory(), self.room_db, self.study.media)
            except PlayerUnavailable as exc:
                self.player_problem = str(exc)
        return self.display_

    async def action_clip_start(self) -> None:
        clip = self.target_clip()
        display = self._room_display()
        if clip is None or display is None:
            self.say(f"No room player: {self.player_problem}" if self.player_problem else "No shared clip to start.")
            return
        if display.step_id == clip.id and display.state in ("starting", "playing", "paused"):
            self.say("The clip is already playing: R plays it again from the start.")
            return
        await asyncio.to_thread(display.start, clip.id, clip.file)
        self.say(f"Playing {clip.id} on the room's screen for {self.waiting_on(clip.id)} seat(s).")

    def action_clip_pause(self) -> None:
        d = self.display_
        if d is not None:
            d.resume() if d.state == "paused" else d.pause()

    def action_clip_seek(self, seconds: int) -> None:
        d = self.display_
        if d is not None:
            d.seek(round(d.media_now() + seconds * 1000))

    async def action_clip_replay(self) -> None:
        d = self.display_
        if d is not None and d.step_id:
            await asyncio.to_thread(d.replay)
            self.say("Playing the clip again from the start; every seat on it records a replay.")

    async def action_quit(self) -> None:
        live = [row for row in self.seats if row.connected() and row.code]
        if not live:
            self.exit()
            return
        await self._confirm(f"Close the room? {len(live)} seat(s) still have a session: they stay interrupted and can be taken up again.", "Close the room", self.exit)
