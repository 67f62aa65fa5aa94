"""Recordings on the station: sealed before they are kept, written durably, erased on withdrawal, safe from a kill."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preview_tui import seal
from preview_tui.db import recordings
from preview_tui.db.audit import verify
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.playback.capture import AvCapture, CaptureUnavailable, Sources, synthetic_sources
from preview_tui.survey.answers import NOT_AVAILABLE
from preview_tui.survey.study import load_study
from recording_helpers import media_facts, record_and_keep, recording_station, recording_study, station_file, take_for

HERE = Path(__file__).parent


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def started(study, store, code="R1") -> Flow:
    flow = await Flow.start(study, store, Participant(code=code), station="t")
    await flow.choose_language("en")
    await flow.consent(True)
    return flow


async def test_a_kept_recording_is_sealed_durably_and_only_the_private_key_opens_it(tmp_path):
    study, db, private = recording_station(tmp_path)
    async with Store(db) as store:
        flow = await started(study, store)
        take = take_for(flow, "face")
        take.start()
        assert take.capture.wait(timeout=60)
        await take.stop()
        plain = take.plain
        assert media_facts(plain)["streams"] == ["audio", "video"]  # played back before it is kept
        assert oct(plain.stat().st_mode & 0o777) == "0o600" and oct(plain.parent.stat().st_mode & 0o777) == "0o700"
        plain_bytes = plain.read_bytes()
        answer = await take.keep()
        assert not plain.exists() and not list(recordings.work_folder(db).iterdir())  # no plain copy stays
        assert await flow.submit_page({"face": answer}) == []
    kept = recordings.path_of(db, answer["file"])
    sealed = kept.read_bytes()
    assert sealed.startswith(seal.FILE_MAGIC)
    # The station cannot play it back: no run of the plain file is in the sealed one, not even its header.
    # (Opening it with FFmpeg is no proof either way: a probe can take random bytes for some raw format.)
    assert plain_bytes.startswith(b"\x1a\x45\xdf\xa3")  # Matroska's header, the first run checked below
    assert not any(plain_bytes[i:i + 32] in sealed for i in range(0, len(plain_bytes) - 32, 4096))
    assert oct(kept.parent.stat().st_mode & 0o777) == "0o700" and oct(kept.stat().st_mode & 0o777) == "0o600"
    (row,) = rows(db, "SELECT file_name, size, sha256, video, question_id FROM recordings")
    assert row[0] == answer["file"] and row[1] == len(sealed) and row[3] == 1 and row[4] == "face"
    import hashlib

    assert row[2] == hashlib.sha256(sealed).hexdigest()
    (stored,) = rows(db, "SELECT value FROM answers WHERE question_id = 'face'")
    assert seal.is_sealed(stored[0])  # which file, and how long, is sealed too
    opened = tmp_path / "opened.mkv"
    opened.write_bytes(seal.open_bytes(sealed, seal.parse_private_key(private)))
    assert opened.read_bytes() == plain_bytes
    facts = media_facts(opened)
    assert facts["streams"] == ["audio", "video"] and 0.7 <= facts["seconds"] <= 1.6 and facts["frames"] >= 10
    with pytest.raises(seal.SealError, match="another key"):
        seal.open_bytes(sealed, seal.parse_private_key(seal.generate()[1]))
    assert verify(db).ok


async def test_recording_again_throws_the_first_take_away(tmp_path):
    study, db, _ = recording_station(tmp_path)
    async with Store(db) as store:
        flow = await started(study, store)
        await flow.submit_page({"face": await record_and_keep(flow, "face")})
        take = take_for(flow, "voice")
        take.start()
        time.sleep(0.3)
        await take.stop()
        first = take.plain
        take.start()  # record again
        assert not first.exists()
        time.sleep(0.3)
        await take.stop()
        await flow.submit_page({"voice": await take.keep()})
    assert sorted(q for (q,) in rows(db, "SELECT question_id FROM recordings")) == ["face", "voice"]
    assert len(list(recordings.folder(db).glob("*.sealed"))) == 2


async def test_without_a_microphone_the_question_is_skipped_and_recorded_not_available(tmp_path):
    study, db, _ = recording_station(tmp_path)
    async with Store(db) as store:
        flow = await started(study, store)
        take = take_for(flow, "face", AvCapture(Sources(synthetic_sources().camera, None)))
        assert take.problem == "no microphone on this station"
        with pytest.raises(CaptureUnavailable):
            take.start()
        answer = take.not_available()
        assert answer == NOT_AVAILABLE
        assert await flow.submit_page({"face": answer}) == []
        assert flow.current.page.id == "p2"
        assert seal.is_sealed((await store.answers(flow.session_id))["face"])
    assert rows(db, "SELECT count(*) FROM recordings") == [(0,)]
    assert not list(recordings.folder(db).glob("*.sealed"))


async def test_a_withdrawal_erases_the_recordings_on_the_station(tmp_path):
    study, db, _ = recording_station(tmp_path)
    async with Store(db) as store:
        gone = await started(study, store, "W1")
        await gone.submit_page({"face": await record_and_keep(gone, "face")})
        stays = await started(study, store, "S1")
        kept = await record_and_keep(stays, "face")
        await stays.submit_page({"face": kept})
        await store.withdraw(gone.session_id)
    assert [f.name for f in recordings.folder(db).iterdir() if f.is_file()] == [kept["file"]]
    assert rows(db, "SELECT file_name FROM recordings") == [(kept["file"],)]
    assert verify(db).ok


DRIVER = """
import asyncio, sys, uuid
from pathlib import Path
sys.path.insert(0, {tests!r})
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from recording_helpers import record_and_keep, take_for

async def main():
    study = load_study(Path({study!r}))
    async with Store(Path({db!r})) as store:
        flow = await Flow.start(study, store, Participant(code="K1"), station="t")
        await flow.choose_language("en")
        await flow.consent(True)
        answer = await record_and_keep(flow, "face")
        await flow.submit_page({{"face": answer}})
        print("KEPT", answer["file"], flush=True)
        take = take_for(flow, "voice")
        take.start()
        while take.capture.elapsed() < 1.0:  # well into the recording
            await asyncio.sleep(0.05)
        print("RECORDING", take.plain, flush=True)
        await asyncio.sleep(600)

asyncio.run(main())
"""


async def test_a_kill_while_recording_loses_nothing_already_kept(tmp_path):
    public, private = seal.generate()
    root = recording_study(tmp_path / "s", public)
    db = station_file(tmp_path)
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(tests=str(HERE), study=str(root), db=str(db)))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        kept = proc.stdout.readline().split()
        recording = proc.stdout.readline().split()
        assert kept[:1] == ["KEPT"] and recording[:1] == ["RECORDING"], (kept, recording, proc.stderr.read() if proc.poll() is not None else "")
        plain = Path(recording[1])
        assert plain.exists()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert plain.exists()  # what the kill left, until the store is opened again
    study = load_study(root)
    async with Store(db) as store:
        assert not plain.exists()  # the partial recording is discarded at the next start
        (session,) = await store.list_sessions(study.id)
        answers = await store.answers(session.id)
    assert set(answers) == {"face"} and seal.is_sealed(answers["face"])
    assert seal.open_value(answers["face"], seal.parse_private_key(private))["file"] == kept[1]
    assert rows(db, "SELECT file_name FROM recordings") == [(kept[1],)]
    opened = tmp_path / "kept.mkv"
    opened.write_bytes(seal.open_bytes(recordings.path_of(db, kept[1]).read_bytes(), seal.parse_private_key(private)))
    assert media_facts(opened)["streams"] == ["audio", "video"]
    assert verify(db).ok
