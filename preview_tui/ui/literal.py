"""The one boundary for text that reaches a widget from a study, a participant, a code or the database.

Textual parses a plain ``str`` given to most widgets as markup: ``[b]`` styles, ``[/]`` can raise
``MarkupError`` while the screen is drawn, and ``[@click=app.…]`` becomes a clickable action.
``literal()`` turns such text into a ``Content`` that is shown exactly as written, with control
characters made visible (see ``preview_tui.visible``). Every widget that shows such text is
given ``literal(text)``, never the string itself.
"""

from __future__ import annotations

from textual.content import Content

from ..visible import visible


def literal(text: object) -> Content:
    """``text`` as content shown literally: no markup, no actions, no control sequences."""
    return Content(visible("" if text is None else text))
