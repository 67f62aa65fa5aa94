"""A participant's flow: the runner's decisions, stored before they take effect.

Each method first asks the runner whether the step is acceptable, then
writes it to the store, and only then lets the runner move on. If the write
fails (full disk, locked file), the runner has not moved: the participant
stays on the same screen with everything they entered, and can try again.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from .db import audit
from .db import models as m
from .db.balance import Balance, local_balance
from .db.store import SavedProgress, Store
from .seal import SealError, Sealer, SealKeyError, is_sealed, parse_public_key
from .survey.runner import UNDER_AGE, EndItem, Item, PageItem, Problem, Runner, item_name
from .survey.expr import parse
from .quotas import full_quotas, quota_state
from .quality import PageClock, session_flags, usual_durations
from .db.timings import PAGE_TIME
from .survey.quality import wants_times
from .survey.order import least_used
from .survey.study import Study, other_key


@dataclass
class Participant:
    code: str
    seat: str = ""
    room: str = ""
    language: str | None = None
    is_test: bool = False


class SealingRefused(Exception):
    """A live session of a study whose sensitive answers cannot be sealed; the message is for the moderator."""


def session_sealer(study: Study, *, pilot: bool) -> Sealer | None:
    """What seals this session's sensitive answers: the study's key; in a pilot without a usable key, a
    throwaway key (nobody can open what it seals). None when the study seals nothing.

    Raises SealingRefused for a live session when the key is missing or cannot seal: fail closed.
    """
    if not study.sealing.sealed:
        return None
    problem = study.sealing.problem
    if problem is None:
        try:
            return Sealer(parse_public_key(study.settings.sealing.public_key))
        except SealKeyError as exc:
            problem = str(exc)
    if pilot:
        return Sealer.throwaway()
    raise SealingRefused(f"live sessions of study '{study.id}' are refused: {problem}. Sensitive answers must be sealed; a pilot session can run (test data, sealed with a throwaway key)")


def station_balance(central_url: str | None) -> Balance:
    """How a station counts the stimulus orders given: across stations when it has a central database
    (``sync/balance.py``, this station's alone while the centre does not answer), else on its own."""
    if not central_url:
        return local_balance
    from .sync.balance import CentralBalance  # light: the database driver is imported only when it counts

    return CentralBalance(central_url)


class Flow:
    def __init__(self, study: Study, store: Store, session_id: uuid.UUID, runner: Runner, *, pilot: bool = False, sealer: Sealer | None = None, balance: Balance = local_balance):
        self.study, self.store, self.session_id, self.runner = study, store, session_id, runner
        self.balance = balance  # counts the stimulus orders already shown, for the Latin square (this station's, or every station's)
        self.balance_source: str | None = None  # which count chose this session's stimulus order ("local", "central+local")
        self.pilot = pilot  # a researcher's test run: its data are marked as test and kept out of counts and exports
        self.preset_language: str | None = None
        self.recorded: set[str] = set()  # orders already stored
        self.sealer = sealer  # seals sensitive answers before they reach the store
        # A pilot without a usable key seals with a throwaway key: what it stores can never be opened.
        self.throwaway_key = sealer is not None and study.sealing.problem is not None
        runner.held = is_sealed  # sealed answers of a resumed session: kept as stored, never read
        self.reask: set[str] = set()  # sealed answers that showing logic needs, asked again after resuming
        self._saved: SavedProgress | None = None  # what a resumed session stored, replayed past a page asked again
        self.quota_note: str | None = None  # which quota count the session started with, for the moderator
        self.quota_others: list[dict[str, Any]] | None = []  # other stations' completed answers at the start; None: quotas closed
        self.pages = PageClock()  # the time spent on each page, for the speeding checks
        self.norms_note: str | None = None  # which count the speeding medians come from, for the moderator

    @classmethod
    async def start(cls, study: Study, store: Store, participant: Participant, *, station: str, balance: Balance = local_balance, central: str | None = None) -> "Flow":
        """A new session; with ``central`` (the central database's URL) its quotas are counted on every station."""
        sealer = session_sealer(study, pilot=participant.is_test)  # refused before anything is written
        quotas, (norms, norms_note) = await asyncio.gather(quota_state(study, store, central), usual_durations(study, store, central))  # each within its time
        full = quotas.full
        session_id = await store.create_session(
            study_id=study.id,
            station=station,
            code=participant.code,
            seat=participant.seat,
            room=participant.room,
            is_test=participant.is_test,
            invitation_required=study.settings.invitations,
        )
        seed = participant.code or str(session_id)  # a code makes the orders reproducible for that participant
        runner = Runner(study, code=participant.code, seat=participant.seat, seed=seed, full_quotas=full)
        flow = cls(study, store, session_id, runner, pilot=participant.is_test, sealer=sealer, balance=balance)
        flow.preset_language = participant.language  # highlighted first; the participant still chooses
        flow.quota_note, flow.quota_others = quotas.note, quotas.others
        runner.norms, flow.norms_note = norms, norms_note
        return flow

    @classmethod
    async def resume(cls, study: Study, store: Store, session_id: uuid.UUID, *, balance: Balance = local_balance, central: str | None = None) -> "Flow":
        """Take up an interrupted session where it stopped, with everything it stored.

        The runner replays what the store holds: the language, the consent, every
        page the participant left (with its stored answers), every stimulus that
        was finished and what was seen of each clip. It stops at the first page not yet left, with the answers
        already given on it, or at the first stimulus not finished, which is shown again.
        """
        saved = await store.saved_progress(session_id)
        row = saved.session
        if row.status not in (m.IN_PROGRESS, m.ABANDONED):
            raise ValueError(f"session {session_id} is {row.status}; only an interrupted session can be resumed")
        sealer = session_sealer(study, pilot=row.is_test)
        seed = row.participant_code or str(session_id)  # as Flow.start chose it: the same orders again
        quotas, (norms, norms_note) = await asyncio.gather(quota_state(study, store, central), usual_durations(study, store, central))
        runner = Runner(study, code=row.participant_code or "", seat=row.seat or "", seed=seed, full_quotas=quotas.full)
        if saved.stimulus_order is not None:  # the order it was shown keeps, whatever other sessions did since
            runner.assign_stimuli(saved.stimulus_order)
        flow = cls(study, store, session_id, runner, pilot=row.is_test, sealer=sealer, balance=balance)
        flow.quota_note, flow.quota_others = quotas.note, quotas.others
        runner.norms, flow.norms_note = norms, norms_note
        flow.recorded.update(saved.orders_recorded)
        for clip, percent, completed in saved.exposure:  # what was seen of each clip, for the conditions replayed below
            flow.note_exposure(clip, percent, completed)
        if row.language:
            runner.choose_language(row.language)
            if row.consent_hash:
                runner.consent(True)
        runner.warned.update(saved.warned)
        flow._saved = saved
        flow._replay()
        end = runner.current
        if isinstance(end, EndItem):  # stopped after its last step was stored, before it was marked ended
            await store.finish(session_id, m.SCREENED_OUT if end.outcome == "screened_out" else m.COMPLETED, end.reason)
        else:
            await store.reopen(session_id)
            await flow._order_stimuli()
        flow.pages.moved(resumed=True)
        return flow

    def _replay(self) -> None:
        """Go through what a resumed session stored, up to the first page not yet left or stimulus not finished.

        A page holding a sealed answer that later showing logic needs is asked again (its value was
        never stored in the clear); once it is answered, ``submit_page`` replays on from there.
        """
        saved, runner = self._saved, self.runner
        assert saved is not None
        while True:
            item = runner.current
            if isinstance(item, PageItem) and item.page.id in saved.pages_left:
                values = {key: saved.answers.get(key) for key in runner.page_keys(item.page)}
                gone = {key for key, value in values.items() if key in self.study.sealing.reask and is_sealed(value)}
                if gone:
                    self.reask |= gone
                    break
                problems = runner.check(values)
                if problems and all(p.soft for p in problems):
                    runner.warn(problems)  # left empty after the warning, the first time round
                    problems = runner.check(values)
                if problems:
                    self._saved = None
                    break  # the stored answers no longer pass (e.g. the study changed): ask again from here
                runner.submit_page(values)
            elif item.kind in ("storyboard", "clip") and item.step.id in saved.stimuli_done and not runner.stimulus_order_due():
                runner.finish_stimulus()
            else:
                self._saved = None  # nothing stored beyond here
                break
        runner.dropped = []
        if isinstance(runner.current, PageItem):  # the page to go on with shows what was already given on it (never a sealed value)
            runner.answers.update({key: saved.answers[key] for key in runner.page_keys(runner.current.page) if key in saved.answers and not is_sealed(saved.answers[key])})

    def _stale(self, saved: SavedProgress) -> list[str]:
        """Stored answers of pages the participant has now passed without answering them (a re-asked
        answer changed which pages are shown)."""
        passed = [key for item in self.runner.items[: self.runner.position] if isinstance(item, PageItem) for key in self.runner.page_keys(item.page)]
        return [key for key in passed if key in saved.answers and key not in self.runner.answers]

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
        await self._order_stimuli()

    async def consent(self, accepted: bool, *, rewards: bool = False) -> None:
        """Consent given or refused; ``rewards`` is the separate opt-in to the rewards programme, when it is offered."""
        offered = self.runner.current.kind == "consent" and self.runner.current.rewards
        await self.store.record_consent(
            self.session_id,
            version=self.study.settings.consent.version,
            text_hash=self.runner.consent_hash(),
            accepted=accepted,
            rewards_opt_in=bool(rewards) if accepted and offered else None,
        )
        self.runner.consent(accepted)
        await self._order_stimuli()
        self.pages.moved()

    async def under_age(self) -> None:
        await self.store.record_under_age(self.session_id, UNDER_AGE)
        self.runner.under_age()

    async def submit_page(self, values: dict[str, Any]) -> list[Problem]:
        """Store the current page's answers, then move on. Returns what is wrong, if anything.

        A soft-required question left empty is answered with a warning, which is recorded;
        submitting again then goes on.
        """
        await self._count_quotas()
        page_id = self.runner.current.page.id
        seconds, whole = self.pages.seconds(page_id)
        result = self.runner.submit(values, seconds if whole else None)
        if result.problems:
            soft = [p for p in result.problems if p.soft]
            if soft:
                await self.store.record_event(self.session_id, "soft_required_warned", step_id=self.runner.current.page.id, detail={"questions": [p.question_id for p in soft]})
                self.runner.warn(soft)
            return result.problems
        item = self.runner.current
        sensitive = {key: q.sensitive for q in item.page.questions if q.sensitive for key in (q.id, other_key(q.id))}
        stored = self._sealed(result.answers)  # before anything reaches the store; a failure stops here, with nothing written
        orders = self._orders()
        events: list[tuple[str, Any]] = list(orders)
        if wants_times(self.study.settings.quality):
            events.append((PAGE_TIME, {"page": page_id, "seconds": round(seconds, 3), "whole": whole}))
        end = None
        outcome = result.screen_out
        if outcome is not None:  # one transaction: what is kept, what the screen-out clears, and the end
            events.append(("screened_out", {"page": item.page.id, "reason": outcome.reason, "asked": list(result.asked), "pages": list(result.later_pages)}))
            end = (m.SCREENED_OUT, outcome.reason)
        await self.store.save_answers(self.session_id, item.survey_id, stored, clear=result.clear, sensitive=sensitive, sealed=[k for k in stored if k in self.study.sealing.sealed], events=events, page_id=item.page.id, end=end, flags=result.flags)
        self.pages.left(page_id)
        self.recorded.update(f"{d['what']}:{d['of']}" for _, d in orders)
        self.runner.accept(result)
        if self.runner.dropped:  # pages now skipped that had answers from before going back
            dropped, self.runner.dropped = self.runner.dropped, []
            await self.store.save_answers(self.session_id, item.survey_id, {}, clear=dropped)
        if self._saved is not None and outcome is None:  # a page asked again after resuming: go on through what was stored
            saved = self._saved
            self._replay()
            stale = self._stale(saved)
            if stale:
                await self.store.save_answers(self.session_id, item.survey_id, {}, clear=stale)
        await self._order_stimuli()
        await self._finish_if_done()
        return []

    async def _count_quotas(self) -> None:
        """Count the quotas again, now, before a page that decides a quota cell: the sessions that completed
        or took a place since this one started count too (a room's other seats, this station's)."""
        item = self.runner.current
        if self.quota_others is None or self.pilot or not isinstance(item, PageItem):
            return
        asked = set(self.runner.page_keys(item.page))
        if any(parse(when).names & asked for _, when, _ in self.study.quota_cells()):
            self.runner.full_quotas = frozenset(await full_quotas(self.study, self.store, self.quota_others, exclude=self.session_id))

    def _sealed(self, answers: dict[str, Any]) -> dict[str, Any]:
        """``answers`` with every value the study seals sealed (a value already sealed stays as it is)."""
        keys = self.study.sealing.sealed
        if not keys.intersection(answers):
            return answers
        if self.sealer is None:  # cannot happen through start/resume; never store a sealed key in the clear
            raise SealError("this session has no key to seal sensitive answers with")
        return {key: self.sealer.seal(value) if key in keys and not is_sealed(value) else value for key, value in answers.items()}

    def _orders(self) -> list[tuple[str, Any]]:
        """Events for the shuffled orders the current page showed, each stored once per session."""
        events = []
        for key, order in self.runner.page_orders(self.runner.current).items():
            if key not in self.recorded:
                what, _, of = key.partition(":")
                events.append(("order_shown", {"what": what, "of": of, "order": order}))
        return events

    async def jump(self, position: int) -> None:
        """Pilot mode only: show any step next (the audit log notes it)."""
        if not self.pilot:
            raise ValueError("only a pilot session can jump")
        item = self.runner.items[position]
        await self.store.record_navigation(self.session_id, audit.PILOT_JUMP, item_name(item) or item.kind)
        self.runner.jump(position)
        await self._order_stimuli()
        self.pages.moved()

    async def back(self) -> None:
        item = self.runner.current
        await self.store.record_navigation(self.session_id, audit.PAGE_BACK, item.page.id)
        self.runner.back()
        self.pages.left(item.page.id)

    async def record(self, kind: str, *, media_ms: int | None = None, mono: float | None = None, detail: Any = None, closes_step: bool = False) -> None:
        """Record an event of the current stimulus (frame viewed, clip played, error...)."""
        item = self.runner.current
        step_id = getattr(getattr(item, "step", None), "id", None)
        await self.store.record_event(self.session_id, kind, step_id=step_id, media_ms=media_ms, mono=mono, detail=detail, closes_step=closes_step)

    async def record_dial(self, step_id: str, play: int, samples: list[Any]) -> None:
        """Store a batch of dial samples of a clip (``play`` counts its plays in this session)."""
        await self.store.save_dial_samples(self.session_id, step_id, play, samples)

    async def plays_stored(self, step_id: str) -> int:
        """How many plays of a clip this session has stored dial samples of (a resumed clip's next play comes after them)."""
        return await self.store.last_play(self.session_id, step_id)

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
        await self.record(kind, detail=detail, closes_step=True)
        self.runner.finish_stimulus()
        self.pages.moved()
        await self._order_stimuli()
        await self._finish_if_done()

    async def _order_stimuli(self) -> None:
        """Choose the stimuli's order once the participant reaches them, store it, then show them in it.

        A Latin square's row is the one least used so far by the sessions that finished the stimuli or
        are on them (``db/balance.py``): this station's, or every station's when the balance asks the
        central database. Screen-outs, refusals, withdrawals and pilots never count.
        """
        runner = self.runner
        if not runner.stimulus_order_due():
            return
        rows = runner.stimuli.rows()
        detail: dict[str, Any] = {"what": "stimuli"}
        if rows:
            counted = await self.balance(self.store, self.study.id, tuple(sorted(rows[0])))
            row = least_used(rows, counted.counts)
            order = rows[row]
            detail.update(row=row, counted=counted.source)
            self.balance_source = counted.source
        else:
            order = runner.stimuli.order()
        detail["order"] = order
        await self.store.record_event(self.session_id, "order_shown", detail=detail)
        runner.assign_stimuli(order)

    async def _finish_if_done(self) -> None:
        end = self.runner.current
        if isinstance(end, EndItem) and end.outcome == "completed":
            flags = await session_flags(self.study, self.store, self.session_id, self.runner.norms)
            if not flags:
                await self.store.finish(self.session_id, m.COMPLETED)
                return
            reason = next((f.screen_out for f in flags if f.screen_out), None)  # the study screens out on its time
            await self.store.save_answers(self.session_id, "", {}, flags=flags, end=(m.SCREENED_OUT, reason) if reason else (m.COMPLETED, None))
            if reason:
                self.runner.outcome = EndItem("screened_out", reason)

