"""The station's store: every write is one short transaction.

The engine is created inside the event loop that uses it (``open()``), and
disposed with ``close()``. Callers never hold a transaction across screens.
Writes take turns (one lock per store) and each adds its entries to the
hash-chained audit log (``audit.py``) in the same transaction, so the log
and the data can never disagree.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import uuid
from datetime import datetime
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterable

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ..pin import KINDS as PIN_KINDS, LIMIT as PIN_LIMIT, PinState, pin_state
from ..seal import is_sealed
from . import audit, balance, direct
from . import models as m
from .engine import make_engine


class StoreError(Exception):
    """The station could not save; the message is meant for the moderator."""


# Every way a write to the station file can fail: what the UI catches to say why (``describe_failure``),
# so that it never needs to know the database library.
STORE_FAILURES: tuple[type[BaseException], ...] = (StoreError, SQLAlchemyError, OSError)


class InvitationRefused(StoreError):
    """An invitation code that is unknown, or already used; the message says which."""


def code_digest(study_id: str, code: str) -> str:
    """How an invitation code is kept: a digest, never the code itself."""
    return hashlib.sha256(f"{study_id}\n{code.strip()}".encode("utf-8")).hexdigest()


@dataclass
class SavedProgress:
    """What the store holds of one session: enough to take it up again."""

    session: m.Session
    answers: dict[str, Any]
    pages_left: set[str]
    stimuli_done: set[str]
    warned: set[str]  # soft-required questions the participant was already warned about
    orders_recorded: set[str]  # shuffled orders already stored ("what:of")
    stimulus_order: list[str] | None  # the order the stimuli were given, once the participant reached them
    exposure: list[tuple[str, float | None, bool]]  # (clip, percent watched, completed) of each play, in order


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._lock: asyncio.Lock | None = None
        self._direct: direct.DirectConnection | None = None
        self._sql: direct.Statements | None = None
        # The audit log's head as this store last committed it; saves a read per write.
        # Another process writing to the log (a CLI command) is caught by the head's
        # compare-and-set in _audit, which then reads it again.
        self._head: tuple[int, str] | None = None
        self._next_head: tuple[int, str] | None = None

    async def open(self) -> None:
        if self._engine is None:
            self._engine = make_engine(self.path)
            self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)
            self._lock = asyncio.Lock()
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

    def _session(self) -> AsyncSession:
        if self._sessions is None:
            raise RuntimeError("Store.open() was not awaited")
        return self._sessions()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """One write at a time; the audit head cache follows what was committed."""
        assert self._lock is not None, "Store.open() was not awaited"
        async with self._lock:
            self._next_head = None
            try:
                yield
            except BaseException:
                self._head = None  # rolled back: what the cache says may not be in the file
                raise
            if self._next_head is not None:
                self._head = self._next_head

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        """A write through SQLAlchemy's session; audit entries go in with the data they describe."""
        async with self._turn(), self._session() as s, s.begin():
            yield s

    async def _write_direct(self, work: Callable[[direct.Transaction], Any]) -> Any:
        """A frequent write (a page's answers, an event): ``work`` and the commit in one trip (see ``direct.py``)."""
        assert self._direct is not None, "Store.open() was not awaited"
        try:
            async with self._turn():
                return await self._direct.run(work)
        except sqlite3.Error as exc:
            raise StoreError(describe_failure(exc)) from exc

    def _chain(self, first: tuple[int, str], links: list[audit.Link]) -> tuple[list[dict[str, Any]], tuple[int, str]]:
        """The log entries for ``links`` after the entry ``first`` (seq, hash), and the new head."""
        seq, prev = first
        rows = []
        for link in links:
            seq = seq + 1
            rows.append(audit.new_entry(seq, m.now(), link, prev))
            prev = rows[-1]["hash"]
        return rows, (seq, prev)

    def _extend_log(self, links: Iterable[audit.Link], read_head: Callable[[], tuple[int, str]], append: Callable[[list[dict[str, Any]]], bool]) -> None:
        """Add the entries for ``links`` on top of the head, inside the write's transaction.

        The file moves the head as each entry goes in, and refuses an entry that
        is not the next one (migration 0007's trigger). Another process that
        extended the log since this store last wrote (a CLI command) makes
        ``append`` return False; the head is then read again.
        """
        links = list(links)
        if not links:
            return
        for _attempt in range(2):
            rows, head = self._chain(self._head or read_head(), links)
            if append(rows):
                self._next_head = head
                return
            self._head = None
        raise StoreError("the audit log changed during a write; try again")

    async def _audit(self, s: AsyncSession, links: Iterable[audit.Link]) -> None:
        """Audit entries of a write through the session (see ``_extend_log``)."""

        def read_head(sync: Any) -> tuple[int, str]:
            head = sync.execute(select(m.AuditHead.seq, m.AuditHead.hash).where(m.AuditHead.id == 1)).first()
            return (head[0], head[1]) if head is not None else (0, audit.GENESIS)

        def append(sync: Any, rows: list[dict[str, Any]]) -> bool:
            try:
                sync.execute(insert(m.AuditEntry.__table__), rows)  # Core: the ORM's bulk machinery is not needed here
            except IntegrityError as exc:
                if direct.head_moved(str(exc.orig)):
                    return False
                raise
            return True

        links = list(links)
        await s.run_sync(lambda sync: self._extend_log(links, lambda: read_head(sync), lambda rows: append(sync, rows)))

    # -- sessions -----------------------------------------------------------

    async def create_session(self, *, study_id: str, station: str, code: str | None, seat: str | None = None, room: str | None = None, is_test: bool = False, invitation_required: bool = False) -> uuid.UUID:
        """A new session; with ``invitation_required`` the code must be an unused invitation, which it then uses up."""
        row = m.Session(id=uuid.uuid4(), study_id=study_id, station=station, participant_code=code or None, seat=seat or None, room=room or None, is_test=is_test, status=m.IN_PROGRESS, started_at=m.now())
        async with self._write() as s:
            if invitation_required and not is_test:
                await self._use_invitation(s, study_id, code or "", row.id)
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
        await self.compact()

    async def compact(self) -> None:
        """Rewrite the file without free pages and empty the write-ahead log."""
        assert self._engine is not None and self._lock is not None
        async with self._lock, self._engine.connect() as conn:
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            await conn.exec_driver_sql("VACUUM")
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            await conn.commit()

    # -- invitations -----------------------------------------------------------

    async def import_invitations(self, study_id: str, codes: Iterable[str]) -> tuple[int, int]:
        """Add single-use codes for a study; returns (added, already there)."""
        wanted = {code_digest(study_id, c) for c in codes if c.strip()}
        async with self._write() as s:
            known = set((await s.scalars(select(m.Invitation.code_digest).where(m.Invitation.study_id == study_id, m.Invitation.code_digest.in_(wanted)))).all())
            new = [{"study_id": study_id, "code_digest": d, "imported_at": m.now()} for d in sorted(wanted - known)]
            if new:
                await s.execute(insert(m.Invitation), new)
        return len(new), len(known)

    async def invitation_counts(self, study_id: str) -> tuple[int, int]:
        """(codes imported, codes used) for a study."""
        async with self._session() as s:
            total = await s.scalar(select(func.count()).select_from(m.Invitation).where(m.Invitation.study_id == study_id))
            used = await s.scalar(select(func.count()).select_from(m.Invitation).where(m.Invitation.study_id == study_id, m.Invitation.used_at.is_not(None)))
        return int(total or 0), int(used or 0)

    async def _use_invitation(self, s: AsyncSession, study_id: str, code: str, session_id: uuid.UUID) -> None:
        invitation = await s.get(m.Invitation, (study_id, code_digest(study_id, code)))
        if invitation is None:
            raise InvitationRefused(f"the code '{code}' is not an invitation to this study")
        if invitation.used_at is not None:
            when = invitation.used_at.astimezone().strftime("%Y-%m-%d %H:%M")
            raise InvitationRefused(f"the code '{code}' was already used ({when})")
        invitation.used_at, invitation.session_id = m.now(), session_id

    # -- the moderator PIN (``pin.py``) ------------------------------------------

    async def record_pin(self, kind: str, where: str) -> None:
        """An attempt at the moderator PIN, or an unlock, as an audit entry: the outcome and where, never the PIN."""
        async with self._write() as s:
            await self._audit(s, [audit.Link(kind, None, where)])

    async def pin_state(self) -> PinState:
        """Wrong PINs in a row and the last one's time, from the newest PIN entries of the audit log."""
        query = select(m.AuditEntry.kind, m.AuditEntry.at).where(m.AuditEntry.kind.in_(PIN_KINDS)).order_by(m.AuditEntry.seq.desc()).limit(PIN_LIMIT)
        async with self._session() as s:
            return pin_state((kind, at) for kind, at in (await s.execute(query)).all())

    async def get_session(self, session_id: uuid.UUID) -> m.Session | None:
        async with self._session() as s:
            return await s.get(m.Session, session_id)

    async def saved_progress(self, session_id: uuid.UUID) -> SavedProgress:
        async with self._session() as s:
            row = await s.get(m.Session, session_id)
            if row is None:
                raise StoreError(f"session {session_id} is not in the station database")
            answers = dict((await s.execute(select(m.Answer.question_id, m.Answer.value).where(m.Answer.session_id == session_id))).all())
            pages = set((await s.scalars(select(m.AuditEntry.subject).where(m.AuditEntry.session_id == session_id, m.AuditEntry.kind == audit.PAGE_LEFT))).all())
            done = set((await s.scalars(select(m.AuditEntry.subject).where(m.AuditEntry.session_id == session_id, m.AuditEntry.kind == audit.STEP_DONE))).all())
            kinds = ("soft_required_warned", "order_shown", "clip_exposure")
            events = (await s.execute(select(m.Event.kind, m.Event.step_id, m.Event.detail).where(m.Event.session_id == session_id, m.Event.kind.in_(kinds)).order_by(m.Event.at))).all()
        warned, orders, stimuli, exposure = set(), set(), None, []
        for kind, step_id, detail in events:
            data = json.loads(detail or "{}")
            if kind == "soft_required_warned":
                warned.update(data.get("questions", []))
            elif kind == "clip_exposure":
                exposure.append((step_id, data.get("percent_watched"), bool(data.get("completed"))))
            elif data.get("what") == "stimuli":
                stimuli = data.get("order")
            else:
                orders.add(f"{data.get('what')}:{data.get('of')}")
        return SavedProgress(row, answers, pages, done, warned, orders, stimuli, exposure)

    async def list_sessions(self, study_id: str | None = None, limit: int = 200, *, code: str | None = None, room: str | None = None, status: str | None = None, tests: bool = True) -> list[m.Session]:
        """The newest sessions first, of a study, a participant's code, a room and a status when given (pilots unless ``tests=False``)."""
        query = select(m.Session).order_by(m.Session.started_at.desc()).limit(limit)
        for column, value in ((m.Session.study_id, study_id), (m.Session.participant_code, code), (m.Session.room, room), (m.Session.status, status)):
            if value:
                query = query.where(column == value)
        if not tests:
            query = query.where(m.Session.is_test.is_(False))
        async with self._session() as s:
            return list((await s.scalars(query)).all())

    async def list_withdrawn(self, study_id: str, limit: int = 200) -> list[m.Tombstone]:
        query = select(m.Tombstone).where(m.Tombstone.study_id == study_id).order_by(m.Tombstone.withdrawn_at.desc()).limit(limit)
        async with self._session() as s:
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
    ) -> None:
        """Store a page's answers (replacing earlier ones) in one transaction.

        ``clear`` names answers that no longer apply (questions left empty, or everything a screen-out
        removes): a stored answer among them is removed, and the audit log says it was cleared.
        ``sensitive`` gives the sensitive-data category of some answers; ``events`` are
        (kind, detail) rows written in the same transaction (e.g. the option order shown).
        ``page_id``, when given, records in the audit log that the participant left that page.
        ``end`` (status, reason) ends the session in the same transaction (a screen-out).

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

        def work(tx: direct.Transaction) -> None:
            tx.insert(sql.event, event_rows)
            gone = tx.run(sql.clear_answers(len(clear)), (sql.session_id(session_id), *clear)) if clear else []
            cleared = [audit.Link(audit.ANSWER_CLEARED, session_id, qid) for qid in sorted(row[0] for row in gone)]
            tx.insert(sql.answer, rows)
            if end is not None:
                if tx.run(sql.end_session, (end[0], end[1], sql.ended_at(at), sql.session_id(session_id))) != [(1,)]:
                    raise StoreError(f"session {session_id} is not in the station database")
            self._extend_log(cleared + saved, tx.read_head, tx.append_audit)

        await self._write_direct(work)

    async def stimulus_order_counts(self, study_id: str, stimuli: Iterable[str]) -> dict[tuple[str, ...], int]:
        """How often each order of ``stimuli`` was given to this station's counted sessions (``balance.py``)."""
        async with self._engine.connect() as conn:  # type: ignore[union-attr]
            return await balance.order_counts(conn, study_id, stimuli)

    async def station_id(self) -> uuid.UUID:
        """This station's id for the central database (made with the file)."""
        async with self._session() as s:
            return uuid.UUID(str(await s.scalar(select(m.SyncState.station_id).where(m.SyncState.id == 1))))

    async def completed_answers(self, study_id: str) -> list[dict[str, Any]]:
        """The answers of every completed, non-test session of a study on this station (for quotas)."""
        query = (
            select(m.Answer.session_id, m.Answer.question_id, m.Answer.value)
            .join(m.Session, m.Session.id == m.Answer.session_id)
            .where(m.Session.study_id == study_id, m.Session.status == m.COMPLETED, m.Session.is_test.is_(False))
        )
        sessions: dict[uuid.UUID, dict[str, Any]] = {}
        async with self._session() as s:
            for session_id, question_id, value in await s.execute(query):
                sessions.setdefault(session_id, {})[question_id] = value
        return list(sessions.values())

    async def reserved_answers(self, study_id: str, *, exclude: uuid.UUID | None, active_since: datetime) -> list[dict[str, Any]]:
        """The answers of the sessions in progress (not test, not ``exclude``) that answered something since
        ``active_since``: each holds its place in a quota cell its answers already fall in (``flow.full_quotas``)."""
        active = select(m.Answer.session_id).where(m.Answer.answered_at >= active_since).distinct()
        query = (
            select(m.Answer.session_id, m.Answer.question_id, m.Answer.value)
            .join(m.Session, m.Session.id == m.Answer.session_id)
            .where(m.Session.study_id == study_id, m.Session.status == m.IN_PROGRESS, m.Session.is_test.is_(False), m.Answer.session_id.in_(active))
        )
        if exclude is not None:
            query = query.where(m.Session.id != exclude)
        sessions: dict[uuid.UUID, dict[str, Any]] = {}
        async with self._session() as s:
            for session_id, question_id, value in await s.execute(query):
                sessions.setdefault(session_id, {})[question_id] = value
        return list(sessions.values())

    async def answers(self, session_id: uuid.UUID) -> dict[str, Any]:
        async with self._session() as s:
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
        async with self._session() as s:
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
        async with self._session() as s:
            found = await s.scalar(select(func.max(m.DialSample.play)).where(m.DialSample.session_id == session_id, m.DialSample.step_id == step_id))
            return int(found or 0)

    async def dial_samples(self, session_id: uuid.UUID, step_id: str | None = None) -> list[m.DialSample]:
        query = select(m.DialSample).where(m.DialSample.session_id == session_id).order_by(m.DialSample.step_id, m.DialSample.play, m.DialSample.seq)
        if step_id is not None:
            query = query.where(m.DialSample.step_id == step_id)
        async with self._session() as s:
            return list((await s.scalars(query)).all())


def describe_failure(exc: BaseException) -> str:
    """A moderator-readable reason for a failed write."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "disk is full" in text or "no space" in text:
        return "the station's disk is full: free some space, then try again"
    if "locked" in text or "busy" in text:
        return "the station database is locked by another program: close it, then try again"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the station database cannot be written (read-only or no permission)"
    if "no such table" in text or "malformed" in text or "not a database" in text:
        return "the station database is damaged or from another program"
    return f"the station database could not be written ({getattr(exc, 'orig', None) or exc})"
