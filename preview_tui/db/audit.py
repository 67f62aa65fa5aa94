"""The station's audit log: append-only and hash-chained.

Every write of the store adds an entry in the same transaction: answers
saved or cleared, pages left, consent, language, session ends, withdrawals.
Each entry's hash covers its own fields and the hash of the entry before
it, so an entry changed, removed or inserted outside the app breaks the
chain from that point on; the head (the newest entry's number and hash,
written in the same transaction) shows entries cut off the end. An answer's entry holds ``sha256(salt + value)``
with the salt kept on the answer row: ``verify`` can prove that every
stored answer is the one the app wrote.

What an entry says (its kind, subject and digest) is not hashed into the
chain directly: the entry keeps a random salt of its own and ``payload``,
``sha256`` of that salt and what it says, and the chain covers ``payload``.
A withdrawal redacts the participant's entries in place (``REDACT_SQL``):
kind becomes ``redacted``, subject, digest and salt are erased, and
``payload`` stays. The chain still verifies, yet without the salt nothing
can be learnt from ``payload`` (not even by trying every page id), so what
is left of the participant is a tombstone: when, how many entries, and that
they withdrew. Entries written before this scheme (``payload`` empty) are
hashed as they were; redacted, their link to the next entry still holds but
their own time and session can no longer be checked.

``verify`` reads the file with the standard library's sqlite3 so that it
works on a copy of the file, without the app.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import pin

GENESIS = "0" * 64

# Entry kinds.
SESSION_STARTED = "session_started"
LANGUAGE = "language"
CONSENT = "consent"
REWARDS = "rewards"
ANSWER = "answer"
ANSWER_CLEARED = "answer_cleared"
PAGE_LEFT = "page_left"
PAGE_BACK = "page_back"
PILOT_JUMP = "pilot_jump"  # a researcher's pilot session jumped to a step
STEP_DONE = "step_done"  # a storyboard or clip finished (shown, not shown or skipped)
SESSION_ENDED = "session_ended"
WITHDRAWN = "withdrawn"
# The moderator PIN (``pin.py``): its subject says where it was asked (e.g. "F12"), never the PIN.
# PIN_UNLOCKED: the moderator lifted a lockout (`preview-tui pin --unlock`).
PIN_ACCEPTED, PIN_REFUSED, PIN_UNLOCKED = pin.ACCEPTED, pin.REFUSED, pin.UNLOCKED

REDACTED = "redacted"  # an entry of a withdrawn participant, emptied (see the module's docstring)

# What redacting an entry changes; the chain's fields (seq, at, session_id, payload, prev, hash) stay.
REDACTION = f"kind = '{REDACTED}', subject = NULL, digest = NULL, salt = NULL"
# Run in the withdrawal's transaction, with the session id as stored (``:sid``).
REDACT_SQL = f"UPDATE audit_log SET {REDACTION} WHERE session_id = :sid AND kind <> '{WITHDRAWN}'"


def new_salt() -> str:
    return secrets.token_hex(16)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _same_number(value: Any) -> Any:
    """12.0 as 12: SQLite keeps a whole float as an integer, so the digest must not tell them apart."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_same_number(v) for v in value]
    if isinstance(value, dict):
        return {k: _same_number(v) for k, v in value.items()}
    return value


def value_digest(salt: str, value: Any) -> str:
    # surrogatepass: a lone surrogate (a JSON value from elsewhere can hold one, and a participant
    # may submit it again) is digested, not an error; every other text gives the same UTF-8 bytes.
    return hashlib.sha256((salt + canonical_json(_same_number(value))).encode("utf-8", "surrogatepass")).hexdigest()


def stored_value(raw: Any) -> Any:
    """An answer's value as read from the file by sqlite3: JSON text, except that SQLite keeps numbers as numbers."""
    return raw if isinstance(raw, (int, float)) or raw is None else json.loads(raw)


def _time(at: datetime | str) -> str:
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sid(session_id: uuid.UUID | str | None) -> str | None:
    if session_id is None:
        return None
    return session_id.hex if isinstance(session_id, uuid.UUID) else uuid.UUID(str(session_id)).hex


def entry_hash(seq: int, at: datetime | str, session_id: uuid.UUID | str | None, kind: str, subject: str | None, digest: str | None, prev: str) -> str:
    """The hash of an entry written before payloads (``payload`` empty)."""
    fields = [seq, _time(at), _sid(session_id), kind, subject, digest, prev]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def payload_digest(salt: str, kind: str, subject: str | None, digest: str | None) -> str:
    """What an entry says, committed to with its own salt."""
    return hashlib.sha256(canonical_json([salt, kind, subject, digest]).encode("utf-8")).hexdigest()


