"""The keys a person can see: the hint line under each participant screen, the help panel (F1, ?)
and the guard that keeps dial keys from acting on the page after a clip.

A participant's keys are said in their language (``preview_tui.words``); the moderator's are in
English, like the console. What a hint or the help says a key does is what its binding does.
"""

from __future__ import annotations

import time
from typing import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Static

from ..words import word
from .scales import pack

# The dial's keys on a clip screen (Textual's names), swallowed for a moment after the clip ends.
DIAL_KEYS = frozenset({"up", "down", "left", "right", "plus", "minus", "equals_sign", "underscore"})


class KeyGuard:
    """After a clip ends, dial keys never reach the next page.

    Terminals do not report a key's release, but a key held down repeats: each dial key that
    arrives within ``window`` seconds of the clip's end, or of the dial key before it, is
    swallowed. The first other key (Tab, Enter, a letter) ends the guard at once.
    """

    def __init__(self, window: float = 0.6):
        self.window = window
        self.until = 0.0

    def arm(self) -> None:
        self.until = time.monotonic() + self.window

    def swallows(self, key: str) -> bool:
        now = time.monotonic()
        if now >= self.until:
            return False
        if key not in DIAL_KEYS:
            self.until = 0.0
            return False
        self.until = now + self.window
        return True


# -- what each participant screen's keys are ------------------------------------

Row = tuple[str, str, bool]  # (key, what it does, also in the hint line under the screen)


def _sep(lang: str) -> str:
    return " : " if lang == "fr" else ": "


def participant_keys(screen: Screen, lang: str) -> list[Row]:
    """The keys of a participant screen, in ``lang``: the help lists them all, the hint line the marked ones."""
    from .clip import ClipScreen
    from .inputs import RankList
    from .page import PageScreen
    from .participant import ConsentScreen, EndScreen, LanguageScreen
    from .storyboard import StoryboardScreen

    w = lambda key: word(key, lang)  # noqa: E731
    rows: list[Row] = []
    if isinstance(screen, LanguageScreen):
        rows += [("↑ ↓", w("do_choose_language"), True), (w("key_enter"), w("do_continue_language"), True)]
    elif isinstance(screen, ConsentScreen):
        rows += [
            (f"Tab  ← →", w("do_move_buttons"), True),
            (f"↑ ↓  {w('key_pages')}", w("do_scroll_text"), False),
            (w("key_space"), w("do_tick"), False),
            (w("key_enter"), w("do_press"), True),
        ]
    elif isinstance(screen, PageScreen):
        rows += [
            ("Tab", w("do_next_question"), True),
            (w("key_shift_tab"), w("do_previous_question"), False),
            ("↑ ↓ ← →", w("do_move_answers"), False),
            (f"{w('key_space')} {w('key_enter')}", w("do_choose"), True),
        ]
        if screen.query(RankList):
            rows += [("+ -", w("do_rank_move"), False), (w("key_enter"), w("do_rank_keep"), False)]
        rows.append((w("key_ctrl_n"), w("do_next_page"), True))
        if screen.flow.runner.can_go_back():
            rows.append((w("key_ctrl_b"), w("do_previous_page"), False))
    elif isinstance(screen, StoryboardScreen):
        last = screen.index + 1 >= len(screen.step.frames)
        if screen.index > 0:
            rows.append(("←", w("do_previous_image"), True))
        if last:
            rows.append((w("key_enter"), w("do_continue"), True))
        else:
            rows.append((f"→ {w('key_enter')}", w("do_next_image"), True))
    elif isinstance(screen, ClipScreen):
        if screen.dial is not None:
            rows += [("↑ +", w("do_like_more"), True), ("↓ -", w("do_like_less"), True)]
        if screen.check_action("participant_skip", ()):
            rows.append(("S", w("do_skip_clip"), True))
    elif isinstance(screen, EndScreen):
        rows.append((w("key_enter"), w("do_finish"), True))
    rows.append(("F1", w("do_help"), True))
    return rows


def hint_items(screen: Screen, lang: str) -> list[str]:
    return [f"{key}{_sep(lang)}{does}" for key, does, shown in participant_keys(screen, lang) if shown]


class KeyBar(Widget):
    """The hint line under a participant screen: its keys, packed into as many lines as the width needs
    (a key and what it does are never split), in the participant's language.

    ``languages`` gives several languages, one after the other (the language screen, before a choice);
    ``extra`` is shown after the keys (e.g. the page's progress).
    """

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; width: 100%; padding: 0 2; color: $text-muted; }
    """

    def __init__(self, screen: Screen, languages: Iterable[str], *, extra: str = "", id: str | None = "key-bar"):
        super().__init__(id=id, classes="key-bar")
        self.owner = screen
        self.languages = list(languages)
        self.extra = extra

    def items(self) -> list[list[str]]:
        out = [hint_items(self.owner, lang) for lang in self.languages]
        if self.extra and out:
            out[-1] = [*out[-1], self.extra]
        return out

    def lines(self, width: int) -> list[str]:
        return [line for group in self.items() for line in pack(list(group), width, " · ")]

    def update_keys(self) -> None:
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.lines(width)))

    def render(self) -> Text:
        return Text("\n".join(self.lines(max(10, self.content_size.width))), no_wrap=True, overflow="fold")


# -- the help panel -------------------------------------------------------------


def keys_of(screen: Screen) -> tuple[str, list[tuple[str, str]], str] | None:
    """(title, (key, what it does) rows, how to close) for the screen in front; None where there is nothing to press."""
    from .kiosk import ConfirmScreen, PausedScreen, PinScreen, StillThereScreen, WelcomeScreen
    from .moderator import ModeratorScreen
    from .participant import LanguageScreen, ParticipantScreen
    from .pilot import JumpScreen

    if isinstance(screen, (WelcomeScreen, PausedScreen, StillThereScreen, PinScreen)):
        return None
    if isinstance(screen, ParticipantScreen):
        lang = screen.lang
        if isinstance(screen, LanguageScreen) and screen.flow.preset_language:
            lang = screen.flow.preset_language
        rows = [(key, does) for key, does, _ in participant_keys(screen, lang) if key != "F1"]
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
