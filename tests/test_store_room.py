"""The store against real SQLite files: audit chain, withdrawal erasure, invitations, upgrades from the first release."""

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.config import Config
from sqlalchemy import create_engine

from conftest import rows
from preview_tui.db import models as m
from preview_tui.db.audit import verify
from preview_tui.db.migrate import HEAD, MIGRATIONS, upgrade
from preview_tui.db.store import InvitationRefused, Store

DATA = Path(__file__).parent / "data"


@pytest.fixture
async def store(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as st:
        yield st


async def a_session(st: Store, code: str, secret: str, **kw) -> uuid.UUID:
    sid = await st.create_session(study_id="s1", station="st", code=code, seat="B7", **kw)
    await st.set_language(sid, "de")
    await st.record_consent(sid, version="v1", text_hash="f" * 64, accepted=True)
    await st.save_answers(sid, "survey", {"age_band": 2, "genres": ["drama"]}, page_id="p1")
    await st.save_answers(sid, "survey", {"comments": secret}, page_id="p2")
    await st.record_event(sid, "frame_viewed", step_id="boards", detail={"frame": 0, "dwell_ms": 800})
    return sid


# -- upgrades -------------------------------------------------------------------


def test_head_is_the_newest_migration():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD]


def test_a_database_from_the_first_release_upgrades_and_keeps_its_data(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(DATA / "station-0001.sqlite", db)
    assert rows(db, "select version_num from alembic_version") == [("0001",)]
    before = rows(db, "select session_id, question_id, value from answers order by question_id")
    upgrade(db)
    assert rows(db, "select version_num from alembic_version") == [(HEAD,)]
    assert rows(db, "select session_id, question_id, value from answers order by question_id") == before
    assert rows(db, "select participant_code, status from sessions order by participant_code") == [("OLD-1", "completed"), ("OLD-2", "in_progress")]
    report = verify(db)
    assert report.ok, report.problems
    assert report.entries == len(before)  # the old answers are covered by the chain
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), m.Base.metadata) == []
    engine.dispose()


