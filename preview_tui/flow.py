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
from .survey.study import Study


@dataclass
class Participant:
    code: str
    seat: str = ""
    language: str | None = None
    is_test: bool = False


class Flow:
    def __init__(self, study: Study, store: Store, session_id: uuid.UUID, runner: Runner):
        self.study, self.store, self.session_id, self.runner = study, store, session_id, runner
        self.preset_language: str | None = None

    @classmethod
    async def start(cls, study: Study, store: Store, participant: Participant, *, station: str) -> "Flow":
        session_id = await store.create_session(study_id=study.id, station=station, code=participant.code, seat=participant.seat, is_test=participant.is_test)
        runner = Runner(study, code=participant.code, seat=participant.seat)
        flow = cls(study, store, session_id, runner)
        flow.preset_language = participant.language  # highlighted first; the participant still chooses
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
        """Store the current page's answers, then move on. Returns what is wrong, if anything."""
        problems = self.runner.check(values)
        if problems:
            return problems
        item = self.runner.current
        answers = self.runner.answers_for_page(values)
        cleared = [q.id for q in item.page.questions if q.id not in answers]
        await self.store.save_answers(self.session_id, item.survey_id, answers, clear=cleared)
        outcome = self.runner.screen_out_for(values)
        if outcome is not None:
            await self.store.finish(self.session_id, m.SCREENED_OUT, outcome.reason)
        self.runner.submit_page(values)
        await self._finish_if_done()
        return []

    async def back(self) -> None:
        self.runner.back()

    async def record(self, kind: str, *, media_ms: int | None = None, mono: float | None = None, detail: Any = None) -> None:
        """Record an event of the current stimulus (frame viewed, clip played, error...)."""
        item = self.runner.current
        step_id = getattr(getattr(item, "step", None), "id", None)
        await self.store.record_event(self.session_id, kind, step_id=step_id, media_ms=media_ms, mono=mono, detail=detail)

    async def record_dial(self, step_id: str, play: int, samples: list[Any]) -> None:
        """Store a batch of dial samples of a clip (``play`` counts its plays in this session)."""
        await self.store.save_dial_samples(self.session_id, step_id, play, samples)

    def note_exposure(self, step_id: str, percent: float | None, completed: bool) -> None:
        """Make what was seen of a clip available to the questionnaire's conditions
        as ``watched.<clip>`` (percent, the best of its plays) and ``completed.<clip>``."""
        exposure = self.runner.exposure
        best = exposure.get(f"watched.{step_id}")
        if percent is not None:
            exposure[f"watched.{step_id}"] = round(max(percent, best or 0.0), 1)
        exposure[f"completed.{step_id}"] = bool(completed or exposure.get(f"completed.{step_id}"))

    async def finish_stimulus(self, kind: str, detail: Any = None) -> None:
        """The current storyboard or clip is over; ``kind`` says how (shown, not_shown, skipped...)."""
        await self.record(kind, detail=detail)
        self.runner.finish_stimulus()
        await self._finish_if_done()

    async def _finish_if_done(self) -> None:
        end = self.runner.current
        if isinstance(end, EndItem) and end.outcome == "completed":
            await self.store.finish(self.session_id, m.COMPLETED)

