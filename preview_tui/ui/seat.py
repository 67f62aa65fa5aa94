"""A seat of a screening room: one participant's session in its own process.

A seat runs in a terminal or in a browser tab (textual-serve starts one process
per tab). It offers the participant's screens and nothing else: no console, no
command palette, no PIN, no way to another seat. The participant joins with the
room's code and their own code, then waits until the moderator starts their
session from the room view; a participant whose seat was lost (a closed tab, a
killed process) joins again with the same code and goes on where they stopped.

Everything the moderator does to a seat arrives as a command through the room's
file (``station/seat_link.py``) and is carried out here with the station's own
session methods: start, pause, resume, end and withdraw.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from ..db import models as m
from ..db.room import RoomDb
from ..db.failures import InvitationRefused, StoreError
from ..flow import Participant, SealingRefused
from ..station.room_clip import SharedClip
from ..station.seat_link import SeatLink, claim_seat
from ..survey.runner import item_name
from ..words import word
from .app import PreviewApp
from .kiosk import WelcomeScreen, title_in_all
from .literal import literal
from .themes import PARTICIPANT_CSS

log = logging.getLogger(__name__)


def in_all(key: str, languages: Iterable[str]) -> str:
    """The app's words in every language of the study, once each (the participant has not chosen yet)."""
    return " · ".join(dict.fromkeys(word(key, lang) for lang in languages))