async def test_the_upgraded_file_takes_new_sessions(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(DATA / "station-0001.sqlite", db)
    upgrade(db)
    async with Store(db) as st:
        await a_session(st, "NEW-1", "hello")
    report = verify(db)
    assert report.ok, report.problems


# -- the audit chain ------------------------------------------------------------


async def test_the_chain_verifies_and_covers_answers_and_navigation(store):
    sid = await a_session(store, "P1", "fine")
    await store.record_navigation(sid, "page_back", "p2")
    await store.save_answers(sid, "survey", {"comments": "better"}, clear=["genres"], page_id="p2")
    await store.finish(sid, m.COMPLETED)
    report = verify(store.path)
    assert report.ok, report.problems
    kinds = [k for (k,) in rows(store.path, "select kind from audit_log order by seq")]
    assert kinds[:3] == ["session_started", "language", "consent"]
    assert kinds.count("answer") == 4 and kinds.count("page_left") == 3
    assert "page_back" in kinds and "answer_cleared" in kinds and kinds[-1] == "session_ended"
    seqs = [s for (s,) in rows(store.path, "select seq from audit_log order by seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def tamper(db: Path, sql: str, *args) -> None:
    con = sqlite3.connect(db)
    con.execute(sql, args)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "sql, complaint",
    [
        ("update answers set value = '3' where question_id = 'age_band'", "age_band' of session .*: changed outside the app"),
        ("delete from answers where question_id = 'comments'", "comments' of session .*: deleted outside the app"),
        ("insert into answers (id, session_id, survey_id, question_id, value, answered_at) select 'x', session_id, 'survey', 'extra', '1', answered_at from answers limit 1", "extra' of session .*: written outside the app"),
        ("update audit_log set subject = 'fr' where kind = 'language'", r"entry 2 \(language\): changed after it was written"),
        ("delete from audit_log where seq = 4", "entry 4: missing"),
        ("delete from audit_log where seq = (select max(seq) from audit_log)", "entries were removed from its end"),
        ("delete from audit_log where seq >= 7", "comments' of session .*: written outside the app"),
    ],
)
async def test_any_change_outside_the_app_is_found(store, sql, complaint):
    import re

    await a_session(store, "P1", "fine")
    assert verify(store.path).ok
    await store.close()
    tamper(store.path, sql)
    report = verify(store.path)
    assert any(re.search(complaint, p) for p in report.problems), report.problems


async def test_the_cli_says_where_the_chain_breaks(store):
    import subprocess
    import sys

    await a_session(store, "P1", "fine")
    await store.close()
    ok = subprocess.run([sys.executable, "-m", "preview_tui", "audit", "verify", "--database", str(store.path)], capture_output=True, text=True)
    assert ok.returncode == 0 and "holds" in ok.stdout, ok.stdout + ok.stderr
    tamper(store.path, "update audit_log set digest = null where seq = 5")
    bad = subprocess.run([sys.executable, "-m", "preview_tui", "audit", "verify", "--database", str(store.path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "entry 5" in bad.stdout and "Traceback" not in bad.stderr, bad.stdout + bad.stderr


# -- withdrawal -----------------------------------------------------------------


def file_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


async def test_withdrawal_leaves_no_byte_of_the_participant(store):
    keep = await a_session(store, "KEEP-1", "Kept answer about the lighthouse 5521")
    gone = await a_session(store, "GONE-9", "Withdrawn answer about the storm 7781")
    await store.withdraw(gone)
    await store.close()
    raw = file_bytes(store.path)
    assert b"lighthouse 5521" in raw and b"KEEP-1" in raw  # the search does find what is there
    for needle in (b"storm 7781", "storm 7781".encode("utf-16-le"), b"GONE-9"):
        assert needle not in raw
    assert rows(store.path, f"select count(*) from answers where session_id = '{gone.hex}'") == [(0,)]
    assert rows(store.path, f"select count(*) from events where session_id = '{gone.hex}'") == [(0,)]
    assert rows(store.path, "select session_id, study_id from tombstones") == [(gone.hex, "s1")]
    assert rows(store.path, f"select count(*) from sessions where id = '{keep.hex}'") == [(1,)]
    report = verify(store.path)
    assert report.ok, report.problems
    assert rows(store.path, "select kind from audit_log order by seq desc limit 1") == [("withdrawn",)]


# -- invitations ----------------------------------------------------------------


async def test_invitation_codes_are_single_use_and_kept_only_as_digests(store):
    assert await store.import_invitations("s1", ["INV-AAA", "INV-BBB", " ", "INV-AAA"]) == (2, 0)
    assert await store.import_invitations("s1", ["INV-BBB", "INV-CCC"]) == (1, 1)
    with pytest.raises(InvitationRefused, match="not an invitation"):
        await store.create_session(study_id="s1", station="st", code="INV-ZZZ", invitation_required=True)
    with pytest.raises(InvitationRefused, match="not an invitation"):
        await store.create_session(study_id="other", station="st", code="INV-AAA", invitation_required=True)
    sid = await store.create_session(study_id="s1", station="st", code="INV-AAA", invitation_required=True)
    with pytest.raises(InvitationRefused, match="already used"):
        await store.create_session(study_id="s1", station="st", code="INV-AAA", invitation_required=True)
    assert await store.invitation_counts("s1") == (3, 1)
    assert rows(store.path, "select count(*) from sessions") == [(1,)]  # the refused attempts left nothing
    await store.withdraw(sid)
    with pytest.raises(InvitationRefused, match="already used"):  # still used after the participant withdrew
        await store.create_session(study_id="s1", station="st", code="INV-AAA", invitation_required=True)
    await store.close()
    assert b"INV-BBB" not in file_bytes(store.path)


async def test_a_participants_session_in_progress_is_found_among_many(store):
    # A seat that joins again looks for its own session in progress by code and room, however many
    # sessions the study has (the newest 200 of them were once all it looked at).
    mine = await store.create_session(study_id="s1", station="st", code="AB12", room="Room 1")
    for i in range(205):
        await store.create_session(study_id="s1", station="st", code=f"X{i:03d}", room="Room 1")
    pilot = await store.create_session(study_id="s1", station="st", code="AB12", room="Room 1", is_test=True)
    elsewhere = await store.create_session(study_id="s1", station="st", code="AB12", room="Room 2")
    done = await store.create_session(study_id="s1", station="st", code="AB12", room="Room 1")
    await store.finish(done, m.COMPLETED)
    found = await store.list_sessions("s1", 1, code="AB12", room="Room 1", status=m.IN_PROGRESS, tests=False)
    assert [s.id for s in found] == [mine]
    with_pilots = await store.list_sessions("s1", 5, code="AB12", room="Room 1", status=m.IN_PROGRESS)
    assert {s.id for s in with_pilots} == {mine, pilot}
    assert {s.id for s in await store.list_sessions("s1", 10, code="AB12")} == {mine, pilot, elsewhere, done}
    assert len(await store.list_sessions("s1")) == 200
