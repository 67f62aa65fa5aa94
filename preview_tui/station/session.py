"""The session a station runs, and the moderator's control of it, whatever front end shows it.

A station runs one participant's session at a time. Which study new sessions start in, the
running flow, whether the moderator paused it and when the participant last did anything are
kept here, with the rules a moderator relies on: a pilot lasts one session (``NextSession``), a
participant who stopped answering ends as abandoned (``idle_timeout``), a page that could not be
sealed stops the session rather than store anything in the clear, a withdrawal erases at once.
A front end asks its own questions (is the moderator sure, is the participant still there), draws
what it is given and calls in; it keeps no session state of its own.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Iterable

from ..db import models as m
from ..db.store import Store
from ..flow import Flow, Participant, station_balance
from ..survey.schema import StationSettings
from ..survey.study import Study
from .next_session import NextSession
from .sync_runner import Progress, SyncOutcome, run_sync

log = logging.getLogger(__name__)

Clock = Callable[[], float]  # seconds, only ever compared with itself (time.monotonic)

ENDED_BY_MODERATOR, IDLE_TIMEOUT, SEALING_FAILED = "ended_by_moderator", "idle_timeout", "sealing_failed"
NOT_IDLE = ("clip", "end")  # watching a clip is not idling; the end screen resets by itself


@dataclass(frozen=True)
class Notice:
    """Something the moderator should read, as plain text: it may echo a code or a server's reason,
    so a front end shows it literally. ``seconds`` is how long it deserves to stay up."""

    text: str
    seconds: float = 8.0
    error: bool = False


@dataclass(frozen=True)
class Withdrawal:
    notice: Notice
    ended: bool  # it was the running session, which is over now: nothing of it may stay on screen


def withdrawal_question(who: str) -> str:
    """What the moderator confirms before a withdrawal: it cannot be undone."""
    return f"Withdraw {who}? Every answer, event and sample of this session is erased from the station. This cannot be undone."


class Station:
    """One station's sessions: at most one running, started or resumed in the chosen study."""

    def __init__(self, *, settings: StationSettings, study: Study, store: Store, more_studies: Iterable[Study] = (), clock: Clock = time.monotonic):
        self.settings = settings
        self.store = store
        self.studies = {s.id: s for s in (study, *more_studies)}
        self.study = study  # the study new sessions are started in; the moderator can choose another
        self.next_session = NextSession()  # the moderator's choices for the next session only (pilot)
        self.flow: Flow | None = None
        self.paused = False
        self._clock = clock
        self.last_input = clock()

    def central_url(self) -> str | None:
        from ..sync.engine import central_url  # light: asyncpg is imported only when a sync runs

        return central_url(self.settings.central_database)

    def choose_study(self, study_id: str) -> Study:
        """The study the next sessions start in; one of :attr:`studies` (KeyError otherwise)."""
        self.study = self.studies[study_id]
        return self.study

    # -- starting --------------------------------------------------------------

    async def start(self, participant: Participant) -> list[Notice]:
        """Start ``participant``'s session with the moderator's choices for it; returns what to tell the moderator.

        Raises what ``Flow.start`` raises (a refused invitation, a study that cannot seal, a store
        failure); nothing has changed then, the pilot choice included.
        """
        central = self.central_url()
        flow = await self.next_session.start(self.study, self.store, participant, station=self.settings.name, balance=station_balance(central), central=central)
        self._running(flow)
        return [Notice(note) for note in (flow.quota_note, flow.norms_note) if note]

    async def resume(self, session_id: uuid.UUID) -> list[Notice]:
        """Take up an interrupted or abandoned session where it stopped; returns what to tell the moderator."""
        central = self.central_url()
        flow = await Flow.resume(self.study, self.store, session_id, balance=station_balance(central), central=central)
        self._running(flow)
        if not flow.reask:
            return []
        return [Notice(f"{len(flow.reask)} sealed answer(s) needed later in the questionnaire will be asked again: the station cannot read them back.", seconds=15)]

    async def resumable(self, code: str) -> list[m.Session]:
        """The current study's sessions of participant ``code`` that ``resume`` can take up (interrupted or
        abandoned), newest first: a front end that starts sessions by code offers them before a new one."""
        sessions = await self.store.list_sessions(self.study.id, 20, code=code)
        return [row for row in sessions if row.status in (m.IN_PROGRESS, m.ABANDONED)]

    def _running(self, flow: Flow) -> None:
        self.flow, self.paused = flow, False
        self.touch()

    # -- the moderator's control -------------------------------------------------

    def pause(self) -> bool:
        """Hold the running session (the front end covers the participant's screen); False when there was nothing to pause."""
        if self.flow is None or self.paused:
            return False
        self.paused = True
        return True

    def resume_paused(self) -> bool:
        """Let the participant go on; the pause was no idle time of theirs. False when it was not paused."""
        if not self.paused:
            return False
        self.paused = False
        self.touch()
        return True

    async def abandon(self, reason: str = ENDED_BY_MODERATOR) -> bool:
        """End the running session early: what was stored stays, the session is marked abandoned
        (it can be resumed). False when no session was running."""
        flow = self.flow
        if flow is None:
            return False
        await self.store.finish(flow.session_id, m.ABANDONED, reason)
        self.end()
        return True

    async def mark_abandoned(self, session_id: uuid.UUID) -> None:
        """An interrupted session that nobody will take up again (not the running one)."""
        await self.store.finish(session_id, m.ABANDONED, ENDED_BY_MODERATOR)

    async def sealing_failed(self, exc: Exception) -> Notice | None:
        """A sensitive answer could not be sealed, so nothing of the page was stored. The session stops,
        abandoned, so that it can be resumed once the key works. None when no session was running."""
        flow = self.flow
        if flow is None:
            return None
        log.error("session %s stopped: %s", flow.session_id, exc)
        await self.abandon(SEALING_FAILED)
        return Notice(f"Session stopped: a sensitive answer could not be sealed ({exc}). Nothing of the last page was saved; fix the study's key, then resume the session (F5).", seconds=60, error=True)

    async def withdraw(self, session_id: uuid.UUID) -> Withdrawal:
        """Erase a participant's session from the station, once the moderator confirmed; the running one ends with it."""
        await self.store.withdraw(session_id)
        ended = self.flow is not None and self.flow.session_id == session_id
        if ended:
            self.end()
        return Withdrawal(Notice("The participant's data were erased from this station."), ended)

    def end(self) -> None:
        """No session running any more (finished, abandoned, withdrawn). The pilot choice was already
        cleared when the session started, so the next one is live unless the moderator ticks it again."""
        self.flow = None
        self.paused = False

    # -- the participant's attention -----------------------------------------------

    def touch(self) -> None:
        """The participant (or the moderator) pressed a key or a mouse button."""
        self.last_input = self._clock()

    def idle_due(self, now: float | None = None) -> bool:
        """Whether to ask the participant if they are still there: a session runs, unpaused, on a step
        where waiting is not expected, and ``idle_timeout`` seconds passed without input (0: never)."""
        flow, timeout = self.flow, self.settings.idle_timeout
        if flow is None or self.paused or not timeout or flow.current.kind in NOT_IDLE:
            return False
        return (self._clock() if now is None else now) - self.last_input >= timeout

    async def idle_answered(self, still_there: bool | None) -> bool:
        """The participant answered the idle question (or let it run out: ``still_there`` false). Without
        an answer the session ends as abandoned; returns whether it did."""
        self.touch()
        if still_there or self.flow is None:
            return False
        return await self.abandon(IDLE_TIMEOUT)

    async def flags(self, session_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, str]]]:
        """The data-quality flags of these sessions, (kind, reason), for the moderator's list."""
        import asyncio

        from ..db.flags import session_flags

        return await asyncio.to_thread(session_flags, self.store.path, list(session_ids))

    # -- the central database ----------------------------------------------------

    def sync(self, progress: Progress | None = None) -> SyncOutcome:
        """One sync of this station's file, blocking: run it in a thread of its own."""
        return run_sync(self.store.path, self.central_url() or "", station_name=self.settings.name, progress=progress)
