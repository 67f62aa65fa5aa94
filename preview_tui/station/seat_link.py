"""A seat's link to its room: it reports itself and takes the moderator's commands.

A seat's process runs one thread for this. Twice a second it reads the
commands the moderator sent it and writes the seat's row (``db/room.py``: the
heartbeat the moderator's room view shows) from a snapshot the front end keeps
up to date, when that snapshot changed, and at least once a second. Commands
are handed to the front end, which carries each one out through the same
session service a station uses, then marks it done.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Callable

from ..db.room import BEAT_STALE_S, RoomDb

log = logging.getLogger(__name__)

BEAT_S = 0.5  # how often a seat reads its commands, and writes its row when it changed
SAME_BEAT_S = 1.0  # how often a seat's unchanged row is written again (the room view calls it disconnected after BEAT_STALE_S)
COMMANDS = ("start", "pause", "resume", "end", "withdraw")


def claim_seat(room: RoomDb, wanted: str | None) -> str:
    """The seat's name: the one asked for, or the first free ``S<n>`` (no live process reports it)."""
    return wanted or room.claim("S")


class SeatLink:
    def __init__(self, room: RoomDb, seat: str, *, snapshot: Callable[[], dict[str, Any]], on_command: Callable[[int, str], None], beat_s: float = BEAT_S):
        self.room, self.seat = room, seat
        self._snapshot, self._on_command, self.beat_s = snapshot, on_command, beat_s
        self._stop = threading.Event()
        self._handed: set[int] = set()
        self._last_fields: dict[str, Any] | None = None
        self._last_beat = float("-inf")
        self._thread = threading.Thread(target=self._run, name=f"seat-link-{seat}", daemon=True)

    def start(self) -> "SeatLink":
        self.beat()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def beat(self, *, unless_same: bool = False) -> None:
        """Write the seat's row; with ``unless_same``, only when it changed or ``SAME_BEAT_S`` have passed
        (a full room's seats would otherwise take the file's write lock twice a second each for nothing)."""
        fields = dict(self._snapshot())
        fields["pid"] = os.getpid()
        now = time.monotonic()
        if unless_same and fields == self._last_fields and now - self._last_beat < SAME_BEAT_S:
            return
        self.room.beat(self.seat, **fields)
        self._last_fields, self._last_beat = fields, now

    def done(self, command_id: int) -> None:
        self.room.done(command_id)

    def _run(self) -> None:
        while not self._stop.wait(self.beat_s):
            try:
                self.beat(unless_same=True)
                for command_id, command in self.room.pending(self.seat):
                    if command_id in self._handed:
                        continue
                    self._handed.add(command_id)
                    if command in COMMANDS:
                        self._on_command(command_id, command)
                    else:
                        self.room.done(command_id)  # not a seat's command: never carried out
            except Exception:  # noqa: BLE001 - a busy file: the next beat tries again
                log.warning("seat %s could not reach the room's file", self.seat, exc_info=True)


__all__ = ["BEAT_S", "BEAT_STALE_S", "COMMANDS", "SeatLink", "claim_seat"]
