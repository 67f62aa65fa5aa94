"""Scales that fit the width they are given: a rating or 0–10 row, and the rows of a matrix.

A scale is drawn in the first of these layouts that fits, so that every point and both
end labels are always on screen (a scale whose top cannot be seen biases every answer):

- ``row``: the low label, the points, the high label on one line;
- ``stacked``: the end labels on their own line, over the two ends of the points;
- ``list``: one point a line, the end labels beside the first and the last point.

A matrix shows its scale as a header of columns the points line up under (``grid``), or,
when the labels' words do not fit the columns, each row as its own list (``list``).

The layouts are plain functions of the width (``scale_lines``, ``matrix_columns``) so that
rendering, clicks and the tests share them. Study texts reach here as plain strings and are
drawn as ``rich.text.Text``: never parsed as markup.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..visible import visible
from .packing import pack

UNCHOSEN, CHOSEN = "○", "●"
GAP = 2  # cells between two points of a row


class Piece(NamedTuple):
    text: str
    item: int | None = None  # the point or special answer this piece selects; None for a label
    role: str = "point"  # point | label


Line = list[Piece]


def _width(line: Line) -> int:
    return sum(cell_len(p.text) for p in line)


def wrap_words(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` cells (a word longer than that stands alone)."""
    return pack(text.split(), width) or [""]


def _point(mark: str, label: str, index: int) -> Piece:
    return Piece(f"{mark} {label}", index)


def scale_mode(points: list[str], low: str, high: str, width: int) -> str:
    """The first layout of a scale (``row``, ``stacked``, ``list``) that fits ``width`` cells."""
    cells = sum(cell_len(p) + 2 for p in points) + GAP * (len(points) - 1)
    labels = [x for x in (low, high) if x]
    if cells + sum(cell_len(x) + GAP for x in labels) <= width:
        return "row"
    if cells <= width and all(cell_len(x) <= width for x in labels):
        return "stacked"
    return "list"


def scale_lines(points: list[str], low: str, high: str, specials: list[str], chosen: int | None, width: int) -> list[Line]:
    """The lines of a scale at ``width`` cells; items are numbered points first, then specials."""
    width = max(width, 1)
    marks = [CHOSEN if i == chosen else UNCHOSEN for i in range(len(points) + len(specials))]
    mode = scale_mode(points, low, high, width)
    pieces = [_point(marks[i], p, i) for i, p in enumerate(points)]
    lines: list[Line] = []
    if mode == "row":
        line: Line = []
        if low:
            line += [Piece(low, role="label"), Piece(" " * GAP, role="label")]
        for i, piece in enumerate(pieces):
            line += [piece] if i == 0 else [Piece(" " * GAP, role="label"), piece]
        if high:
            line += [Piece(" " * GAP, role="label"), Piece(high, role="label")]
        lines.append(line)
    elif mode == "stacked":
        natural = sum(cell_len(p.text) for p in pieces) + GAP * (len(pieces) - 1)
        # The points spread under the labels (never wider than the screen), so each end label sits over its end.
        target = min(width, max(natural, cell_len(low) + cell_len(high) + GAP * 2))
        spare = target - sum(cell_len(p.text) for p in pieces)
        gaps = len(pieces) - 1
        if low and high and cell_len(low) + cell_len(high) + GAP <= target:
            lines.append([Piece(low, role="label"), Piece(" " * (target - cell_len(low) - cell_len(high)), role="label"), Piece(high, role="label")])
        else:
            if low:
                lines.append([Piece(low, role="label")])
            if high:
                lines.append([Piece(" " * max(0, target - cell_len(high)), role="label"), Piece(high, role="label")])
        line = []
        for i, piece in enumerate(pieces):
            if i:
                size = spare // gaps + (1 if i <= spare % gaps else 0)
                line.append(Piece(" " * size, role="label"))
            line.append(piece)
        lines.append(line)
    else:
        for i, piece in enumerate(pieces):
            beside = low if i == 0 else high if i == len(pieces) - 1 else ""
            lines.append([piece, Piece(f"  {beside}", role="label")] if beside else [piece])
    if specials:
        start = len(points)
        line = []
        for j, label in enumerate(specials):
            piece = _point(marks[start + j], label, start + j)
            if line and _width(line) + GAP + cell_len(piece.text) > width:
                lines.append(line)
                line = []
            line += [Piece(" " * GAP, role="label"), piece] if line else [piece]
        lines.append(line)
    return lines


