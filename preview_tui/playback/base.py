"""The player interface the rest of the app talks to.

A player plays one clip at a time. It never blocks the caller for long and
reports what happens through a listener that it may call from any thread
(libVLC calls it from its own event thread). A listener must therefore do
nothing but hand the event over, e.g. ``widget.post_message(...)`` or
``loop.call_soon_threadsafe(...)``; it must never call back into the player.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Protocol

EventKind = Literal[
    "opening",  # the media is being opened
    "playing",  # playback started or resumed
    "paused",
    "buffering",
    "seeked",
    "time",  # the media clock moved (coarse: libVLC steps of 250-500 ms)
    "ended",  # reached the end of the clip
    "error",  # could not play (missing, corrupt, unsupported); no "ended" follows
    "stopped",  # stopped by request
]


@dataclass(frozen=True)
class PlayerEvent:
    kind: EventKind
    media_ms: int | None = None  # the player's own clock when the event fired
    length_ms: int | None = None
    mono: float = field(default_factory=time.monotonic)
    detail: str = ""


Listener = Callable[[PlayerEvent], None]


class PlayerUnavailable(Exception):
    """No working player on this station; the message says why and what to install."""


class Player(Protocol):
    name: str

    def play(self, path: Path, listener: Listener) -> None:
        """Start playing ``path``; returns at once. Events go to ``listener``."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None:
        """Stop playback. May block briefly: call it off the UI loop."""

    def position(self) -> tuple[int | None, int | None]:
        """(media time in ms, clip length in ms); None where unknown."""

    def close(self) -> None:
        """Release everything. May block: call it off the UI loop."""
