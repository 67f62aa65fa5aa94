"""The moderator's screen: start a participant's session and see the station's recent sessions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from sqlalchemy.exc import SQLAlchemyError

from ..db.store import StoreError, describe_failure
from ..flow import Participant
from ..survey.study import text
from ..words import WORDS

STATUS_LABELS = {
    "in_progress": "in progress",
    "completed": "completed",
    "screened_out": "screened out",
    "declined": "declined consent",
    "withdrawn": "withdrawn",
    "abandoned": "abandoned",
}


class ModeratorScreen(Screen):
    BINDINGS = [Binding("ctrl+s", "start", "Start session", priority=True)]

    def compose(self) -> ComposeResult:
        app = self.app
        study = app.study
        yield Header()
        with Vertical(id="moderator"):
            yield Label(text(study.settings.title, "en"), classes="title")
            yield Static(f"Study [b]{study.id}[/b] · station [b]{app.settings.name}[/b] · database {app.store.path}", id="station-info")
            if study.warnings:
                yield Static("\n".join(f"⚠ {w}" for w in study.warnings), id="study-warnings")
            with Horizontal(id="start-form"):
                yield Input(placeholder="Participant code", id="code", max_length=64)
                yield Input(placeholder="Seat (optional)", id="seat", max_length=32)
                options = [(WORDS["language_name"][lang], lang) for lang in study.settings.languages]
                yield Select(options, prompt="Participant chooses", id="language", allow_blank=True)
                yield Button("Start session", id="start", variant="primary")
            yield Static("", id="form-problem")
            yield Label("Sessions on this station", classes="subtitle")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Started", "Code", "Seat", "Lang", "Status", "Reason")
        self.query_one("#code", Input).focus()

    async def on_screen_resume(self) -> None:
        """Back from a participant's session: clear the form and refresh the list."""
        for field in ("#code", "#seat"):
            self.query_one(field, Input).value = ""
        self.query_one("#language", Select).clear()
        self.query_one("#form-problem", Static).update("")
        self.query_one("#code", Input).focus()
        await self.refresh_sessions()

    async def refresh_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for row in await self.app.store.list_sessions(self.app.study.id, limit=50):
            started = row.started_at.astimezone().strftime("%H:%M:%S")
            table.add_row(started, row.participant_code or "—", row.seat or "", row.language or "", STATUS_LABELS.get(row.status, row.status), row.outcome_reason or "")

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "code":
            await self.action_start()
        else:
            self.focus_next()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            event.stop()
            await self.action_start()

    async def action_start(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self.query_one("#form-problem", Static).update("Enter the participant's code to start.")
            self.query_one("#code", Input).focus()
            return
        seat = self.query_one("#seat", Input).value.strip()
        language = self.query_one("#language", Select).value
        participant = Participant(code=code, seat=seat, language=None if language is Select.NULL else language)
        try:
            await self.app.start_session(participant)
        except (StoreError, SQLAlchemyError, OSError) as exc:  # could not be created: say why, stay here
            self.query_one("#form-problem", Static).update(f"Could not start the session: {describe_failure(exc)}.")
