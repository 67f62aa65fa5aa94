"""One row of a clip's exposure ledger: at which media time, at which moment, with what detail.

The media time is the interpolated media clock's at the event's moment (libVLC's
own coarse time goes in the detail as ``vlc_ms``); the end keeps the time the
player reported, which is the clip's length when it played to its end.
"""

from __future__ import annotations

import time
from typing import Any

from ..playback.base import PlayerEvent
from ..playback.dial import MediaClock


def ledger_row(kind: str, clock: MediaClock, event: PlayerEvent | None, *, at: float | None = None, play: int, length_ms: int | None, **detail: Any) -> tuple[int | None, float, dict[str, Any]]:
    """(media ms, monotonic moment, detail) of a ``clip_*`` event; at ``at``, or now, when no player event caused it."""
    mono = event.mono if event is not None else (time.monotonic() if at is None else at)
    media: int | None = None
    if clock.anchor_mono is not None:
        media = round(clock.media_at(mono))
    elif event is not None:
        media = event.media_ms
    if kind == "clip_end" and event is not None and event.media_ms:
        media = event.media_ms
    info: dict[str, Any] = {"play": play}
    if event is not None and event.media_ms is not None:
        info["vlc_ms"] = event.media_ms
    if event is not None and event.detail and kind != "clip_buffering":
        info["detail"] = event.detail
    if length_ms:
        info["length_ms"] = length_ms
    info.update(detail)
    return media, mono, info


def caused_by(event: PlayerEvent) -> str:
    """Who caused a pause or resume the participant did not ask for: the room's moderator, or the system."""
    return "moderator" if event.detail == "moderator" else "system"
