"""The audit chain anchored in the central database: a chain rewritten with every hash recomputed is caught."""

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from preview_tui.cli import main
from preview_tui.db import audit
from preview_tui.sync.engine import sync
from sync_helpers import fill_station

pytestmark = pytest.mark.real


async def verify_central(db: Path, url: str) -> int:
    """``preview-tui audit verify --central`` (it runs its own event loop, so in a thread)."""
    return await asyncio.to_thread(main, ["audit", "verify", "--database", str(db), "--central", url])


def rewrite_an_answer(db: Path, value) -> None:
    """What someone with write access to the file can do: change an answer and recompute every hash after it."""
    con = sqlite3.connect(db)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")  # the head trigger, and the outbox's
    sid, qid, salt = con.execute("SELECT session_id, question_id, salt FROM answers WHERE question_id = 'rating' ORDER BY rowid LIMIT 1").fetchone()
    con.execute("UPDATE answers SET value = ? WHERE session_id = ? AND question_id = ?", (json.dumps(value), sid, qid))
    (first,) = con.execute("SELECT max(seq) FROM audit_log WHERE session_id = ? AND subject = ? AND kind = 'answer'", (sid, qid)).fetchone()
    con.execute("UPDATE audit_log SET digest = ? WHERE seq = ?", (audit.value_digest(salt, value), first))
    (prev,) = con.execute("SELECT prev FROM audit_log WHERE seq = ?", (first,)).fetchone()
    rows = con.execute("SELECT seq, at, session_id, kind, subject, digest, salt FROM audit_log WHERE seq >= ? ORDER BY seq", (first,)).fetchall()
    for seq, at, s, kind, subject, digest, entry_salt in rows:
        payload = audit.payload_digest(entry_salt, kind, subject, digest)
        prev_new = audit.chain_hash(seq, at, s, payload, prev)
        con.execute("UPDATE audit_log SET payload = ?, prev = ?, hash = ? WHERE seq = ?", (payload, prev, prev_new, seq))
        prev = prev_new
    con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (rows[-1][0], prev))
    con.commit()
    con.close()


async def test_a_rewritten_chain_is_caught_against_the_central_database(tmp_path, central_url, capsys):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    await fill_station(a, station="hall-a", sessions=2, seed=1)
    await fill_station(b, station="hall-b", sessions=2, seed=2)
    await sync(a, central_url, station_name="hall-a")
    await sync(b, central_url, station_name="hall-b")
    rewrite_an_answer(a, 99)
    assert audit.verify(a).ok  # the file alone cannot tell
    capsys.readouterr()
    assert await verify_central(a, central_url) == 1
    out = capsys.readouterr().out
    assert "station 'hall-a'" in out and "rewritten" in out, out
    assert await verify_central(b, central_url) == 0
    out = capsys.readouterr().out
    assert "hall-b" in out and "extends all 1 head(s)" in out, out
    # Syncing the rewritten chain does not launder it: the earlier head is still there.
    await sync(a, central_url, station_name="hall-a")
    assert await verify_central(a, central_url) == 1
    assert "rewritten" in capsys.readouterr().out


async def test_entries_cut_off_after_a_sync_are_caught(tmp_path, central_url, capsys):
    a = tmp_path / "a.sqlite"
    await fill_station(a, station="hall-a", sessions=1)
    await sync(a, central_url, station_name="hall-a")
    con = sqlite3.connect(a)
    con.execute("DROP TRIGGER audit_head_follows")
    (last,) = con.execute("SELECT max(seq) FROM audit_log").fetchone()
    con.execute("DELETE FROM audit_log WHERE seq >= ?", (last - 1,))
    seq, hash_ = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, hash_))
    con.commit()
    con.close()
    assert audit.verify(a).ok
    assert await verify_central(a, central_url) == 1
    assert "entries were removed" in capsys.readouterr().out


async def test_a_station_that_never_synced_is_said_to_be_unchecked(tmp_path, central_url, capsys):
    a = tmp_path / "a.sqlite"
    await fill_station(a, station="hall-a", sessions=1)
    assert await verify_central(a, central_url) == 0
    assert "never synced" in capsys.readouterr().out