class JoinScreen(Screen):
    """The room's code and the participant's own code."""

    CSS_PATH = PARTICIPANT_CSS

    BINDINGS = [Binding("enter", "join", show=False)]

    def compose(self) -> ComposeResult:
        settings = self.app.study.settings
        languages = settings.languages
        with Center(id="welcome-box"):
            with Vertical(id="join-box"):
                yield Static(literal(title_in_all(settings)), id="welcome-title", classes="title")
                yield Label(in_all("seat_room_code", languages), classes="join-label")
                yield Input(id="room-code", max_length=16, value=self.app.room_code_typed)
                yield Label(in_all("seat_your_code", languages), classes="join-label")
                yield Input(id="participant-code", max_length=64)
                yield Button(in_all("seat_join", languages), id="join", variant="primary")
                yield Static("", id="join-problem")
                yield Static(literal(f"{self.app.room_name} · {self.app.seat_name}"), id="join-seat")

    def on_mount(self) -> None:
        self.query_one("#participant-code" if self.app.room_code_typed else "#room-code", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "room-code":
            self.query_one("#participant-code", Input).focus()
        else:
            await self.action_join()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_join()

    def problem(self, key: str) -> None:
        self.query_one("#join-problem", Static).update(in_all(key, self.app.study.settings.languages))

    async def action_join(self) -> None:
        room_code = self.query_one("#room-code", Input).value
        code = self.query_one("#participant-code", Input).value.strip()
        if not self.app.room_db.code_matches(room_code):
            self.problem("seat_wrong_code" if self.app.room_db.room_info() else "seat_closed")
            self.query_one("#room-code", Input).focus()
            return
        if not code:
            self.problem("seat_no_code")
            self.query_one("#participant-code", Input).focus()
            return
        self.app.room_code_typed = room_code.strip()
        await self.app.join(code)


class WaitScreen(WelcomeScreen):
    """Joined: the study's welcome until the moderator starts the session."""

    def below(self) -> ComposeResult:
        yield Static("", id="join-problem")
        yield Static(literal(f"{self.app.room_name} · {self.app.seat_name}"), id="join-seat")


class SeatApp(PreviewApp):
    """The participant's side of a room (see the module's docstring)."""

    def __init__(self, *, room: RoomDb, seat: str | None = None, **parts: Any):
        super().__init__(**parts)
        self.kiosk = True  # a seat never reaches the console: it has none
        self.room_db = room
        self.room_name = room.room
        self.seat_name = claim_seat(room, seat)
        self.room_code_typed = ""
        self.code: str | None = None  # the participant who joined
        self.status = "joined"
        self.seat_problem: str | None = None
        self._snapshot: dict[str, Any] = {"status": "joined"}
        self.link = SeatLink(room, self.seat_name, snapshot=lambda: self._snapshot, on_command=lambda cid, cmd: self.call_from_thread(self._command, cid, cmd))

    @property
    def last_input(self) -> float:
        return self.station.last_input

    async def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not the station's start: no console beneath a seat, ever
        self.title = f"{self.study.id} · {self.seat_name}"
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        await self.store.open()
        self.participant_theme(True)
        await self.push_screen(JoinScreen())
        self.set_interval(0.5, self._refresh_snapshot)
        if self.settings.idle_timeout:
            self.set_interval(1.0, self._check_idle)
        self.link.start()

    async def on_unmount(self, event: events.Unmount) -> None:
        event.prevent_default()
        self.link.stop()
        await super().on_unmount()

    # -- nothing but the participant's screens ------------------------------------

    async def action_quit(self) -> None:
        """A seat is left by closing its tab or its terminal; its session can be taken up again."""

    def action_command_palette(self) -> None:
        """No commands on a seat."""

    async def action_moderator(self) -> None:
        """The moderator works from the room view, never on a seat."""

    async def action_pilot_jump(self) -> None:
        """Pilots run on a station, not in a room."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return iter(())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("moderator_pause", "moderator_replay", "moderator_skip", "pilot_jump", "moderator", "command_palette"):
            return False
        return super().check_action(action, parameters)

    # -- the room's clip ---------------------------------------------------------------

    def shares_clip(self, step: Any) -> bool:
        return self.study.screening.is_shared(step)

    def clip_player(self, step: Any, on_replay: Callable[[], None]) -> SharedClip:
        return SharedClip(self.room_db, step.id, on_replay=on_replay)

    # -- joining and the moderator's commands ---------------------------------------------

    async def join(self, code: str) -> None:
        """A participant joined: take up their interrupted session of this room at once, or wait for the moderator."""
        live = {row.code for row in self.room_db.seats() if row.connected() and row.seat != self.seat_name and row.code}
        if code in live:
            self.screen.problem("seat_code_in_use")
            return
        self.code, self.seat_problem = code, None
        interrupted = await self._interrupted(code)
        if interrupted is not None:
            try:
                await self.resume_interrupted(interrupted)
                self.status = "in_session"
                return
            except (SealingRefused, ValueError, StoreError) as exc:
                log.warning("seat %s could not resume %s: %s", self.seat_name, interrupted, exc)
        self.status = "waiting"
        await self.push_screen(WaitScreen())
        self._refresh_snapshot()

    async def _interrupted(self, code: str):
        found = await self.store.list_sessions(self.study.id, 1, code=code, room=self.room_name, status=m.IN_PROGRESS, tests=False)
        return found[0].id if found else None

    async def start_waiting(self) -> None:
        if self.status != "waiting" or self.code is None:
            return
        try:
            await self.start_session(Participant(code=self.code, seat=self.seat_name, room=self.room_name))
        except (InvitationRefused, SealingRefused) as exc:
            self._refused(str(exc))
            return
        except StoreError as exc:
            self._refused(exc.reason)
            return
        self.status = "in_session"

    def _refused(self, reason: str) -> None:
        self.seat_problem = f"not started: {reason}"
        for box in self.screen.query("#join-problem"):
            box.update(in_all("seat_not_started", self.study.settings.languages))

    async def _command(self, command_id: int, command: str) -> None:
        try:
            if not self.screen_stack:  # the seat is closing: the command goes with it
                return
            if command == "start":
                await self.start_waiting()
            elif command == "pause":
                await self.pause_session()
            elif command == "resume":
                await self.resume_session()
            elif command == "end":
                if self.flow is not None:
                    await self.abandon_session()
                else:
                    await self.end_session()
            elif command == "withdraw" and self.flow is not None:
                await self.station.withdraw(self.flow.session_id)  # the moderator confirmed it in the room view
                await self.end_session()
        except StoreError as exc:
            self.seat_problem = f"{command} failed: {exc.reason}"
        finally:
            self.link.done(command_id)
            self._refresh_snapshot()

    async def end_session(self) -> None:
        """Back to the join screen, with nothing of the participant left on it."""
        self.station.end()
        self.code = None
        self.status = "joined"
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen_stack[-1], JoinScreen):
            self.switch_screen(JoinScreen())
        self._refresh_snapshot()

    # -- what the room view sees ---------------------------------------------------------------

    def _refresh_snapshot(self) -> None:
        flow = self.flow
        snap: dict[str, Any] = {"status": self.status, "code": self.code, "problem": self.seat_problem, "last_input_mono": self.last_input}
        if flow is not None:
            item = flow.current
            runner = flow.runner
            snap.update(
                session_id=flow.session_id.hex,
                language=runner.participant.get("language"),
                step=item_name(item) or item.kind,
                progress=f"{min(runner.position + 1, len(runner.items))}/{len(runner.items)}",
                status="paused" if self.paused else ("ended" if item.kind == "end" else "in_session"),
            )
            screen = self.screen
            recorder = getattr(screen, "recorder", None)
            if recorder is not None:
                snap["dial"] = recorder.value
            problem = getattr(screen, "problem", None)
            if isinstance(problem, str) and problem:
                snap["problem"] = f"clip: {problem}"
        self._snapshot = snap


def build_seat(*, room: RoomDb, seat: str | None, settings: Any, study: Any, store: Any, player_factory: Callable[[], Any]) -> SeatApp:
    """A seat's app, from the station's parts and the room's file: the same session service a station runs."""
    from ..station import Station

    return SeatApp(room=room, seat=seat, station=Station(settings=settings, study=study, store=store), player_factory=player_factory)
