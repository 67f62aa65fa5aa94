"""The station's store: every write is one short transaction.

The engine is created inside the event loop that uses it (``open()``), and
disposed with ``close()``. Callers never hold a transaction across screens.
Writes take turns and each adds its entries to the hash-chained audit log in
the same transaction (``audit_chain.py``), so the log and the data can never
disagree. Whatever the database library raises comes out as a ``StoreError``
(``failures.py``) with a reason for the moderator.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterable

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ..pin import KINDS as PIN_KINDS, LIMIT as PIN_LIMIT, PinState, pin_state
from ..seal import is_sealed
from . import audit, direct, invitations, recordings
from . import models as m
from .audit_chain import AuditChain
from .engine import make_engine
from .failures import InvitationRefused, StoreError, StoreUnavailable, describe_failure
from .progress import SavedProgress, read_progress
from .stimulus_orders import order_counts

__all__ = ["InvitationRefused", "SavedProgress", "Store", "StoreError", "StoreUnavailable", "describe_failure"]

# What the database library and the file system raise when the station file cannot be used.
_LIBRARY_FAILURES = (SQLAlchemyError, sqlite3.Error, OSError)


@asynccontextmanager
async def _described() -> AsyncIterator[None]:
    """Whatever the database library raises inside comes out as StoreUnavailable, with the reason."""
    try:
        yield
    except _LIBRARY_FAILURES as exc:
        raise StoreUnavailable(describe_failure(exc)) from exc


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._chain: AuditChain | None = None
        self._direct: direct.DirectConnection | None = None
        self._sql: direct.Statements | None = None

    async def open(self) -> None:
        if self._engine is None:
            recordings.sweep(self.path)  # what a killed recording left: nothing kept is touched
            self._engine = make_engine(self.path)
            self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)
            self._chain = AuditChain()
            self._sql = direct.Statements(self._engine)
            self._direct = direct.DirectConnection(self._engine, self._sql)

    async def close(self) -> None:
        if self._engine is not None:
            if self._direct is not None:
                await self._direct.close()
            await self._engine.dispose()
            self._engine = self._sessions = None

    async def __aenter__(self) -> "Store":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        if self._sessions is None:
            raise RuntimeError("Store.open() was not awaited")
        async with _described(), self._sessions() as s:
            yield s

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        """A write through SQLAlchemy's session; audit entries go in with the data they describe (``_audit``)."""
        assert self._chain is not None, "Store.open() was not awaited"
        async with _described(), self._chain.turn(), self._sessions() as s, s.begin():
            yield s

    async def _write_direct(self, work: Callable[[direct.Transaction], Any]) -> Any:
        """A frequent write (a page's answers, an event): ``work`` and the commit in one trip (see ``direct.py``)."""
        assert self._direct is not None and self._chain is not None, "Store.open() was not awaited"
        async with _described(), self._chain.turn():
            return await self._direct.run(work)

    def _extend_log(self, links: Iterable[audit.Link], read_head: Callable[[], tuple[int, str]], append: Callable[[list[dict[str, Any]]], bool]) -> None:
        self._chain.extend(links, read_head, append)  # type: ignore[union-attr]

    async def _audit(self, s: AsyncSession, links: Iterable[audit.Link]) -> None:
        await self._chain.extend_in(s, links)  # type: ignore[union-attr]

    # -- sessions -----------------------------------------------------------

    async def create_session(self, *, study_id: str, station: str, code: str | None, seat: str | None = None, room: str | None = None, is_test: bool = False, invitation_required: bool = False) -> uuid.UUID:
        """A new session; with ``invitation_required`` the code must be an unused invitation, which it then uses up."""
        row = m.Session(id=uuid.uuid4(), study_id=study_id, station=station, participant_code=code or None, seat=seat or None, room=room or None, is_test=is_test, status=m.IN_PROGRESS, started_at=m.now())
        async with self._write() as s:
            if invitation_required and not is_test:
                await invitations.use_code(s, study_id, code or "", row.id)
            s.add(row)
            await self._audit(s, [audit.Link(audit.SESSION_STARTED, row.id)])
        return row.id

    async def set_language(self, session_id: uuid.UUID, language: str) -> None:
        await self._update(session_id, audit.Link(audit.LANGUAGE, session_id, language), language=language)

    async def record_consent(self, session_id: uuid.UUID, *, version: str, text_hash: str, accepted: bool, rewards_opt_in: bool | None = None) -> None:
        """Consent given (with the rewards choice, when offered) or refused; a refusal keeps nothing but itself."""
        if accepted:
            links = [audit.Link(audit.CONSENT, session_id, "accepted")]
            if rewards_opt_in is not None:
                links.append(audit.Link(audit.REWARDS, session_id, "opted_in" if rewards_opt_in else "declined"))
            await self._update(session_id, *links, consent_version=version, consent_hash=text_hash, consented_at=m.now(), rewards_opt_in=rewards_opt_in)
            return
        await self._end_before_consent(session_id, m.DECLINED, None, audit.Link(audit.CONSENT, session_id, "declined"))

    async def record_under_age(self, session_id: uuid.UUID, reason: str) -> None:
        """A participant below the minimum age: like a refusal, nothing of theirs is kept but the outcome."""
        await self._end_before_consent(session_id, m.SCREENED_OUT, reason, audit.Link(audit.SESSION_ENDED, session_id, m.SCREENED_OUT))

    async def _end_before_consent(self, session_id: uuid.UUID, status: str, reason: str | None, link: audit.Link) -> None:
        async with self._write() as s:
            await s.execute(delete(m.Answer).where(m.Answer.session_id == session_id))
            await s.execute(delete(m.Event).where(m.Event.session_id == session_id))
            await s.execute(delete(m.DialSample).where(m.DialSample.session_id == session_id))
            await s.execute(
                update(m.Session)
                .where(m.Session.id == session_id)
                .values(participant_code=None, seat=None, room=None, language=None, status=status, outcome_reason=reason, ended_at=m.now(), revision=m.Session.revision + 1)
            )
            await self._audit(s, [link])

    async def finish(self, session_id: uuid.UUID, status: str, reason: str | None = None) -> None:
        if status not in m.STATUSES:
            raise ValueError(f"unknown status {status!r}")
        await self._update(session_id, audit.Link(audit.SESSION_ENDED, session_id, status), status=status, outcome_reason=reason, ended_at=m.now())

    async def reopen(self, session_id: uuid.UUID) -> None:
        """An interrupted or abandoned session taken up again."""
        await self._update(session_id, audit.Link(audit.SESSION_STARTED, session_id, "resumed"), status=m.IN_PROGRESS, outcome_reason=None, ended_at=None)

    async def _update(self, session_id: uuid.UUID, *links: audit.Link, **values: Any) -> None:
        """Change a session's row (a new revision, for sync) and add ``links`` to the audit log, in one transaction."""
        async with self._write() as s:
            result = await s.execute(update(m.Session).where(m.Session.id == session_id).values(**values, revision=m.Session.revision + 1))
            if result.rowcount != 1:
                raise StoreError(f"session {session_id} is not in the station database")
            await self._audit(s, links)

    async def record_navigation(self, session_id: uuid.UUID, kind: str, page_id: str) -> None:
        """A page left without saving answers, e.g. backwards (``audit.PAGE_BACK``)."""
        links = [audit.Link(kind, session_id, page_id)]
        await self._write_direct(lambda tx: self._extend_log(links, tx.read_head, tx.append_audit))

    async def withdraw(self, session_id: uuid.UUID) -> None:
        """Erase everything of a participant's session; keep only a tombstone (ids) and the audit entry.

        Their audit entries are redacted in place (``audit.REDACT_SQL``): what is
        left says when they wrote and that they withdrew, nothing else, and the
        chain still verifies. The file is then checkpointed and vacuumed, so none
        of their bytes stay in free pages or in the write-ahead log.
        """
        async with self._write() as s:
            row = await s.get(m.Session, session_id)
            if row is None:
                raise StoreError(f"session {session_id} is not in the station database")
            study_id = row.study_id
            await s.execute(update(m.Invitation).where(m.Invitation.session_id == session_id).values(session_id=None))
            await s.execute(delete(m.Session).where(m.Session.id == session_id))  # answers and events go with it (ON DELETE CASCADE)
            s.add(m.Tombstone(session_id=session_id, study_id=study_id, withdrawn_at=m.now()))
            await self._audit(s, [audit.Link(audit.WITHDRAWN, session_id)])
            await s.execute(text(audit.REDACT_SQL), {"sid": self._sql.session_id(session_id)})
        recordings.erase_session(self.path, session_id)  # the rows went with the session
        await self.compact()

    async def compact(self) -> None:
        """Rewrite the file without free pages and empty the write-ahead log."""
        assert self._engine is not None and self._chain is not None
        async with _described(), self._chain.lock, self._engine.connect() as conn:
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            await conn.exec_driver_sql("VACUUM")
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            await conn.commit()

    async def save_recording(self, session_id: uuid.UUID, row: dict[str, Any]) -> None:
        """The row of a recording kept (its sealed file already on disk, ``recordings.keep``); queued for sync."""
        async with self._write() as s:
            s.add(m.Recording(session_id=session_id, **row))

    # -- invitations -----------------------------------------------------------

    async def import_invitations(self, study_id: str, codes: Iterable[str]) -> tuple[int, int]:
        """Add single-use codes for a study; returns (added, already there)."""
        async with self._write() as s:
            return await invitations.add_codes(s, study_id, codes)

    async def invitation_counts(self, study_id: str) -> tuple[int, int]:
        """(codes imported, codes used) for a study."""
        async with self._read() as s:
            return await invitations.code_counts(s, study_id)

    # -- the moderator PIN (``pin.py``) ------------------------------------------

    async def record_pin(self, kind: str, where: str) -> None:
        """An attempt at the moderator PIN, or an unlock, as an audit entry: the outcome and where, never the PIN."""
        async with self._write() as s:
            await self._audit(s, [audit.Link(kind, None, where)])

    async def pin_state(self) -> PinState:
        """Wrong PINs in a row and the last one's time, from the newest PIN entries of the audit log."""
        query = select(m.AuditEntry.kind, m.AuditEntry.at).where(m.AuditEntry.kind.in_(PIN_KINDS)).order_by(m.AuditEntry.seq.desc()).limit(PIN_LIMIT)
        async with self._read() as s:
            return pin_state((kind, at) for kind, at in (await s.execute(query)).all())

    async def get_session(self, session_id: uuid.UUID) -> m.Session | None:
        async with self._read() as s:
            return await s.get(m.Session, session_id)

    async def saved_progress(self, session_id: uuid.UUID) -> SavedProgress:
        async with self._read() as s:
            return await read_progress(s, session_id)

    async def list_sessions(self, study_id: str | None = None, limit: int = 200, *, code: str | None = None, room: str | None = None, status: str | None = None, tests: bool = True) -> list[m.Session]:
        """The newest sessions first, of a study, a participant's code, a room and a status when given (pilots unless ``tests=False``)."""
        query = select(m.Session).order_by(m.Session.started_at.desc()).limit(limit)
        for column, value in ((m.Session.study_id, study_id), (m.Session.participant_code, code), (m.Session.room, room), (m.Session.status, status)):
            if value:
                query = query.where(column == value)
        if not tests:
            query = query.where(m.Session.is_test.is_(False))
        async with self._read() as s:
            return list((await s.scalars(query)).all())

    async def list_withdrawn(self, study_id: str, limit: int = 200) -> list[m.Tombstone]:
        query = select(m.Tombstone).where(m.Tombstone.study_id == study_id).order_by(m.Tombstone.withdrawn_at.desc()).limit(limit)
        async with self._read() as s:
            return list((await s.scalars(query)).all())

    # -- answers and events -------------------------------------------------

    async def save_answers(
        self,
        session_id: uuid.UUID,
        survey_id: str,
        answers: dict[str, Any],
        *,
        clear: list[str] = (),
        sensitive: dict[str, str] | None = None,
        sealed: Iterable[str] = (),
        events: list[tuple[str, Any]] = (),
        page_id: str | None = None,
        end: tuple[str, str | None] | None = None,
        flags: Iterable[Any] = (),
    ) -> None:
        """Store a page's answers (replacing earlier ones) in one transaction.

        ``clear`` names answers that no longer apply (questions left empty, or everything a screen-out
        removes): a stored answer among them is removed, and the audit log says it was cleared.
        ``sensitive`` gives the sensitive-data category of some answers; ``events`` are
        (kind, detail) rows written in the same transaction (e.g. the option order shown).
        ``page_id``, when given, records in the audit log that the participant left that page.
        ``end`` (status, reason) ends the session in the same transaction (a screen-out). ``flags`` are the
        quality checks failed (``survey.quality.Flag``): they replace the flags of ``page_id``'s last submission.

        Every answer with a sensitive category, and every key in ``sealed``, must arrive sealed
        (``preview_tui.seal``): otherwise nothing is written and StoreError says so. The audit
        digest then covers the sealed value, never the plain one.
        """
        at = m.now()
        sensitive = sensitive or {}
        clear_text = sorted(k for k in set(sensitive) | set(sealed) if k in answers and not is_sealed(answers[k]))
        if clear_text:
            raise StoreError(f"refused to store the sensitive answer '{clear_text[0]}' unsealed; nothing was saved")
        sql = self._sql
        event_rows = [{"id": uuid.uuid4(), "session_id": session_id, "kind": kind, "step_id": survey_id, "at": at, "media_ms": None, "mono": None, "detail": json.dumps(detail, ensure_ascii=False)} for kind, detail in events]
        rows = [{"id": uuid.uuid4(), "session_id": session_id, "survey_id": survey_id, "question_id": qid, "value": value, "salt": audit.new_salt(), "sensitive": sensitive.get(qid), "answered_at": at} for qid, value in answers.items()]
        saved = [audit.Link(audit.ANSWER, session_id, r["question_id"], audit.value_digest(r["salt"], r["value"])) for r in rows]
        if page_id is not None:
            saved.append(audit.Link(audit.PAGE_LEFT, session_id, page_id))
        if end is not None:
            if end[0] not in m.STATUSES:
                raise ValueError(f"unknown status {end[0]!r}")
            saved.append(audit.Link(audit.SESSION_ENDED, session_id, end[0]))
        clear = sorted(set(clear))
        flag_rows = [{"id": uuid.uuid4(), "session_id": session_id, "page_id": page_id, "kind": f.kind, "subject": f.subject, "reason": f.reason, "screen_out": f.screen_out, "at": at} for f in flags]

        def work(tx: direct.Transaction) -> None:
            tx.insert(sql.event, event_rows)
            if page_id is not None:
                tx.run(sql.clear_flags, (sql.session_id(session_id), page_id))
            tx.insert(sql.flag, flag_rows)
            gone = tx.run(sql.clear_answers(len(clear)), (sql.session_id(session_id), *clear)) if clear else []
            cleared = [audit.Link(audit.ANSWER_CLEARED, session_id, qid) for qid in sorted(row[0] for row in gone)]
            tx.insert(sql.answer, rows)
            if end is not None:
                if tx.run(sql.end_session, (end[0], end[1], sql.ended_at(at), sql.session_id(session_id))) != [(1,)]:
                    raise StoreError(f"session {session_id} is not in the station database")
            self._extend_log(cleared + saved, tx.read_head, tx.append_audit)

        await self._write_direct(work)

    async def stimulus_order_counts(self, study_id: str, stimuli: Iterable[str]) -> dict[tuple[str, ...], int]:
        """How often each order of ``stimuli`` was given to this station's counted sessions (``stimulus_orders.py``)."""
        async with _described(), self._engine.connect() as conn:  # type: ignore[union-attr]
            return await order_counts(conn, study_id, stimuli)

    async def station_id(self) -> uuid.UUID:
        """This station's id for the central database (made with the file)."""
        async with self._read() as s:
            return uuid.UUID(str(await s.scalar(select(m.SyncState.station_id).where(m.SyncState.id == 1))))

    async def quota_sessions(self, study_id: str, *, counted: Iterable[str], held: Iterable[str], active_since: datetime, exclude: uuid.UUID | None = None) -> list[tuple[str, bool, dict[str, Any]]]:
        """(status, is_test, answers) of the study's sessions a quota may count (``survey/quota_rules.py`` decides):
        those with a ``counted`` status, and those with a ``held`` one that answered something since ``active_since``
        (each holds its place in a cell its answers already fall in); never ``exclude``, the session asking."""
        active = select(m.Answer.session_id).where(m.Answer.answered_at >= active_since).distinct()
        query = (
            select(m.Answer.session_id, m.Session.status, m.Session.is_test, m.Answer.question_id, m.Answer.value)
            .join(m.Session, m.Session.id == m.Answer.session_id)
            .where(m.Session.study_id == study_id, m.Session.status.in_(counted) | (m.Session.status.in_(held) & m.Answer.session_id.in_(active)))
        )
        if exclude is not None:
            query = query.where(m.Session.id != exclude)
        sessions: dict[uuid.UUID, tuple[str, bool, dict[str, Any]]] = {}
        async with self._read() as s:
            for session_id, status, is_test, question_id, value in await s.execute(query):
                sessions.setdefault(session_id, (status, bool(is_test), {}))[2][question_id] = value
        return list(sessions.values())

    async def answers(self, session_id: uuid.UUID) -> dict[str, Any]:
        async with self._read() as s:
            rows = await s.execute(select(m.Answer.question_id, m.Answer.value).where(m.Answer.session_id == session_id))
            return {qid: value for qid, value in rows}

    async def record_event(self, session_id: uuid.UUID, kind: str, *, step_id: str | None = None, media_ms: int | None = None, mono: float | None = None, detail: Any = None, closes_step: bool = False) -> None:
        """Record an event; ``closes_step`` says it ends its stimulus step (the audit log notes that)."""
        row = {"id": uuid.uuid4(), "session_id": session_id, "kind": kind, "step_id": step_id, "at": m.now(), "media_ms": media_ms, "mono": mono, "detail": None if detail is None else json.dumps(detail, ensure_ascii=False)}
        links = [audit.Link(audit.STEP_DONE, session_id, step_id, None)] if closes_step else []

        def work(tx: direct.Transaction) -> None:
            tx.insert(self._sql.event, [row])
            self._extend_log(links, tx.read_head, tx.append_audit)

        await self._write_direct(work)

    async def events(self, session_id: uuid.UUID) -> list[m.Event]:
        async with self._read() as s:
            return list((await s.scalars(select(m.Event).where(m.Event.session_id == session_id).order_by(m.Event.at))).all())

    async def save_dial_samples(self, session_id: uuid.UUID, step_id: str, play: int, samples: list[Any]) -> None:
        """Store a batch of dial samples (objects with seq, segment, media_ms, mono, value) in one
        executemany insert; a batch already stored (same play and seq) is not stored twice."""
        if not samples:
            return
        rows = [
            {"id": uuid.uuid4(), "session_id": session_id, "step_id": step_id, "play": play, "seq": x.seq, "segment": x.segment, "media_ms": x.media_ms, "mono": x.mono, "value": x.value}
            for x in samples
        ]
        async with self._write() as s:
            await s.execute(sqlite_insert(m.DialSample.__table__).on_conflict_do_nothing(index_elements=["session_id", "step_id", "play", "seq"]), rows)

    async def last_play(self, session_id: uuid.UUID, step_id: str) -> int:
        """The highest play number of a clip with stored dial samples in this session (0: none)."""
        async with self._read() as s:
            found = await s.scalar(select(func.max(m.DialSample.play)).where(m.DialSample.session_id == session_id, m.DialSample.step_id == step_id))
            return int(found or 0)

    async def dial_samples(self, session_id: uuid.UUID, step_id: str | None = None) -> list[m.DialSample]:
        query = select(m.DialSample).where(m.DialSample.session_id == session_id).order_by(m.DialSample.step_id, m.DialSample.play, m.DialSample.seq)
        if step_id is not None:
            query = query.where(m.DialSample.step_id == step_id)
        async with self._read() as s:
            return list((await s.scalars(query)).all())

