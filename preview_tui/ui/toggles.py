"""Checkboxes and radio buttons whose long labels wrap onto more lines instead of being cut.

Textual's toggle buttons are one line high whatever their label; a French or German
option beside the pilot panel at 80 columns is longer than that line. These wrap the
label word by word at the width they are given, each further line indented under the
label's first word (a hanging indent, so the button stands alone on the left), and
report that many lines as their height. A label's own line breaks are kept.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


class _WrapsLabel:
    """Mixed into a ToggleButton: the label wraps under itself, and the height follows."""

    def _make_label(self, label) -> Content:
        # Textual keeps a toggle's first line only: an option written on two lines (or starting with a
        # line break) would lose the rest, or show nothing at all. Every line is kept and drawn.
        return Content.from_text(label).rstrip()

    def _lines(self, width: int) -> list[Content]:
        button = self._button  # type: ignore[attr-defined]
        indent = button.cell_length + 1
        label = self._label.stylize_before(self.get_visual_style("toggle--label"))  # type: ignore[attr-defined]
        lines = label.wrap(max(1, width - indent - 1)) or [Content("")]
        pad = Content(" " * indent)
        return [Content.assemble(button, " ", lines[0], " ")] + [Content.assemble(pad, line, " ") for line in lines[1:]]

    def render(self) -> Content:
        width = self.content_region.width or self.size.width  # type: ignore[attr-defined]
        return Content("\n").join(self._lines(width))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))


class WrappingCheckbox(_WrapsLabel, Checkbox):
    """A checkbox whose label wraps."""


class WrappingRadioButton(_WrapsLabel, RadioButton):
    """A radio button whose label wraps."""
