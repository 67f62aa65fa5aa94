"""Inputs that Textual has no ready widget for: a slider that starts unset, and a ranking list."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..visible import visible


class Slider(Widget, can_focus=True):
    """A visual analogue scale. It has no value until the participant moves it: no preset handle.

    Its end labels stand on their own line over the bar's two ends (two lines when they do not
    fit side by side); the value, or the hint that none is set yet, follows the bar, or goes on
    a line of its own when the bar would be too short beside it.
    """

    DEFAULT_CSS = """
    Slider { height: auto; width: 100%; padding: 0 1; }
    Slider:focus { text-style: bold; background: $boost; }
    """
    BINDINGS = [
        Binding("right,l", "move(1)", show=False),
        Binding("left,h", "move(-1)", show=False),
        Binding("shift+right", "move(10)", show=False),
        Binding("shift+left", "move(-10)", show=False),
        Binding("home", "edge(-1)", show=False),
        Binding("end", "edge(1)", show=False),
    ]
    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, slider: "Slider") -> None:
            super().__init__()
            self.slider = slider

        @property
        def control(self) -> "Slider":
            return self.slider

    def __init__(self, low: int, high: int, step: int, value: int | None = None, *, unset: str = "", low_label: str = "", high_label: str = "", classes: str | None = None):
        super().__init__(classes=classes)
        self.low, self.high, self.step = low, high, step
        self.unset = visible(unset)
        self.low_label, self.high_label = visible(low_label or ""), visible(high_label or "")
        self.set_reactive(Slider.value, value)

    def action_move(self, steps: int) -> None:
        if self.value is None:  # the first move places the handle in the middle, then moves it
            middle = self.low + ((self.high - self.low) // (2 * self.step)) * self.step
            self.value = middle
            return
        self.value = max(self.low, min(self.high, self.value + steps * self.step))

    def action_edge(self, side: int) -> None:
        self.value = self.high if side > 0 else self.low

    def watch_value(self) -> None:
        self.refresh(layout=True)
        self.post_message(self.Changed(self))

    def lines(self, width: int) -> list[str]:
        width = max(width, 12)
        low, high = self.low_label, self.high_label
        out: list[str] = []
        if low and high and cell_len(low) + cell_len(high) + 2 <= width:
            out.append(low + " " * (width - cell_len(low) - cell_len(high)) + high)
        else:
            out += [x for x in (low,) if x]
            out += [" " * max(0, width - cell_len(high)) + high] if high else []
        suffix = self.unset if self.value is None else str(self.value)
        beside = width - cell_len(suffix) - 2
        bar_width = beside if beside >= 10 else width
        if self.value is None:
            bar = "├" + "─" * (bar_width - 2) + "┤"
        else:
            at = round((self.value - self.low) / (self.high - self.low) * (bar_width - 1))
            bar = "─" * at + "●" + "─" * (bar_width - 1 - at)
        out += [f"{bar}  {suffix}"] if beside >= 10 else [bar, suffix]
        return out

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return Text("\n".join(self.lines(self.content_region.width)), no_wrap=False, overflow="fold")


class RankList(Widget, can_focus=True):
    """Options to put in order: ↑/↓ choose an item, Shift+↑/Shift+↓ (or + / -) move it up / down, Enter keeps the order."""

    DEFAULT_CSS = """
    RankList { height: auto; width: 100%; }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("shift+up,plus,u", "move(-1)", show=False),  # up the list: a better rank
        Binding("shift+down,minus,d", "move(1)", show=False),
        Binding("enter,space", "keep", show=False),
    ]
    cursor = reactive(0)

    class Changed(Message):
        """The order was touched (moved or kept)."""

        def __init__(self, ranking: "RankList") -> None:
            super().__init__()
            self.ranking = ranking

        @property
        def control(self) -> "RankList":
            return self.ranking

    def __init__(self, items: list[tuple[Any, str]], *, ranked: bool = False, classes: str | None = None):
        super().__init__(classes=classes)
        self.items = list(items)
        self.ranked = ranked  # only a touched ranking is an answer

    def action_cursor(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))

    def action_move(self, delta: int) -> None:
        target = self.cursor + delta
        if 0 <= target < len(self.items):
            self.items[self.cursor], self.items[target] = self.items[target], self.items[self.cursor]
            self.cursor = target
        self.ranked = True
        self.refresh(layout=True)
        self.post_message(self.Changed(self))

    def action_keep(self) -> None:
        self.ranked = True
        self.refresh()
        self.post_message(self.Changed(self))

    def order(self) -> list[Any] | None:
        return [code for code, _ in self.items] if self.ranked else None

    def _lines(self, width: int) -> list[tuple[int, str]]:
        """(item, text) of each line: every label wrapped under its number, never cut."""
        out = []
        for i, (_, label) in enumerate(self.items):
            mark = "›" if i == self.cursor and self.has_focus else " "
            head = f"{mark} {i + 1}. " if self.ranked else f"{mark} -  "
            indent = " " * cell_len(head)
            words = visible(label).split() or [""]
            line = head
            for word in words:
                if line.strip() and line not in (head,) and cell_len(line) + 1 + cell_len(word) > max(width, 10):
                    out.append((i, line))
                    line = indent + word
                else:
                    line = f"{line}{word}" if line in (head, indent) else f"{line} {word}"
            out.append((i, line))
        return out

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))

    def watch_cursor(self) -> None:
        self.refresh(layout=True)

    def render(self) -> Text:
        out = Text()
        for n, (i, line) in enumerate(self._lines(self.content_region.width)):
            piece = Text(line)
            if i == self.cursor and self.has_focus:
                piece.stylize("reverse")
            if n:
                out.append("\n")
            out.append_text(piece)
        return out
