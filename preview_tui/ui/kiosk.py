"""Screens of a station in a room: welcome, PIN, paused, still-there and confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from ..pin import check_pin
from ..survey.study import text
from ..words import word
from .literal import literal


class WelcomeScreen(Screen):
    """What a participant sees between sessions: nothing of the one before."""

    def compose(self) -> ComposeResult:
        settings = self.app.study.settings
        lines = [text(settings.welcome, lang) for lang in settings.languages] if settings.welcome else [word("welcome", lang) for lang in settings.languages]
        with Center(id="welcome-box"):
            yield Static(literal(" · ".join(dict.fromkeys(text(settings.title, lang) for lang in settings.languages))), id="welcome-title", classes="title")
            yield Static(literal("\n\n".join(dict.fromkeys(lines))), id="welcome-text")


class PinScreen(ModalScreen[bool]):
    """Asks for the moderator PIN; dismisses with True only for the right one."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, pin_hash: str):
        super().__init__()
        self.pin_hash = pin_hash

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box", classes="dialog"):
            yield Label("Moderator PIN", classes="title")
            yield Input(password=True, id="pin", max_length=64)
            yield Static("", id="pin-problem")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if check_pin(event.value, self.pin_hash):
            self.dismiss(True)
            return
        event.input.value = ""
        self.query_one("#pin-problem", Static).update("Wrong PIN.")

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
            yield Static(self.question, id="confirm-text")
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
