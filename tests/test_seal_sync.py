"""Sealed at the station, sent to the central PostgreSQL unchanged, opened there only with the team's private key."""

import csv
import json

import asyncpg
import pytest

from preview_tui import seal
from preview_tui.db.store import Store
from preview_tui.db.reader import Source
from preview_tui.export.run import export
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from preview_tui.sync.engine import sync
from test_seal_flow import FAITH, INCOME, NOTE, ORIENTATION, PLAIN, SECRETS, SPECIFY, answer, found, home, make_study, station_file  # noqa: F401 (home is a fixture)

pytestmark = pytest.mark.real


def exported_row(folder, study, code: str) -> dict[str, str]:
    with (folder / f"{study.id}.csv").open(newline="") as f:
        return next(row for row in csv.DictReader(f) if row["participant_code"] == code)


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
    # Exported from the central database without the key: the other variables, the sealed ones marked.
    # With the team's private key: what was typed.
    sealed_vars = ("faith", "faith_specify", "income", "note", "orientation")
    await export(study, Source(central_url), tmp_path / "closed", formats=("csv",))
    closed = exported_row(tmp_path / "closed", study, "K1")
    assert {k: closed[k] for k in sealed_vars} == dict.fromkeys(sealed_vars, "-97") and closed["follow"] == "fine"
    await export(study, Source(central_url), tmp_path / "open", formats=("csv",), private_key=seal.parse_private_key(private))
    opened = exported_row(tmp_path / "open", study, "K1")
    faith_code = str([o.code for o in study.question("faith").options].index(FAITH) + 1)
    orientation_code = str([o.code for o in study.question("orientation").options].index(ORIENTATION) + 1)
    assert {k: opened[k] for k in sealed_vars} == {"faith": faith_code, "faith_specify": SPECIFY, "income": repr(INCOME), "note": NOTE, "orientation": orientation_code}
    # A withdrawal erases the sealed values centrally too.
    assert any(sid == gone.session_id.hex for sid, _ in central)
    async with Store(db) as store:
        await store.withdraw(gone.session_id)
    await sync(db, central_url)
    assert not [key for key in await central_answers(central_url) if key[0] == gone.session_id.hex]
