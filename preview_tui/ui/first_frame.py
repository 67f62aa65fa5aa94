"""Work that waits until a whole frame is on its way to the terminal.

Textual tells of no frame written: a refresh, a timer or ``call_after_refresh`` can all
come before the compositor hands a frame to the terminal, and on a busy machine a fixed
delay can end before it. Nor is every update a whole frame: a screen pushed during the start
is laid out inside its batch, which writes nothing, and what follows is only the regions
that changed (the console is therefore the app's first screen, whose layout is written at
once). So :meth:`FirstFrame.after_frame` waits until a whole frame (a ``LayoutUpdate``)
has been handed to the terminal. The console draws its head first and mounts the rest, and starts loading the
station, after that. With no terminal (a headless test), the work follows the next
refresh; should a frame never come, it follows after ``FALLBACK_S``.
"""

from __future__ import annotations

from typing import Any, Callable

try:
    from textual._compositor import LayoutUpdate as WholeFrame  # what the compositor hands over for a whole layout
except ImportError:  # another Textual: any update counts
    WholeFrame = object

FALLBACK_S = 0.5  # work waiting for a frame runs after this long at most


class FirstFrame:
    """A mixin for the App: ``after_frame(callback)`` runs ``callback`` once the current screen's next whole frame is handed to the terminal."""

    _waiting_for_frame: list[Callable[[], Any]] | None = None

    def after_frame(self, callback: Callable[[], Any]) -> None:
        if self.is_headless:
            self.call_after_refresh(callback)
            return
        if self._waiting_for_frame is None:
            self._waiting_for_frame = []
        self._waiting_for_frame.append(callback)
        self.set_timer(FALLBACK_S, self._frame_handed_over)

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        if self._waiting_for_frame and isinstance(renderable, WholeFrame) and not getattr(self, "_batch_count", 0):
            self.call_later(self._frame_handed_over)

    def _frame_handed_over(self) -> None:
        waiting, self._waiting_for_frame = self._waiting_for_frame or [], []
        for callback in waiting:
            self.call_later(callback)
