"""Checkboxes and radio buttons whose long labels wrap onto more lines instead of being cut.

Textual's toggle buttons are one line high whatever their label; a French or German
option beside the pilot panel at 80 columns is longer than that line. These report the
height of their own content wrapped at the width they are given, so the label wraps
word by word under its button and nothing of it is lost.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class _WrapsLabel:
    """Mixed into a ToggleButton: its height is that of its rendered content, wrapped."""

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.render().wrap(max(1, width))))  # type: ignore[attr-defined]


class WrappingCheckbox(_WrapsLabel, Checkbox):
    """A checkbox whose label wraps."""


class WrappingRadioButton(_WrapsLabel, RadioButton):
    """A radio button whose label wraps."""
