"""Screens of a station in a room: welcome, PIN, paused, still-there and confirmation."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from ..pin import ACCEPTED, LIMIT, REFUSED, PinState, check_pin
from ..survey.study import text
from ..words import word
from .literal import literal
from .themes import PARTICIPANT_CSS

log = logging.getLogger(__name__)


def title_in_all(settings) -> str:
    """The study's title in each of its languages, once each (nobody has chosen a language yet)."""
    return " · ".join(dict.fromkeys(text(settings.title, lang) for lang in settings.languages))


class WelcomeScreen(Screen):
    """What a participant sees between sessions: nothing of the one before."""

    CSS_PATH = PARTICIPANT_CSS

    def compose(self) -> ComposeResult:
        settings = self.app.study.settings
        lines = [text(settings.welcome, lang) for lang in settings.languages] if settings.welcome else [word("welcome", lang) for lang in settings.languages]
        with Center(id="welcome-box"):
            yield Static(literal(title_in_all(settings)), id="welcome-title", classes="title")
            yield Static(literal("\n\n".join(dict.fromkeys(lines))), id="welcome-text")
            yield from self.below()

    def below(self) -> ComposeResult:
        """What a screen built on this one shows under the welcome (nothing here)."""
        return iter(())


class PinScreen(ModalScreen[bool]):
    """Asks for the moderator PIN; dismisses with True only for the right one.

    Every attempt goes into the station's audit log (the outcome and ``where``,
    never the PIN). After a wrong PIN the field stays closed for a growing wait,
    and after ``pin.LIMIT`` in a row the PIN is locked until the moderator runs
    ``preview-tui pin --unlock``; all of it is read from the station file, so
    restarting the app changes nothing.
    """

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, pin_hash: str, where: str = "F12"):
        super().__init__()
        self.pin_hash = pin_hash
        self.where = where
        self.state = PinState()
        self._unrecorded: list[datetime] = []  # wrong PINs the station file could not take; they count all the same

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box", classes="dialog"):
            yield Label("Moderator PIN", classes="title")
            yield Input(password=True, id="pin", max_length=64)
            yield Static("", id="pin-problem")

    async def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()
        await self._update(read=True)
        self.set_interval(0.5, self._tick)

    async def _tick(self) -> None:
        await self._update(read=self.state.locked)  # a lockout is lifted from outside: read the file again

    async def _read(self) -> PinState:
        try:
            state = await self.app.store.pin_state()
        except Exception:  # noqa: BLE001 - the PIN is still checked; only the earlier wrong PINs are unknown
            log.exception("cannot read the PIN's attempts")
            state = PinState()
        if self._unrecorded:
            state = PinState(state.failures + len(self._unrecorded), self._unrecorded[-1])
        return state

    async def _update(self, *, read: bool) -> None:
        if read:
            self.state = await self._read()
        field = self.query_one("#pin", Input)
        problem = self.query_one("#pin-problem", Static)
        wait = self.state.wait(datetime.now(UTC))
        closed = self.state.locked or wait > 0
        if self.state.locked:
            problem.update(f"The PIN is locked after {LIMIT} wrong PINs.\nTo unlock it, run on this station:\npreview-tui pin --unlock")
        elif self.state.failures:
            left = self.state.tries_left
            problem.update(f"Wrong PIN: {left} {'try' if left == 1 else 'tries'} left before the PIN locks." + (f"\nTry again in {math.ceil(wait)} s." if wait > 0 else ""))
        else:
            problem.update("")
        if field.disabled != closed:
            field.disabled = closed
            if not closed:
                field.focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pin, event.input.value = event.value, ""
        await self._update(read=True)
        if self.state.locked or self.state.wait(datetime.now(UTC)) > 0:
            return
        right = check_pin(pin, self.pin_hash)
        try:
            await self.app.store.record_pin(ACCEPTED if right else REFUSED, self.where)
        except Exception:  # noqa: BLE001 - the attempt counts even when the file cannot take it
            log.exception("cannot record a PIN attempt")
            if not right:
                self._unrecorded.append(datetime.now(UTC))
        if right:
            self._unrecorded.clear()
            self.dismiss(True)
            return
        await self._update(read=True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PausedScreen(ModalScreen[None]):
    """The moderator paused the session; only the moderator resumes it."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Center(id="paused-box", classes="dialog"):
            yield Static(word("paused", self.lang), id="paused-text")


class StillThereScreen(ModalScreen[bool]):
    """After a while without a key: any key dismisses it (True); when time runs out the app ends the session."""

    def __init__(self, lang: str, seconds: float):
        super().__init__()
        self.lang = lang
        self.left = int(seconds)

    def compose(self) -> ComposeResult:
        with Center(id="still-there-box", classes="dialog"):
            yield Static(word("still_there", self.lang), id="still-there-text")
            yield Label("", id="still-there-count")

    def on_mount(self) -> None:
        self._show()
        self.set_interval(1.0, self._tick)

    def _show(self) -> None:
        self.query_one("#still-there-count", Label).update(word("seconds_left", self.lang, n=self.left))

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.dismiss(False)
        else:
            self._show()

    def on_key(self, event) -> None:
        event.stop()
        self.dismiss(True)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question for the moderator."""

    BINDINGS = [Binding("escape", "no", show=False), Binding("left,right", "app.focus_next", show=False)]

    def __init__(self, question: str, yes: str):
        super().__init__()
        self.question, self.yes = question, yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(literal(self.question), id="confirm-text")  # names the participant by their code
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button("Cancel", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)
