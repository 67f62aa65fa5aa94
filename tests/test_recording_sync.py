"""Recordings end to end: recorded through the capture interface, sealed on the station, synced to the real
PostgreSQL in chunks, opened there with the private key as a real media file; withdrawal erases them everywhere."""

import csv
import hashlib

import asyncpg
import pytest

from preview_tui import seal
from preview_tui.db import recordings
from preview_tui.db.store import Store
from preview_tui.export.run import Source, export
from preview_tui.flow import Flow, Participant
from preview_tui.sync import recordings as sync_recordings
from preview_tui.sync.engine import sync
from test_seal_sync import exported_row
from recording_helpers import media_facts, record_and_keep, record_for, recording_station


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
    study, db, private = recording_station(tmp_path)
    key = seal.parse_private_key(private)
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


# A sync that sends one 4 KiB chunk a transaction with the module's own statement, slowly enough to be killed
# part-way through a file and saying each commit; the sync after it is the real one, unchanged.
SYNC_DRIVER = """
import asyncio, sys
from preview_tui.sync import recordings
from preview_tui.sync.engine import sync

recordings.CHUNK, recordings.CHUNKS_PER_TRANSACTION = 4096, 1
put = recordings._PUT
sent = 0


async def slow_send(central, rid, path, offset, size):
    global sent
    with open(path, "rb") as f:
        f.seek(offset)
        while offset < size:
            data = f.read(recordings.CHUNK)
            async with central.begin() as conn:
                await conn.execute(put, [{{"id": rid, "offset": offset, "data": data}}])
            offset += len(data)
            sent += 1
            print("COMMITTED", sent, flush=True)
            await asyncio.sleep(0.2)

recordings._send = slow_send
asyncio.run(sync({db!r}, {url!r}))
"""


async def test_a_sync_killed_while_sending_a_file_goes_on_from_the_chunks_the_centre_has(tmp_path, central_url):
    import signal
    import subprocess
    import sys

    study, db, private = recording_station(tmp_path)
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="K1"), station="t")
        await flow.choose_language("en")
        await flow.consent(True)
        face = await record_and_keep(flow, "face")
        await flow.submit_page({"face": face})
    data = recordings.path_of(db, face["file"]).read_bytes()
    assert len(data) > 10 * 4096
    script = tmp_path / "sync_driver.py"
    script.write_text(SYNC_DRIVER.format(db=str(db), url=central_url))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(3):
            line = proc.stdout.readline()
            assert line.startswith("COMMITTED"), (line, proc.stderr.read() if proc.poll() is not None else "")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    (row,) = await central(central_url, "SELECT count(*) AS n, COALESCE(max(\"offset\" + length(data)), 0) AS have FROM recording_chunks")
    assert 3 <= row["n"] and row["have"] < len(data)  # killed part-way through the file
    kept = await central(central_url, "SELECT \"offset\", xmin::text AS x FROM recording_chunks ORDER BY 1")

    report = await sync(db, central_url)
    assert report.sent.get(sync_recordings.SENT_KEY) == 1
    assert await assembled(central_url, face["file"]) == data
    now = await central(central_url, "SELECT \"offset\", xmin::text AS x FROM recording_chunks ORDER BY 1")
    assert [r for r in now if r["offset"] < row["have"]] == kept  # the chunks already there were not sent again
    opened = tmp_path / "face.mkv"
    opened.write_bytes(seal.open_bytes(await assembled(central_url, face["file"]), seal.parse_private_key(private)))
    assert media_facts(opened)["streams"] == ["audio", "video"]


async def test_a_file_missing_on_the_station_is_named_and_keeps_no_other_back(tmp_path, central_url):
    study, db, _ = recording_station(tmp_path)
    async with Store(db) as store:
        _, face, voice = await participant(study, store, "K1")
    face_path = recordings.path_of(db, face["file"])
    face_bytes = face_path.read_bytes()
    face_path.rename(tmp_path / "aside")  # the station's disk lost it

    report = await sync(db, central_url)
    assert report.sent["recordings"] == 2 and report.sent.get(sync_recordings.SENT_KEY) == 1  # both rows, the other file
    assert [(u.key, u.reason) for u in report.files_unsent] == [(face["file"], "the file is missing on the station")]
    assert report.problems and face["file"] in report.summary() and "missing" in report.summary()
    assert await assembled(central_url, voice["file"]) == recordings.path_of(db, voice["file"]).read_bytes()

    face_path.write_bytes(face_bytes[: len(face_bytes) // 2])  # back, but cut short
    short = await sync(db, central_url)
    assert [u.key for u in short.files_unsent] == [face["file"]] and "shorter" in short.files_unsent[0].reason

    face_path.write_bytes(face_bytes)  # back whole: the next sync completes it
    whole = await sync(db, central_url)
    assert whole.sent.get(sync_recordings.SENT_KEY) == 1 and not whole.problems
    assert await assembled(central_url, face["file"]) == face_bytes
