"""A participant's flow: the runner's decisions, stored before they take effect.

Each method first asks the runner whether the step is acceptable, then
writes it to the store, and only then lets the runner move on. If the write
fails (full disk, locked file), the runner has not moved: the participant
stays on the same screen with everything they entered, and can try again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from .db import models as m
from .db.store import Store
from .survey.runner import EndItem, Item, Problem, Runner
from .survey.expr import parse
from .survey.study import Study, other_key


@dataclass
class Participant:
    code: str
    seat: str = ""
    language: str | None = None
    is_test: bool = False


async def full_quotas(study: Study, store: Store) -> set[str]:
    """The quotas whose cells already hold their target of completed sessions on this station."""
    cells = study.quota_cells()
    if not cells:
        return set()
    counts = {cell: 0 for cell, _, _ in cells}
    for answers in await store.completed_answers(study.id):
        for cell, when, _ in cells:
            if parse(when).holds(answers):
                counts[cell] += 1
    return {cell for cell, _, quota in cells if counts[cell] >= quota.target}


class Flow:
    def __init__(self, study: Study, store: Store, session_id: uuid.UUID, runner: Runner):
        self.study, self.store, self.session_id, self.runner = study, store, session_id, runner
        self.preset_language: str | None = None
        self.recorded: set[str] = set()  # orders already stored

    @classmethod
    async def start(cls, study: Study, store: Store, participant: Participant, *, station: str) -> "Flow":
        earlier = await store.study_sessions(study.id)
        full = await full_quotas(study, store)
        session_id = await store.create_session(study_id=study.id, station=station, code=participant.code, seat=participant.seat, is_test=participant.is_test)
        seed = participant.code or str(session_id)  # a code makes the orders reproducible for that participant
        runner = Runner(study, code=participant.code, seat=participant.seat, seed=seed, session_index=earlier, full_quotas=full)
        flow = cls(study, store, session_id, runner)
        flow.preset_language = participant.language  # highlighted first; the participant still chooses
        if "stimuli" in runner.orders:
            await store.record_event(session_id, "order_shown", detail={"what": "stimuli", "order": runner.orders["stimuli"], "session_index": earlier})
        return flow

    @property
    def current(self) -> Item:
        return self.runner.current

    @property
    def language(self) -> str:
        return self.runner.language

    async def choose_language(self, language: str) -> None:
        if language not in self.study.settings.languages:
            raise ValueError(f"language {language!r} is not offered by this study")
        await self.store.set_language(self.session_id, language)
        self.runner.choose_language(language)

    async def consent(self, accepted: bool) -> None:
        await self.store.record_consent(self.session_id, version=self.study.settings.consent.version, text_hash=self.runner.consent_hash(), accepted=accepted)
        self.runner.consent(accepted)

    async def submit_page(self, values: dict[str, Any]) -> list[Problem]:
        """Store the current page's answers, then move on. Returns what is wrong, if anything.

        A soft-required question left empty is answered with a warning, which is recorded;
        submitting again then goes on.
        """
        problems = self.runner.check(values)
        if problems:
            soft = [p for p in problems if p.soft]
            if soft:
                await self.store.record_event(self.session_id, "soft_required_warned", step_id=self.runner.current.page.id, detail={"questions": [p.question_id for p in soft]})
                self.runner.warn(soft)
            return problems
        item = self.runner.current
        answers = self.runner.answers_for_page(values)
        cleared = [key for key in self.runner.page_keys(item.page) if key not in answers]
        sensitive = {key: q.sensitive for q in item.page.questions if q.sensitive for key in (q.id, other_key(q.id))}
        orders = self._orders()
        await self.store.save_answers(self.session_id, item.survey_id, answers, clear=cleared, sensitive=sensitive, events=orders)
        self.recorded.update(f"{d['what']}:{d['of']}" for _, d in orders)
        outcome = self.runner.screen_out_for(values)
        if outcome is not None:
            await self.store.finish(self.session_id, m.SCREENED_OUT, outcome.reason)
        self.runner.submit_page(values)
        if self.runner.dropped:  # pages now skipped that had answers from before going back
            dropped, self.runner.dropped = self.runner.dropped, []
            await self.store.save_answers(self.session_id, item.survey_id, {}, clear=dropped)
        await self._finish_if_done()
        return []

    def _orders(self) -> list[tuple[str, Any]]:
        """Events for the shuffled orders the current page showed, each stored once per session."""
        events = []
        for key, order in self.runner.page_orders(self.runner.current).items():
            if key not in self.recorded:
                what, _, of = key.partition(":")
                events.append(("order_shown", {"what": what, "of": of, "order": order}))
        return events

    async def back(self) -> None:
        self.runner.back()

    async def record(self, kind: str, *, media_ms: int | None = None, mono: float | None = None, detail: Any = None) -> None:
        """Record an event of the current stimulus (frame viewed, clip played, error...)."""
        item = self.runner.current
        step_id = getattr(getattr(item, "step", None), "id", None)
        await self.store.record_event(self.session_id, kind, step_id=step_id, media_ms=media_ms, mono=mono, detail=detail)

    async def finish_stimulus(self, kind: str, detail: Any = None) -> None:
        """The current storyboard or clip is over; ``kind`` says how (shown, not_shown, skipped...)."""
        await self.record(kind, detail=detail)
        self.runner.finish_stimulus()
        await self._finish_if_done()

    async def _finish_if_done(self) -> None:
        end = self.runner.current
        if isinstance(end, EndItem) and end.outcome == "completed":
            await self.store.finish(self.session_id, m.COMPLETED)

