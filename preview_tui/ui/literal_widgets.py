"""The widgets that show a study's or a participant's text literally (see ``literal``): a text area
that draws control characters as glyphs, and the Markdown subset of consent and rewards texts.

Kept apart from ``literal`` because they pull in Textual's text area and Markdown widgets, which
the moderator's first screen does not need.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.text import Text
from textual.widgets import Markdown, TextArea

from ..visible import visible
from .literal import ControlsShown

# Markdown a study may use: paragraphs, headings, emphasis, strikethrough, inline code, lists,
# block quotes, code blocks, tables and rules. Everything that could point elsewhere or carry
# hidden characters is left out, so its source text is shown as typed.
MARKDOWN_LEFT_OUT = ["link", "image", "autolink", "linkify", "html_inline", "html_block", "entity", "reference"]


class LiteralTextArea(TextArea):
    """A text area that draws a pasted or stored control character as one glyph, like ``CONTROLS_SHOWN``."""

    def get_line(self, line_index: int) -> Text:
        return Text(ControlsShown.shown(self.document.get_line(line_index)), end="", no_wrap=True)


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
