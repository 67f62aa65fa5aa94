"""The help panel (F1, ?): the keys of the screen in front, over its lower part.

A participant's keys are said in their language, as the screen says them (``key_rows``); the
moderator's are in English, like the console.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, Static

from ..words import word
from .kiosk import ConfirmScreen, PausedScreen, PinScreen, StillThereScreen, WelcomeScreen
from .moderator import ModeratorScreen
from .participant import LanguageScreen, ParticipantScreen
from .pilot import JumpScreen


def keys_of(screen: Screen) -> tuple[str, list[tuple[str, str]], str] | None:
    """(title, (key, what it does) rows, how to close) for the screen in front; None where there is nothing to press."""
    if isinstance(screen, (WelcomeScreen, PausedScreen, StillThereScreen, PinScreen)):
        return None
    if isinstance(screen, ParticipantScreen):
        lang = screen.lang
        if isinstance(screen, LanguageScreen) and screen.flow.preset_language:
            lang = screen.flow.preset_language
        rows = [(key, does) for key, does, _ in screen.participant_keys(lang) if key != "F1"]
        rows.append(("F1", word("do_this_help", lang)))
        return word("help_title", lang), rows, word("help_close", lang)
    if isinstance(screen, ModeratorScreen):
        return "Keys of the moderator console", list(screen.HELP), "Esc or F1: close"
    if isinstance(screen, (ConfirmScreen, JumpScreen)):
        return "Keys", [("↑ ↓  ← →  Tab", "choose"), ("Enter", "confirm"), ("Esc", "cancel"), ("F1", "this help")], "Esc or F1: close"
    help_rows = getattr(screen, "HELP", None)
    if help_rows:
        return "Keys", list(help_rows), "Esc or F1: close"
    return None


class HelpPanel(Vertical):
    """The keys of the screen it is shown on, over that screen's lower part.

    It takes no focus and no keys: the person goes on pressing the keys it lists while it is
    open. F1 (or ?) again, or Escape, closes it; so does leaving the screen.
    """

    DEFAULT_CSS = """
    HelpPanel {
        layer: _loading;  /* over the screen, without moving anything on it */
        dock: bottom;
        width: 100%;
        max-width: 90;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $panel;
        padding: 0 2;
    }
    HelpPanel #help-title { text-style: bold; color: $primary; }
    HelpPanel #help-close { color: $text-muted; }
    HelpPanel #help-rows { height: auto; }
    """

    def __init__(self, title: str, rows: list[tuple[str, str]], close: str):
        super().__init__(id="help-panel")
        self.heading, self.rows, self.close_hint = title, rows, close

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)  # what the key does wraps under itself, never under the keys
        for key, does in self.rows:
            table.add_row(Text(key), Text(does))
        yield Label(self.heading, id="help-title")
        yield Static(self.close_hint, id="help-close", markup=False)
        yield Static(table, id="help-rows")
