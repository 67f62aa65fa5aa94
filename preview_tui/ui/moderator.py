"""The moderator's screen: start a participant's session and see the station's recent sessions."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import MountError
from textual import widgets
from textual.widgets import Input, Label, Static

# The console's other widgets are loaded as they are first made (``widgets.X`` imports X on first use):
# its head and code field are drawn first.


from ..words import WORDS
from .literal import CONTROLS_SHOWN, literal, literal_cell

# The store and the engine are imported where a handler needs them: this screen is drawn before they are loaded.

STATUS_LABELS = {
    "in_progress": "in progress",
    "completed": "completed",
    "screened_out": "screened out",
    "declined": "declined consent",
    "withdrawn": "withdrawn",
    "abandoned": "abandoned",
}

STARTING = "Loading the study and the station file… A session can be started as soon as they are ready."
PILOT_NEXT = "PILOT: the next session is a test run (stored as test data, left out of counts and exports). Cleared once it starts."


class ModeratorScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", priority=True),
        # Function keys: Ctrl+letters are taken by the text inputs (Ctrl+W deletes a word).
        Binding("f5", "resume", "Resume"),
        Binding("f6", "abandon", "Abandon"),
        Binding("f8", "withdraw", "Withdraw"),
        Binding("f9", "results", "Results"),
    ]
    # What F1 lists on the console (the footer has room for the short labels only).
    HELP = [
        ("Enter", "in the code field: start the session"),
        ("Ctrl+S", "start the session"),
        ("Tab / Shift+Tab", "next / previous field"),
        ("Space", "tick or untick Pilot (next session only)"),
        ("↑ ↓", "in the list: select a session"),
        ("F5", "resume the selected session where it stopped"),
        ("F6", "mark the selected interrupted session abandoned"),
        ("F8", "withdraw the selected participant (asks)"),
        ("F9", "results of this study"),
        ("F12 / Ctrl+P", "command palette: theme, sync, quit"),
        ("Ctrl+Q", "quit (asks first while a session runs)"),
        ("F2 F3 F4", "during a clip: pause/resume, replay, skip"),
        ("F7", "during a pilot session: jump to any step"),
        ("F1 / ?", "this help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._refreshing = asyncio.Lock()
        self._flags: dict[str, list[tuple[str, str]]] = {}  # session (hex) -> its flags (kind, reason)
        self._completed = asyncio.Event()  # the whole console is mounted
        self._filled = False  # what needed the station is filled in
        self._start_asked = False  # Start was asked for before the station was ready: it starts once it is
        self._started: dict[str, datetime] = {}  # when each listed session started, kept for its row once withdrawn

    def compose(self) -> ComposeResult:
        """The console. While the station still loads, only its title and the code field are drawn at first
        (what the moderator needs at once); the header, the rest of the form, the list and the footer follow
        once that frame is on the terminal (``_complete``)."""
        app = self.app
        studies = app.console_facts()
        facts = studies[0]
        yield widgets.Header() if app.is_ready else Static(id="header-space")  # the header's row, kept for it
        with Vertical(id="moderator"):
            if len(studies) > 1:
                yield widgets.Select([(literal(f"{s.id}: {s.title}"), s.id) for s in studies], value=facts.id, allow_blank=False, id="study", disabled=not app.is_ready)
            yield Label(literal(facts.title), classes="title")
            yield Static(literal(f"Study {facts.id} · station {facts.station}"), id="station-info")
            yield Static(self._database_line(), id="station-db")  # the name first: a long folder is cut, marked …
            if facts.warnings:
                yield Static(literal("\n".join(f"⚠ {w}" for w in facts.warnings)), id="study-warnings")
            if facts.sealing_problem:
                yield Static(literal(f"Live sessions are refused: {facts.sealing_problem}. Sensitive answers must be sealed. Pilot sessions can run (test data only)."), id="sealing-refused")
            with Vertical(id="start-form"):
                with Horizontal(classes="form-row"):
                    yield Input(placeholder="Participant code", id="code", max_length=64, highlighter=CONTROLS_SHOWN)
                    if app.is_ready:
                        yield from self._room_and_seat()
                if app.is_ready:
                    yield self._choices(facts)
            if app.is_ready:
                yield self._pilot_next()
            yield Static("", id="form-problem")
            yield Static("" if app.is_ready else STARTING, id="station-notice")
            if app.is_ready:
                yield from self._below_form()
        if app.is_ready:
            yield widgets.Footer(compact=True)

    def _room_and_seat(self) -> list[Input]:
        return [
            Input(self.app.room, placeholder="Room", id="room", max_length=32, highlighter=CONTROLS_SHOWN),
            Input(placeholder="Seat", id="seat", max_length=32, highlighter=CONTROLS_SHOWN),
        ]

    def _choices(self, facts) -> Horizontal:
        """The form's second row: the language, Pilot and the start button."""
        pilot = self.app.station.next_session.pilot if self.app.is_ready else False
        return Horizontal(
            widgets.Select([(WORDS["language_name"][lang], lang) for lang in facts.languages], prompt="Participant chooses", id="language", allow_blank=True),
            widgets.Checkbox("Pilot", pilot, id="pilot", tooltip="The next session only: a researcher's test run, marked as test data, kept out of counts and exports; F7 jumps to any step"),
            widgets.Button("Start session", id="start", variant="primary"),
            classes="form-row",
        )

    def _pilot_next(self) -> Static:
        pilot = self.app.is_ready and self.app.station.next_session.pilot
        return Static(PILOT_NEXT, id="pilot-next", classes="shown" if pilot else "")

    def _below_form(self) -> list:
        """Under the form's lines: the sync's state and the station's sessions."""
        table = widgets.DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        table.add_columns("Started", "Code", "Room", "Seat", "Lang", "Status", "Flags", "Reason")
        return [
            Horizontal(Label("", id="sync-label"), widgets.ProgressBar(id="sync-progress", show_eta=False), id="sync-status"),
            Label("Sessions on this station", classes="subtitle"),
            table,
            Static("", id="session-flags"),
        ]

    async def _complete(self) -> None:
        """The rest of the console, once its head is on screen."""
        if self.app.return_code is not None:
            return  # the app is ending (a station that failed to load)
        if not self.is_mounted:  # the app's first screen: asked for before its own mount is through
            self.call_after_refresh(self._complete)
            return
        try:
            with self.app.batch_update():
                await self.query_one("#header-space").remove()
                await self.mount(widgets.Header(), before="#moderator")
            await self.query_one("#code").parent.mount_all(self._room_and_seat())
            await self.mount(widgets.Footer(compact=True))
            self.refresh_bindings()  # a Footer mounted late draws its keys when the screen next tells of them
            await self.query_one("#start-form").mount(self._choices(self.app.console_facts()[0]))
            await self.query_one("#moderator").mount(self._pilot_next(), before="#form-problem")
            await self.query_one("#moderator").mount_all(self._below_form())
        except MountError:
            return  # the app ended meanwhile: the screen is gone
        self._completed.set()
        if self.app.is_ready:
            await self.station_ready()

    def _database_line(self):
        if not self.app.is_ready:
            return ""
        path = Path(self.app.store.path)
        return literal(f"Database {path.name} in {path.parent}")

    async def on_mount(self) -> None:
        self.query_one("#code", Input).focus()
        if self.app.is_ready:
            self._completed.set()
            self._filled = True
            await self.refresh_sessions()
        else:
            self.app.after_frame(self._complete)  # the head is drawn first

    async def station_ready(self) -> None:
        """The station has loaded (after this screen was first drawn): fill in what needed it, and start the
        session asked for meanwhile. Called once both the station and the whole console are there."""
        if not (self._completed.is_set() and self.app.is_ready) or self._filled:
            return  # the other of the two calls it
        self._filled = True
        self.app.station.next_session.pilot = self.query_one("#pilot", widgets.Checkbox).value  # ticked meanwhile
        self.query_one("#station-db", Static).update(self._database_line())
        for select in self.query("#study").results(widgets.Select):
            select.disabled = False
        await self.refresh_sessions()
        if self._start_asked:
            self._start_asked = False
            await self.action_start()

    async def on_screen_resume(self) -> None:
        """Back from a participant's session: clear the form and refresh the list."""
        if not self.app.is_ready:  # shown for the first time, the station still loading: nothing to clear yet
            return
        self.app.room = self.query_one("#room", Input).value.strip() or self.app.room
        for field in ("#code", "#seat"):
            self.query_one(field, Input).value = ""
        self.query_one("#language", widgets.Select).clear()
        self.query_one("#pilot", widgets.Checkbox).value = self.app.station.next_session.pilot  # a pilot is for one session
        self.query_one("#form-problem", Static).update("")
        self.query_one("#code", Input).focus()
        await self.refresh_sessions()

    async def refresh_sessions(self) -> None:
        async with self._refreshing:  # mount and resume may both ask at start-up: one list, not two
            await self._refresh_sessions()

    async def _refresh_sessions(self) -> None:
        sessions = await self.app.store.list_sessions(self.app.study.id, limit=50)
        withdrawn = await self.app.store.list_withdrawn(self.app.study.id, limit=50)
        flags = await self.app.station.flags(row.id for row in sessions)
        self._flags = {sid.hex: found for sid, found in flags.items()}
        tables = self.query("#sessions")
        if not tables:  # the screen is being rebuilt or closed meanwhile
            return
        table = tables.first(widgets.DataTable)
        table.clear()
        rows: dict[str, tuple] = {}
        when: dict[str, datetime] = {}
        interrupted = 0
        for row in sessions:
            self._started[row.id.hex] = when[row.id.hex] = row.started_at
            started = row.started_at.astimezone().strftime("%H:%M:%S")
            status = STATUS_LABELS.get(row.status, row.status)
            if row.status == "in_progress":
                status, interrupted = "interrupted", interrupted + 1
            code = (row.participant_code or "—") + (" (pilot)" if row.is_test else "")
            marks = len(flags.get(row.id, ()))  # how many; the selected session's reasons are under the list
            rows[row.id.hex] = (started, code, row.room or "", row.seat or "", row.language or "", status, f"⚑ {marks}" if marks else "", row.outcome_reason or "")
        for gone in withdrawn:  # erased: only the time is left (read after the sessions, so a withdrawal in between wins)
            key = gone.session_id.hex
            if rows.get(key, ("",) * 6)[5] == "interrupted":
                interrupted -= 1
            # In the session's place when this console saw it start; otherwise by the time of the withdrawal.
            when[key] = self._started.get(key, gone.withdrawn_at)
            rows[key] = (when[key].astimezone().strftime("%H:%M:%S"), "—", "", "", "", "withdrawn", "", "")
        for key in sorted(rows, key=lambda k: when[k], reverse=True):
            table.add_row(*map(literal_cell, rows[key]), key=key)
        first_interrupted = next((i for i, k in enumerate(sorted(rows, key=lambda k: when[k], reverse=True)) if rows[k][5] == "interrupted"), None)
        if first_interrupted is not None:  # F5 resumes it at once
            table.move_cursor(row=first_interrupted)
        self._show_flags()
        notice = []
        if interrupted:
            notice.append(f"{interrupted} interrupted session(s): select one in the list and press F5 to resume it where it stopped.")
        if self.app.study.settings.invitations:
            total, used = await self.app.store.invitation_counts(self.app.study.id)
            notice.append(f"Invitation codes: {total} imported, {used} used (`preview-tui invite FILE` imports more).")
        box = self.query_one("#station-notice", Static)
        box.update(literal("\n".join(notice)))
        box.display = bool(notice)  # no empty line between the form and the list

    def on_data_table_row_highlighted(self, event: widgets.DataTable.RowHighlighted) -> None:
        self._show_flags()

    def _show_flags(self) -> None:
        """Under the list: the reasons of the selected session's flags, as written (they may quote a code)."""
        box = self.query("#session-flags")
        if not box:
            return
        selected = self._selected()
        found = self._flags.get(selected[0].hex, []) if selected else []
        box.first(Static).update(literal("\n".join(f"⚑ {reason}" for _, reason in found)))
        box.first(Static).display = bool(found)

    def show_sync(self, message: str, *, progress: tuple[int, int | None] | None, failed: bool) -> None:
        """The sync's state under the form (``progress``: records done and in all; None hides the bar)."""
        try:
            box = self.query_one("#sync-status")
        except NoMatches:  # being recomposed for another study
            return
        box.set_class(True, "shown")
        box.set_class(failed, "failed")
        box.query_one("#sync-label", Label).update(literal(message))
        bar = box.query_one("#sync-progress", widgets.ProgressBar)
        bar.display = progress is not None
        if progress is not None:
            bar.update(total=progress[1], progress=progress[0])

    def _selected(self) -> tuple[uuid.UUID, str] | None:
        table = self.query_one("#sessions", widgets.DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return uuid.UUID(key), str(table.get_row(key)[5])  # the status column

    def _problem(self, message: str, *, ok: bool = False) -> None:
        """A line under the form: what went wrong (or, with ``ok``, what was done). Shown literally: it may hold a code."""
        box = self.query_one("#form-problem", Static)
        box.update(literal(message))
        box.set_class(ok, "ok")

    async def action_resume(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        session_id, status = selected
        if status not in ("interrupted", "abandoned"):
            self._problem(f"Only an interrupted or abandoned session can be resumed; this one is {status}.")
            return
        from ..db.failures import StoreError
        from ..flow import SealingRefused

        try:
            await self.app.resume_interrupted(session_id)
        except SealingRefused as exc:
            self._problem(f"Not resumed: {exc}.")
        except (StoreError, ValueError) as exc:
            self._problem(f"Could not resume the session: {exc.reason if isinstance(exc, StoreError) else exc}.")

    async def action_abandon(self) -> None:
        selected = self._selected()
        if selected is None or selected[1] != "interrupted":
            self._problem("Select an interrupted session to mark it abandoned.")
            return
        await self.app.station.mark_abandoned(selected[0])
        await self.refresh_sessions()

    async def action_withdraw(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        session_id, status = selected
        if status == "withdrawn":
            self._problem("This participant's data were already erased.")
            return
        code = str(self.query_one("#sessions", widgets.DataTable).get_row(session_id.hex)[1])

        async def withdrawn() -> None:
            await self.refresh_sessions()
            self._problem(f"Withdrawn: {code}. Everything of this session was erased from the station; only a tombstone is left for sync.", ok=True)

        await self.app.confirm_withdrawal(session_id, f"{code} ({status})", withdrawn)

    async def action_results(self) -> None:
        if self._filled:
            await self.app.show_results()

    def on_checkbox_changed(self, event: widgets.Checkbox.Changed) -> None:
        if event.checkbox.id == "pilot":
            event.stop()
            if self.app.is_ready:  # otherwise taken from the box once the station is
                self.app.station.next_session.pilot = event.value
            self.query_one("#pilot-next", Static).set_class(event.value, "shown")

    async def on_select_changed(self, event: widgets.Select.Changed) -> None:
        if event.select.id == "study" and event.value != self.app.study.id:
            event.stop()
            self.app.choose_study(str(event.value))
            await self.recompose()
            await self.refresh_sessions()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "code":
            await self.action_start()
        else:
            self.focus_next()

    async def on_button_pressed(self, event: widgets.Button.Pressed) -> None:
        if event.button.id == "start":
            event.stop()
            await self.action_start()

    async def action_start(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self.query_one("#form-problem", Static).update("Enter the participant's code to start.")
            self.query_one("#code", Input).focus()
            return
        if not self._filled:  # never waited for here: this screen's messages (its timer too) would wait with it
            self._start_asked = True
            self._problem("Starting as soon as the study and the station file are loaded…", ok=True)
            return
        seat = self.query_one("#seat", Input).value.strip()
        room = self.query_one("#room", Input).value.strip()
        self.app.room = room
        language = self.query_one("#language", widgets.Select).value
        self._problem("")
        from ..db.failures import InvitationRefused, StoreError
        from ..flow import Participant, SealingRefused

        participant = Participant(code=code, seat=seat, room=room, language=None if language is widgets.Select.NULL else language)
        try:
            await self.app.start_session(participant)
        except (InvitationRefused, SealingRefused) as exc:
            self._problem(f"Not started: {exc}.")
            self.query_one("#code", Input).focus()
        except StoreError as exc:  # could not be created: say why, stay here
            self._problem(f"Could not start the session: {exc.reason}.")
