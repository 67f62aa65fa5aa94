"""Inputs that Textual has no ready widget for: a slider that starts unset, and a ranking list."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Slider(Widget, can_focus=True):
    """A visual analogue scale. It has no value until the participant moves it: no preset handle."""

    DEFAULT_CSS = """
    Slider { height: 1; width: 100%; }
    Slider:focus { text-style: bold; }
    """
    BINDINGS = [
        Binding("right,l", "move(1)", show=False),
        Binding("left,h", "move(-1)", show=False),
        Binding("shift+right,pagedown", "move(10)", show=False),
        Binding("shift+left,pageup", "move(-10)", show=False),
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

    def __init__(self, low: int, high: int, step: int, value: int | None = None, *, unset: str = "", classes: str | None = None):
        super().__init__(classes=classes)
        self.low, self.high, self.step = low, high, step
        self.unset = unset
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
        self.post_message(self.Changed(self))

    def render(self) -> Text:
        width = max(10, self.size.width - 8)
        if self.value is None:
            return Text("├" + "─" * (width - 2) + "┤  " + self.unset)
        at = round((self.value - self.low) / (self.high - self.low) * (width - 1))
        bar = "─" * at + "●" + "─" * (width - 1 - at)
        return Text(f"{bar}  {self.value}")


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

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.items)

    def render(self) -> Text:
        out = Text()
        for i, (_, label) in enumerate(self.items):
            mark = "›" if i == self.cursor and self.has_focus else " "
            line = Text(f"{mark} {i + 1}. {label}" if self.ranked else f"{mark} -  {label}")
            if i == self.cursor and self.has_focus:
                line.stylize("reverse")
            out.append_text(line)
            if i < len(self.items) - 1:
                out.append("\n")
        return out
