"""A withdrawal leaves a tombstone, on the station and centrally: the raw bytes are read, not the app's view."""

import sqlite3
import uuid
from pathlib import Path

import pytest

from preview_tui.db import audit
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.sync.engine import sync

pytestmark = pytest.mark.real

LANGUAGE = "qx-ZQ"
# What the withdrawn participant's session says: its page ids, question ids, language and choices.
TRACES = [b"keen_viewers", b"trailer_intro", b"fav_genre_q", b"rating_q", LANGUAGE.encode(), b"declined", b"accepted"]


async def _participants(db: Path) -> uuid.UUID:
    """A participant who answers, leaves pages, goes back and watches a clip, beside one who stays."""
    upgrade(db)
    async with Store(db) as store:
        other = await store.create_session(study_id="s", station="st", code="stays")
        await store.save_answers(other, "post", {"other_q": 2}, page_id="other_page")
        sid = await store.create_session(study_id="s", station="st", code="leaves")
        await store.set_language(sid, LANGUAGE)
        await store.record_consent(sid, version="1", text_hash="h" * 64, accepted=True, rewards_opt_in=False)
        await store.save_answers(sid, "pre", {"fav_genre_q": 3}, page_id="trailer_intro")
        await store.record_event(sid, "clip_ended", step_id="trailer_clip", closes_step=True)
        await store.save_answers(sid, "post", {"rating_q": 5}, page_id="keen_viewers")
        await store.record_navigation(sid, audit.PAGE_BACK, "keen_viewers")
        await store.compact()  # everything in the main file, for the check below
    return sid


def _raw(db: Path) -> bytes:
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _found(data: bytes) -> list[bytes]:
    return [t for t in TRACES if t in data]


async def _central_text(dsn: str) -> str:
    """Every row of every central table, as text."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        tables = [r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        rows = []
        for t in tables:
            rows += [r[0] for r in await conn.fetch(f'SELECT CAST(t AS text) FROM "{t}" t')]
        return "\n".join(rows)
    finally:
        await conn.close()


async def test_a_withdrawn_participant_leaves_no_trace_in_the_station_file(tmp_path):
    db = tmp_path / "station.sqlite"
    sid = await _participants(db)
    assert _found(_raw(db)) == TRACES  # the check can see them
    async with Store(db) as store:
        await store.withdraw(sid)
    assert _found(_raw(db)) == []
    con = sqlite3.connect(db)
    kinds = [k for (k,) in con.execute("SELECT kind FROM audit_log WHERE session_id = ? ORDER BY seq", (sid.hex,))]
    con.close()
    assert set(kinds[:-1]) == {audit.REDACTED} and kinds[-1] == audit.WITHDRAWN and len(kinds) > 5
    report = audit.verify(db)
    assert report.ok, report.problems
    from preview_tui.cli import main

    assert main(["audit", "verify", "--database", str(db)]) == 0


async def test_a_redacted_entry_of_a_session_not_withdrawn_is_caught(tmp_path):
    db = tmp_path / "station.sqlite"
    await _participants(db)
    con = sqlite3.connect(db)
    con.execute(audit.REDACT_SQL, {"sid": con.execute("SELECT id FROM sessions WHERE participant_code = 'leaves'").fetchone()[0]})
    con.commit()
    con.close()
    problems = audit.verify(db).problems
    assert any("never withdrawn" in p for p in problems), problems


async def test_a_withdrawal_leaves_no_trace_centrally(tmp_path, central_url):
    db = tmp_path / "station.sqlite"
    sid = await _participants(db)
    await sync(db, central_url)  # the centre holds everything of them first
    dsn = central_url.replace("postgresql+asyncpg", "postgresql")
    assert [t for t in TRACES if t.decode() in await _central_text(dsn)] == TRACES
    async with Store(db) as store:
        await store.withdraw(sid)
    report = await sync(db, central_url)
    assert not report.conflicts and not report.rejected
    assert [t for t in TRACES if t.decode() in await _central_text(dsn)] == []
    assert _found(_raw(db)) == []
    assert audit.verify(db).ok
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        central = [tuple(r) for r in await conn.fetch("SELECT seq, hash, kind FROM audit_log WHERE session_id = $1 ORDER BY seq", sid)]
    finally:
        await conn.close()
    con = sqlite3.connect(db)
    local = [tuple(r) for r in con.execute("SELECT seq, hash, kind FROM audit_log WHERE session_id = ? ORDER BY seq", (sid.hex,))]
    con.close()
    assert central == local  # the same tombstone, hash for hash


async def test_a_file_from_before_payloads_redacts_its_old_entries_too(tmp_path):
    import shutil

    db = tmp_path / "old.sqlite"
    shutil.copy(Path(__file__).parent / "data" / "station-0001.sqlite", db)
    upgrade(db)  # its entries are hashed the former way (no payload)
    con = sqlite3.connect(db)
    (sid,) = con.execute("SELECT id FROM sessions WHERE participant_code = 'OLD-1'").fetchone()
    subjects = {s for (s,) in con.execute("SELECT subject FROM audit_log WHERE session_id = ? AND payload IS NULL", (sid,))}
    con.close()
    assert subjects
    async with Store(db) as store:
        await store.set_language(uuid.UUID(sid), "de")  # an entry of the new kind beside the old ones
        await store.withdraw(uuid.UUID(sid))
    con = sqlite3.connect(db)
    left = con.execute("SELECT kind, subject, digest, salt FROM audit_log WHERE session_id = ? AND kind <> 'withdrawn'", (sid,)).fetchall()
    con.close()
    assert left and set(left) == {(audit.REDACTED, None, None, None)}
    report = audit.verify(db)
    assert report.ok, report.problems