def chain_hash(seq: int, at: datetime | str, session_id: uuid.UUID | str | None, payload: str, prev: str) -> str:
    """An entry's hash: its place, time, session and payload digest, and the previous hash."""
    fields = ["v2", seq, _time(at), _sid(session_id), payload, prev]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def new_entry(seq: int, at: datetime | str, link: "Link", prev: str) -> dict[str, Any]:
    """The row of the log for ``link`` at ``seq`` after ``prev``."""
    salt = new_salt()
    payload = payload_digest(salt, link.kind, link.subject, link.digest)
    link_hash = chain_hash(seq, at, link.session_id, payload, prev)
    return {"seq": seq, "at": at, "session_id": link.session_id, "kind": link.kind, "subject": link.subject, "digest": link.digest, "salt": salt, "payload": payload, "prev": prev, "hash": link_hash}


@dataclass(frozen=True)
class Link:
    """What an entry says; the store gives it a place in the chain."""

    kind: str
    session_id: uuid.UUID | None = None
    subject: str | None = None
    digest: str | None = None


# -- verification ------------------------------------------------------------


@dataclass
class Report:
    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(path: Path) -> Report:
    """Check the chain of the station database at ``path`` and that every stored answer matches it."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT seq, at, session_id, kind, subject, digest, salt, payload, prev, hash FROM audit_log ORDER BY seq").fetchall()
        answers = con.execute("SELECT session_id, question_id, value, salt FROM answers").fetchall()
        head = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    finally:
        con.close()
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    latest: dict[tuple[str, str], tuple[int, str, str | None]] = {}  # (session, question) -> (seq, kind, digest)
    withdrawn: set[str] = set()
    redacted: dict[str, int] = {}  # session -> first redacted entry
    for seq, at, sid, kind, subject, digest, salt, payload, link_prev, link_hash in rows:
        if seq != expected_seq:
            problems.append(f"entry {expected_seq}: missing (the next entry is {seq}); the log was cut")
        if link_prev != prev:
            problems.append(f"entry {seq}: does not follow entry {seq - 1} (its link to the previous hash is wrong)")
        if kind == REDACTED:
            redacted.setdefault(_sid(sid) or "", seq)
            intact = payload is None or chain_hash(seq, at, sid, payload, link_prev) == link_hash
        elif payload is None:
            intact = entry_hash(seq, at, sid, kind, subject, digest, link_prev) == link_hash
        else:
            intact = salt is not None and payload_digest(salt, kind, subject, digest) == payload and chain_hash(seq, at, sid, payload, link_prev) == link_hash
        if not intact:
            problems.append(f"entry {seq} ({kind}): changed after it was written (its hash does not match its content)")
        prev, expected_seq = link_hash, seq + 1
        if kind in (ANSWER, ANSWER_CLEARED) and sid and subject:
            latest[(_sid(sid), subject)] = (seq, kind, digest)
        elif kind == WITHDRAWN and sid:
            withdrawn.add(_sid(sid))
    if (head or (0, GENESIS)) != (expected_seq - 1, prev):
        seq, _ = head or (0, GENESIS)
        problems.append(f"the log ends at entry {expected_seq - 1} but was last written at entry {seq}: entries were removed from its end" if seq >= expected_seq else f"the log's head (entry {seq}) does not match its last entry {expected_seq - 1}")
    for sid, seq in redacted.items():
        if sid not in withdrawn:
            problems.append(f"entry {seq}: erased, but session {sid or '(none)'} was never withdrawn")
    stored = set()
    for sid, question_id, value, salt in answers:
        key = (_sid(sid), question_id)
        stored.add(key)
        entry = latest.get(key)
        where = f"answer '{question_id}' of session {key[0]}"
        if entry is None or entry[1] != ANSWER:
            problems.append(f"{where}: written outside the app (no audit entry)")
        elif salt is None or value_digest(salt, stored_value(value)) != entry[2]:
            problems.append(f"{where}: changed outside the app (does not match audit entry {entry[0]})")
    for key, (seq, kind, _) in latest.items():
        if kind == ANSWER and key not in stored and key[0] not in withdrawn:
            problems.append(f"answer '{key[1]}' of session {key[0]}: deleted outside the app (audit entry {seq} says it was saved)")
    return Report(len(rows), problems)
