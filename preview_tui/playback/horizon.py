"""Up to which moment a clock's events are known.

A seat follows the room's clip by reading the room's clip log, so it hears of
a pause or a seek a little after it happened. The log's reader advances a
:class:`Horizon` each time it has read the log up to a moment; the dial's
sampler takes no sample past it, and is woken when it moves instead of looking
again and again.
"""

from __future__ import annotations

import threading
from typing import Callable


class Horizon:
    """A moment on the monotonic clock that only moves forward, with listeners woken when it does."""

    def __init__(self) -> None:
        self._value = float("-inf")
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def __call__(self) -> float:
        return self._value

    def advance(self, mono: float) -> None:
        """Every event up to ``mono`` is known (a moment before the current one changes nothing)."""
        with self._lock:
            if mono <= self._value:
                return
            self._value = mono
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def subscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)
