"""The keys a person can see under a participant screen (the hint line), and the guard that keeps
dial keys from acting on the page after a clip.

Each participant screen says its own keys (``key_rows``), in the participant's language
(``preview_tui.words``): what a hint says a key does is what the screen's binding does. The help
panel (F1, ?) lists them all (``help.py``).
"""

from __future__ import annotations

import time
from typing import Iterable, Protocol

from rich.text import Text
from textual.widget import Widget

from .packing import pack

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


class HasKeys(Protocol):
    """A participant screen: it says its keys (``ParticipantScreen.participant_keys``)."""

    def participant_keys(self, lang: str) -> list[Row]: ...


def hint_items(screen: HasKeys, lang: str) -> list[str]:
    return [f"{key}{_sep(lang)}{does}" for key, does, shown in screen.participant_keys(lang) if shown]


class KeyBar(Widget):
    """The hint line under a participant screen: its keys, packed into as many lines as the width needs
    (a key and what it does are never split), in the participant's language.

    ``languages`` gives several languages, one after the other (the language screen, before a choice);
    ``extra`` is shown after the keys (e.g. the page's progress).
    """

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; width: 100%; padding: 0 2; color: $text-muted; }
    """

    def __init__(self, screen: HasKeys, languages: Iterable[str], *, extra: str = "", id: str | None = "key-bar"):
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
