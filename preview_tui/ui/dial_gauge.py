"""The dial as a participant sees it while a clip plays, and a clip's time as m:ss."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


def clock(ms: float | None) -> str:
    if ms is None or ms < 0:
        return "-:--"
    s = int(ms) // 1000
    return f"{s // 60}:{s % 60:02d}"


class DialGauge(Static):
    """The dial as a horizontal gauge with its value."""

    DEFAULT_CSS = """
    DialGauge { height: 1; width: 100%; margin: 1 0 0 0; }
    """
    value: reactive[int] = reactive(50)

    def __init__(self, value: int, low: str, high: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.low, self.high = low, high
        self.set_reactive(DialGauge.value, value)

    def render(self) -> Text:
        # As wide as the box allows (up to 30 cells), so that long labels never push the value off.
        spare = (self.content_region.width or 60) - cell_len(self.low) - cell_len(self.high) - 9
        cells = max(10, min(30, spare))
        filled = round(self.value * cells / 100)
        return Text(f"{self.low} ▕{'█' * filled}{'░' * (cells - filled)}▏ {self.high}  {self.value:3d}", overflow="fold")
