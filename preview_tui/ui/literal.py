"""The one boundary for text that reaches a widget from a study, a participant, a code or the database.

Textual parses a plain ``str`` given to most widgets as markup: ``[b]`` styles, ``[/]`` can raise
``MarkupError`` while the screen is drawn, and ``[@click=app.…]`` becomes a clickable action.
``literal()`` turns such text into a ``Content`` that is shown exactly as written, with control
characters made visible (see ``preview_tui.visible``). Every widget that shows such text is
given ``literal(text)`` (a ``DataTable`` cell ``literal_cell(text)``), never the string itself;
notifications and the header's title are made literal by ``LiteralApp``, which the app mixes
in, and in kiosk mode the app drops mouse presses on anything that carries an action
(``clicks_an_action``). Text inputs keep what was typed or stored and draw each control character
as one glyph (``CONTROLS_SHOWN``, ``literal_widgets.LiteralTextArea``).

The consent and rewards texts are the only study texts with formatting: a small Markdown subset
(``literal_widgets.StudyMarkdown``) in which links, images, HTML and character references are shown as written.
Nothing in a study text can be clicked to an action or opened.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.app import App
from textual.content import Content

from ..visible import INVISIBLE, visible

def literal(text: object) -> Content:
    """``text`` as content shown literally: no markup, no actions, no control sequences."""
    return Content(visible("" if text is None else text))


def literal_cell(text: object) -> Text:
    """``text`` for a ``DataTable`` cell, which measures Rich text (not ``Content``): shown literally too."""
    return Text(visible("" if text is None else text), end="")


def _glyph(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC
    return "\u2421" if code == 0x7F else "\ufffd"


class ControlsShown(Highlighter):
    """For text inputs (``Input(highlighter=CONTROLS_SHOWN)``): a pasted or stored control character is
    drawn as one visible glyph (␛ for ESC, � for the others), so the cursor keeps its place; the value
    itself stays exactly as typed."""

    def __call__(self, text: str | Text) -> Text:
        if isinstance(text, str):
            return Text(self.shown(text), end="")
        shown = text.copy()
        shown.plain = self.shown(shown.plain)
        return shown

    @staticmethod
    def shown(text: str) -> str:
        return INVISIBLE.sub(lambda match: _glyph(match.group()), text)

    def highlight(self, text: Text) -> None:
        """Nothing is styled: ``__call__`` only replaces what cannot be shown."""


CONTROLS_SHOWN = ControlsShown()


class LiteralApp:
    """Mixed into the app: every notification and the header's title are shown literally too."""

    def notify(self, message: str, *, title: str = "", **options) -> None:
        """A notification's message may echo a code, a path or a stored value: never markup."""
        options["markup"] = False
        super().notify(visible(message), title=visible(title), **options)

    def format_title(self, title: str, sub_title: str) -> Content:
        title_content, sub_title_content = literal(title), literal(sub_title)
        if not sub_title_content:
            return title_content
        return Content.assemble(title_content, (" — ", "dim"), sub_title_content.stylize("dim"))


def clicks_an_action(app: App, event: events.Event) -> bool:
    """Whether a mouse button event from the terminal lands on text that carries an action
    (``@click`` and the like); a kiosk drops such presses and releases, so no click is made either.

    Widgets that react to the mouse themselves (buttons, radio buttons, lists) carry no such
    actions; scroll bars do, and act only on themselves.
    """
    from textual.scrollbar import ScrollBar

    if not isinstance(event, (events.MouseDown, events.MouseUp)) or event.is_forwarded:
        return False
    try:
        screen = app.screen
        widget, _ = screen.get_widget_at(event.x, event.y)
        meta = screen.get_style_at(event.x, event.y).meta
    except Exception:  # noqa: BLE001 - nothing under the pointer: nothing to act on
        return False
    return not isinstance(widget, ScrollBar) and any(key.startswith("@") for key in meta)
