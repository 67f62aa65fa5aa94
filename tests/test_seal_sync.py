"""Sealed at the station, sent to the central PostgreSQL unchanged, opened there only with the team's private key."""

import json

import asyncpg
import pytest

from preview_tui import seal
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from preview_tui.sync.engine import sync
from test_seal_flow import FAITH, INCOME, NOTE, ORIENTATION, PLAIN, SECRETS, SPECIFY, answer, found, home, make_study, station_file  # noqa: F401 (home is a fixture)

pytestmark = pytest.mark.real


async def central_answers(url: str) -> dict[tuple[str, str], object]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return {(r[0].hex, r[1]): json.loads(r[2]) for r in await conn.fetch("select session_id, question_id, value::text from answers")}
    finally:
        await conn.close()


async def central_text(url: str) -> str:
    """Everything the central database holds in its synced tables, as text."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        parts = []
        for table in ("sessions", "answers", "events", "audit_log", "tombstones"):
            parts += [str(dict(r)) for r in await conn.fetch(f"select * from {table}")]
        return "\n".join(parts)
    finally:
        await conn.close()


async def test_sealed_at_the_station_synced_and_opened_with_the_private_key_equal_what_was_typed(tmp_path, home, central_url):
    public, private = seal.generate()
    study = load_study(make_study(tmp_path / "s", sealing={"public_key": public}))
    db = station_file()
    async with Store(db) as store:
        kept = await Flow.start(study, store, Participant(code="K1"), station="t")
        await answer(kept)
        await kept.submit_page({})
        gone = await Flow.start(study, store, Participant(code="G1"), station="t")
        await answer(gone)
        station = await store.answers(kept.session_id)
    report = await sync(db, central_url)
    assert report.total > 0 and not report.conflicts and not report.rejected
    central = await central_answers(central_url)
    mine = {qid: value for (sid, qid), value in central.items() if sid == kept.session_id.hex}
    assert mine == station  # the sealed objects arrive as they left
    assert {qid for qid, value in mine.items() if seal.is_sealed(value)} == {"faith", "faith.other", "income", "note", "orientation"}
    assert found(home, SECRETS) == {}  # nor in the station's files after the sync (its lock file, logs, WAL)
    everything = await central_text(central_url)
    assert PLAIN in everything and not [s for s in SECRETS if s in everything]
    # Exported without the key: the other variables, the sealed ones marked. With the key: what was typed.
    assert {qid: seal.shown(v) for qid, v in mine.items()} == {"faith": seal.MARK, "faith.other": seal.MARK, "g": PLAIN, "follow": "fine", "income": seal.MARK, "note": seal.MARK, "orientation": seal.MARK}
    key = seal.parse_private_key(private)
    assert {qid: seal.shown(v, key) for qid, v in mine.items()} == {"faith": FAITH, "faith.other": SPECIFY, "g": PLAIN, "follow": "fine", "income": INCOME, "note": NOTE, "orientation": ORIENTATION}
    # A withdrawal erases the sealed values centrally too.
    assert any(sid == gone.session_id.hex for sid, _ in central)
    async with Store(db) as store:
        await store.withdraw(gone.session_id)
    await sync(db, central_url)
    assert not [key for key in await central_answers(central_url) if key[0] == gone.session_id.hex]
