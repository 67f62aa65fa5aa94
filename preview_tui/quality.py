"""The data-quality checks' measures for a session: how long each page took, and the usual durations.

The checks themselves are the engine's (``survey/quality.py``); this module
gives them what needs a clock or a database:

- ``PageClock`` times the page in front of the participant, from the moment
  the flow moved to it until it is submitted, added over every visit (going
  back and returning adds on). A page taken up again by a resume is timed from
  the resume: not whole, so it is never flagged as speeding and never counted
  in a median.
- ``usual_durations`` counts the medians' inputs once, as the session starts:
  this station's completed sessions (a room's seats share its file) plus every
  other station's from the central database when it answers within
  ``CENTRAL_TIMEOUT`` (the quotas' ``ask_central``); otherwise this station's
  alone, and the note says so.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Callable

from .db.store import Store
from .db.timings import completed_durations
from .survey.quality import Flag, Norms, session_speeding, wants_medians, wants_times
from .survey.study import Study


class PageClock:
    """The seconds spent on each page of one session (``time.monotonic`` unless told otherwise)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.since = clock()
        self.spent: dict[str, float] = {}
        self.partial: set[str] = set()  # pages whose time began with a resume
        self._resumed = False

    def moved(self, *, resumed: bool = False) -> None:
        """The flow moved to another step (or took the session up again): timing starts afresh."""
        self.since, self._resumed = self.clock(), resumed

    def seconds(self, page_id: str) -> tuple[float, bool]:
        """(seconds on ``page_id`` so far, whether it was timed whole)."""
        if self._resumed:
            self.partial.add(page_id)
        return self.spent.get(page_id, 0.0) + self.clock() - self.since, page_id not in self.partial

    def left(self, page_id: str) -> None:
        """The participant leaves ``page_id`` (submitted or back): its time so far is kept for the next visit."""
        self.spent[page_id], _ = self.seconds(page_id)
        self.moved()


async def usual_durations(study: Study, store: Store, central: str | None) -> tuple[Norms, str | None]:
    """The completed sessions' durations for the median rule, and a note for the moderator (None: nothing to say)."""
    if not wants_medians(study.settings.quality):
        return Norms(), None
    sessions, pages = await asyncio.to_thread(completed_durations, store.path, study.id)
    if not central:
        return Norms(tuple(sessions), {p: tuple(v) for p, v in pages.items()}, "local"), None
    from .sync.durations import others_completed_durations
    from .sync.quotas import CentralUnreachable

    try:
        more_sessions, more_pages = await others_completed_durations(central, study.id, station_db=store.path)
    except CentralUnreachable as exc:
        return Norms(tuple(sessions), {p: tuple(v) for p, v in pages.items()}, "local"), f"Speeding medians: this station's sessions only: {exc}."
    for page, values in more_pages.items():
        pages.setdefault(page, []).extend(values)
    norms = Norms(tuple(sessions + more_sessions), {p: tuple(v) for p, v in pages.items()}, "central+local")
    return norms, f"Speeding medians: counted on every station ({len(norms.sessions)} completed sessions)."


async def session_flags(study: Study, store: Store, session_id, norms: Norms) -> list[Flag]:
    """The session's own speeding flag as it completes now (its time as the exports' duration will read)."""
    if not wants_times(study.settings.quality):
        return []
    row = await store.get_session(session_id)
    if row is None:
        return []
    found = session_speeding((datetime.now(UTC) - row.started_at).total_seconds(), study.settings.quality, norms)
    return [] if found is None else [found]