class Scale(Widget, can_focus=True):
    """Points of a scale with its end labels (and answers beside it, such as "Don't know").

    ← → (or ↑ ↓) move the cursor, Enter or Space chooses the point under it, a click chooses
    the point clicked. ``value`` is the chosen code, or None.
    """

    DEFAULT_CSS = """
    Scale { height: auto; width: 100%; padding: 0 1; }
    Scale:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("right,down,l,j", "cursor(1)", show=False),
        Binding("left,up,h,k", "cursor(-1)", show=False),
        Binding("home", "edge(-1)", show=False),
        Binding("end", "edge(1)", show=False),
        Binding("enter,space", "choose", show=False),
    ]
    cursor = reactive(0)
    chosen: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, scale: "Scale") -> None:
            super().__init__()
            self.scale = scale

        @property
        def control(self) -> "Scale":
            return self.scale

    def __init__(self, points: list[tuple[Any, str]], *, low: str = "", high: str = "", specials: list[tuple[Any, str]] = (), value: Any = None, classes: str | None = None, name: str | None = None):
        super().__init__(classes=classes, name=name)
        self.points = [visible(label) for _, label in points]
        self.specials = [visible(label) for _, label in specials]
        self.low, self.high = visible(low or ""), visible(high or "")
        self.codes = [code for code, _ in points] + [code for code, _ in specials]
        index = self.codes.index(value) if value is not None and value in self.codes else None
        self.set_reactive(Scale.chosen, index)
        self.set_reactive(Scale.cursor, index or 0)

    @property
    def value(self) -> Any:
        return None if self.chosen is None else self.codes[self.chosen]

    def lines(self, width: int) -> list[Line]:
        return scale_lines(self.points, self.low, self.high, self.specials, self.chosen, width)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines(width))

    def get_content_width(self, container, viewport) -> int:
        return container.width

    def render(self) -> Text:
        return draw(self.lines(self.content_region.width or self.size.width), self.cursor if self.has_focus else None, self.chosen)

    def action_cursor(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.codes) - 1, self.cursor + delta))

    def action_edge(self, side: int) -> None:
        self.cursor = len(self.codes) - 1 if side > 0 else 0

    def action_choose(self) -> None:
        self.chosen = self.cursor

    def watch_cursor(self) -> None:
        self.refresh()
        if self.has_focus:  # a scale laid out as a long list keeps its cursor on screen
            self.call_after_refresh(self.scroll_visible, animate=False)

    def watch_chosen(self) -> None:
        self.refresh(layout=True)
        self.post_message(self.Changed(self))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        item = hit(self.lines(self.content_region.width), event.x - self.gutter.left, event.y - self.gutter.top)
        if item is not None:
            self.cursor = item
            self.chosen = item


def draw(lines: list[Line], cursor: int | None, chosen: int | None) -> Text:
    out = Text(no_wrap=False, overflow="fold")
    for n, line in enumerate(lines):
        if n:
            out.append("\n")
        for piece in line:
            style = Style(bold=True) if piece.role == "title" else Style()
            if piece.item is not None and piece.item == chosen:
                style += Style(bold=True)
            if piece.item is not None and piece.item == cursor:
                style += Style(reverse=True)
            out.append(piece.text, style)
    return out


def hit(lines: list[Line], x: int, y: int) -> int | None:
    """The item at cell (x, y) of ``lines``, if any."""
    if not 0 <= y < len(lines):
        return None
    at = 0
    for piece in lines[y]:
        size = cell_len(piece.text)
        if at <= x < at + size:
            return piece.item
        at += size
    return None


# -- matrices -------------------------------------------------------------------


class Columns(NamedTuple):
    mode: str  # grid | list
    label: int = 0  # cells for the row labels
    column: int = 0  # cells for each point of the scale


def matrix_columns(rows: list[str], scale: list[str], width: int) -> Columns:
    """Columns for a matrix at ``width`` cells, or the list layout when the scale's words do not fit."""
    longest_word = max((cell_len(w) for s in scale for w in s.split()), default=1)
    column = longest_word + 2
    # The row labels take a third of the width at most, less when the columns need it; they wrap within it.
    label = min(max((cell_len(r) for r in rows), default=0), max(12, width // 3), width - 1 - column * len(scale))
    longest_row_word = max((cell_len(w) for r in rows for w in r.split()), default=1)
    if label < max(longest_row_word, 8):
        return Columns("list")
    column = min((width - label - 1) // len(scale), max(column, max(cell_len(s) for s in scale) + 2))
    header = max(len(wrap_words(s, column - 1)) for s in scale)
    return Columns("grid", label, column) if header <= 4 else Columns("list")


class MatrixHeader(Widget):
    """The scale's labels over the columns of a matrix in the grid layout; nothing in the list layout."""

    DEFAULT_CSS = "MatrixHeader { height: auto; width: 100%; padding: 0 1; text-style: bold; }"

    def __init__(self, rows: list[str], scale: list[str]):
        super().__init__()
        self.rows, self.scale = [visible(r) for r in rows], [visible(s) for s in scale]

    def columns(self, width: int) -> Columns:
        return matrix_columns(self.rows, self.scale, width)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))

    def _lines(self, width: int) -> list[str]:
        cols = self.columns(width)
        if cols.mode != "grid":
            return []
        wrapped = [wrap_words(s, cols.column - 1) for s in self.scale]
        height = max(len(w) for w in wrapped)
        out = []
        for n in range(height):
            cells = [(w[n] if n < len(w) else "").center(cols.column) for w in wrapped]
            out.append(" " * (cols.label + 1) + "".join(cells))
        return out

    def render(self) -> Text:
        return Text("\n".join(self._lines(self.content_region.width)), no_wrap=True)


class MatrixRow(Scale):
    """One row of a matrix: its label and the scale's points, in the matrix's columns or as a list."""

    DEFAULT_CSS = """
    MatrixRow { height: auto; width: 100%; padding: 0 1; }
    MatrixRow:focus { background: $boost; }
    """

    def __init__(self, label: str, rows: list[str], scale: list[tuple[Any, str]], *, value: Any = None, name: str | None = None):
        super().__init__(scale, value=value, classes="matrix-row", name=name)
        self.label = visible(label)
        self.all_rows = [visible(r) for r in rows]

    def lines(self, width: int) -> list[Line]:
        cols = matrix_columns(self.all_rows, self.points, width)
        marks = [CHOSEN if i == self.chosen else UNCHOSEN for i in range(len(self.points))]
        if cols.mode == "list":
            return [[Piece(self.label, role="title")]] + [[Piece("  ", role="label"), _point(marks[i], p, i)] for i, p in enumerate(self.points)]
        label_lines = wrap_words(self.label, cols.label)
        lines: list[Line] = []
        for n, text in enumerate(label_lines):
            line = [Piece(text + " " * (cols.label + 1 - cell_len(text)), role="title")]
            if n == 0:
                left = (cols.column - 3) // 2
                for i in range(len(self.points)):
                    line += [Piece(" " * left, role="label"), Piece(f" {marks[i]} ", i), Piece(" " * (cols.column - 3 - left), role="label")]
            lines.append(line)
        return lines
