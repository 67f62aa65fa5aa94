"""Themes: the moderator's choice, kept across restarts, and the participants' high-contrast theme."""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

from .. import prefs

# The stylesheet of every screen a participant sees (and a seat's, a kiosk's welcome, the pilot's jump list):
# such a screen names it as its CSS_PATH, so Textual reads it with the first of them and the moderator's
# console starts with app.tcss alone.
PARTICIPANT_CSS = "participant.tcss"

HIGH_CONTRAST = Theme(
    name="preview-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF5555",
    success="#00FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "input-selection-background": "#FFFF00 60%",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "footer-key-foreground": "#FFFF00",
        "border": "#FFFFFF",
    },
)

# ``study.participant_theme`` -> the Textual theme shown to participants (None: the moderator's own).
PARTICIPANT_THEMES: dict[str, str | None] = {"default": None, "high-contrast": HIGH_CONTRAST.name}
DEFAULT_THEME = "textual-dark"


def register_themes(app: App) -> None:
    app.register_theme(HIGH_CONTRAST)


def moderator_theme(app: App) -> str:
    """The theme last chosen in the palette (per-user settings), if this Textual still has it."""
    name = prefs.load(getattr(app, "prefs", None)).get("theme")
    return name if isinstance(name, str) and name in app.available_themes else DEFAULT_THEME


def save_theme(app: App, name: str) -> None:
    prefs.save(getattr(app, "prefs", None), theme=name)
