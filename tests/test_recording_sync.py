"""Recordings end to end: recorded through the capture interface, sealed on the station, synced to the real
PostgreSQL in chunks, opened there with the private key as a real media file; withdrawal erases them everywhere."""

import csv
import hashlib

import asyncpg
import pytest

from preview_tui import seal
from preview_tui.db import recordings
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.export.records import Source
from preview_tui.export.run import export
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from preview_tui.sync import recordings as sync_recordings
from preview_tui.sync.engine import sync
from test_seal_sync import exported_row
from recording_helpers import media_facts, record_and_keep, record_for, recording_study


def plain_url(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def central(url: str, sql: str, *args):
    conn = await asyncpg.connect(plain_url(url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def assembled(url: str, file_name: str) -> bytes | None:
    conn = await asyncpg.connect(plain_url(url))
    try:
        return await sync_recordings.assemble(conn, file_name)
    finally:
        await conn.close()


async def participant(study, store, code: str) -> tuple[Flow, dict, dict]:
    flow = await Flow.start(study, store, Participant(code=code), station="t")
    await flow.choose_language("en")
    await flow.consent(True)
    face = await record_and_keep(flow, "face")
    assert await flow.submit_page({"face": face}) == []
    voice = await record_for(flow, "voice", 0.5)  # it records up to 30 s: stopped by the participant
    assert await flow.submit_page({"voice": voice}) == []
    return flow, face, voice


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 16 KiB, two a transaction: every file goes in many chunks and transactions."""
    monkeypatch.setattr(sync_recordings, "CHUNK", 16 * 1024)
    monkeypatch.setattr(sync_recordings, "CHUNKS_PER_TRANSACTION", 2)


async def test_recorded_sealed_synced_opened_centrally_and_erased_on_withdrawal(tmp_path, central_url, small_chunks):
    public, private = seal.generate()
    key = seal.parse_private_key(private)
    study = load_study(recording_study(tmp_path / "s", public))
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        kept, face, voice = await participant(study, store, "K1")
        gone, gone_face, gone_voice = await participant(study, store, "G1")
    station_bytes = {name: recordings.path_of(db, name).read_bytes() for name in (face["file"], voice["file"], gone_face["file"], gone_voice["file"])}
    assert all(len(b) > sync_recordings.CHUNK * 2 for b in (station_bytes[face["file"]], station_bytes[gone_face["file"]]))  # several transactions

    report = await sync(db, central_url)
    assert report.sent.get(sync_recordings.SENT_KEY) == 4 and not report.conflicts and not report.rejected
    rows = {r["file_name"]: r for r in await central(central_url, "SELECT file_name, size, seconds, video, session_id FROM recordings")}
    assert set(rows) == set(station_bytes)
    assert rows[face["file"]]["video"] is True and rows[voice["file"]]["video"] is False
    for name, data in station_bytes.items():
        assert await assembled(central_url, name) == data  # the sealed bytes, as the station wrote them
    # Opened with the team's private key, from the central copy: a real media file.
    opened = tmp_path / "face.mkv"
    opened.write_bytes(seal.open_bytes(await assembled(central_url, face["file"]), key))
    facts = media_facts(opened)
    assert facts["streams"] == ["audio", "video"] and 0.7 <= facts["seconds"] <= 1.6 and facts["frames"] >= 10
    (opened_voice := tmp_path / "voice.mka").write_bytes(seal.open_bytes(await assembled(central_url, voice["file"]), key))
    assert media_facts(opened_voice)["streams"] == ["audio"]
    # The answer naming the file arrives sealed, and opens to the same name.
    (answer,) = await central(central_url, "SELECT value FROM answers WHERE question_id = 'face' AND session_id = $1", kept.session_id)
    assert seal.open_value(answer["value"], key)["file"] == face["file"]

    # Idempotent: a sync after a sync sends no chunk again.
    chunks = await central(central_url, "SELECT recording_id, \"offset\", xmin::text AS x FROM recording_chunks ORDER BY 1, 2")
    again = await sync(db, central_url)
    assert sync_recordings.SENT_KEY not in again.sent
    assert await central(central_url, "SELECT recording_id, \"offset\", xmin::text AS x FROM recording_chunks ORDER BY 1, 2") == chunks

    # Resumable: a sync that stopped after some chunks goes on from there, leaving the chunks it had.
    rid = (await central(central_url, "SELECT id FROM recordings WHERE file_name = $1", face["file"]))[0]["id"]
    await central(central_url, "DELETE FROM recording_chunks WHERE recording_id = $1 AND \"offset\" >= $2", rid, 3 * sync_recordings.CHUNK)
    before = await central(central_url, "SELECT \"offset\", xmin::text AS x FROM recording_chunks WHERE recording_id = $1 ORDER BY 1", rid)
    resumed = await sync(db, central_url)
    assert resumed.sent.get(sync_recordings.SENT_KEY) == 1
    assert await assembled(central_url, face["file"]) == station_bytes[face["file"]]
    after = await central(central_url, "SELECT \"offset\", xmin::text AS x FROM recording_chunks WHERE recording_id = $1 ORDER BY 1", rid)
    assert after[: len(before)] == before and len(after) > len(before)

    # Exported from the central database: the recordings listed by file name; the answer is the file's name with the key.
    await export(study, Source(central_url), tmp_path / "open", formats=("csv",), private_key=key)
    listed = {r["file_name"]: r for r in csv.DictReader((tmp_path / "open" / f"{study.id}_recordings.csv").open(newline=""))}
    assert set(listed) == set(station_bytes)
    assert listed[face["file"]]["question_id"] == "face" and listed[face["file"]]["sha256"] == hashlib.sha256(station_bytes[face["file"]]).hexdigest()
    wide = exported_row(tmp_path / "open", study, "K1")
    assert (wide["face"], wide["voice"]) == (face["file"], voice["file"])
    await export(study, Source(central_url), tmp_path / "closed", formats=("csv",))
    assert exported_row(tmp_path / "closed", study, "K1")["face"] == "-97"  # sealed without the key
    assert {r["file_name"] for r in csv.DictReader((tmp_path / "closed" / f"{study.id}_recordings.csv").open(newline=""))} == set(station_bytes)

    # A withdrawal erases the recordings on the station and centrally; the other participant's stay.
    async with Store(db) as store:
        await store.withdraw(gone.session_id)
    assert not recordings.path_of(db, gone_face["file"]).exists() and not recordings.path_of(db, gone_voice["file"]).exists()
    assert recordings.path_of(db, face["file"]).exists()
    await sync(db, central_url)
    left = {r["file_name"] for r in await central(central_url, "SELECT file_name FROM recordings")}
    assert left == {face["file"], voice["file"]}
    assert await assembled(central_url, gone_face["file"]) is None
    orphans = await central(central_url, "SELECT count(*) AS n FROM recording_chunks c WHERE NOT EXISTS (SELECT 1 FROM recordings r WHERE r.id = c.recording_id)")
    assert orphans[0]["n"] == 0
    gone_chunks = await central(central_url, "SELECT count(*) AS n FROM recording_chunks c JOIN recordings r ON r.id = c.recording_id WHERE r.session_id = $1", gone.session_id)
    assert gone_chunks[0]["n"] == 0
    assert await assembled(central_url, face["file"]) == station_bytes[face["file"]]
    await export(study, Source(central_url), tmp_path / "after", formats=("csv",), private_key=key)
    assert {r["file_name"] for r in csv.DictReader((tmp_path / "after" / f"{study.id}_recordings.csv").open(newline=""))} == {face["file"], voice["file"]}
