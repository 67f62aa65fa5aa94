"""The one boundary for text that reaches a widget from a study, a participant, a code or the database.

Textual parses a plain ``str`` given to most widgets as markup: ``[b]`` styles, ``[/]`` can raise
``MarkupError`` while the screen is drawn, and ``[@click=app.…]`` becomes a clickable action.
``literal()`` turns such text into a ``Content`` that is shown exactly as written, with control
characters made visible (see ``preview_tui.visible``). Every widget that shows such text is
given ``literal(text)`` (a ``DataTable`` cell ``literal_cell(text)``), never the string itself; notifications go through the app's ``notify``,
which does the same.

The consent and rewards texts are the only study texts with formatting: a small Markdown subset
(``StudyMarkdown``) in which links, images, HTML and character references are shown as written.
Nothing in a study text can be clicked to an action or opened.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.text import Text
from textual.content import Content
from textual.widgets import Markdown

from ..visible import visible

# Markdown a study may use: paragraphs, headings, emphasis, strikethrough, inline code, lists,
# block quotes, code blocks, tables and rules. Everything that could point elsewhere or carry
# hidden characters is left out, so its source text is shown as typed.
MARKDOWN_LEFT_OUT = ["link", "image", "autolink", "linkify", "html_inline", "html_block", "entity", "reference"]


def literal(text: object) -> Content:
    """``text`` as content shown literally: no markup, no actions, no control sequences."""
    return Content(visible("" if text is None else text))


def literal_cell(text: object) -> Text:
    """``text`` for a ``DataTable`` cell, which measures Rich text (not ``Content``): shown literally too."""
    return Text(visible("" if text is None else text), end="")


def study_markdown_parser() -> MarkdownIt:
    """The parser of the Markdown subset a study's consent and rewards texts may use."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False})
    parser.enable(["table", "strikethrough"])
    parser.disable(MARKDOWN_LEFT_OUT)
    return parser


class StudyMarkdown(Markdown):
    """A study's Markdown text: the documented subset, control characters visible, no link ever opened."""

    def __init__(self, markdown: str, **options) -> None:
        # open_links=False: even a link the subset let through would never start a browser.
        super().__init__(visible(markdown or ""), parser_factory=study_markdown_parser, open_links=False, **options)
