"""Station files with realistic data (through the store), and what a central database holds of them."""

from __future__ import annotations

import random
import sqlite3
import uuid
from pathlib import Path
from types import SimpleNamespace

from preview_tui.db import models as m
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.seal import Sealer

QUESTIONS = ["age", "gender", "liked", "rating", "recommend", "comment"]


async def fill_station(db: Path, *, station: str, sessions: int, seed: int = 0, study_id: str = "demo") -> list[uuid.UUID]:
    """A station's afternoon: sessions with consent, answers (some changed on going back), events, endings."""
    upgrade(db)
    rng = random.Random(seed)
    sealer = Sealer.throwaway()  # a sensitive answer reaches the store only sealed
    ids = []
    async with Store(db) as store:
        for n in range(sessions):
            sid = await store.create_session(study_id=study_id, station=station, code=f"{station}-{seed}-{n}", room="A")
            await store.set_language(sid, rng.choice(["en", "fr", "de"]))
            await store.record_consent(sid, version="1", text_hash="h" * 64, accepted=True)
            await store.save_answers(sid, "screener", {"age": rng.randint(1, 5), "gender": rng.choice(["f", "m", "x"]), "money": sealer.seal(rng.randint(1, 4))}, sensitive={"money": "finances"}, page_id="p1")
            await store.record_event(sid, "shown", step_id="trailer", media_ms=rng.randint(0, 90000), mono=rng.random() * 100, detail={"n": n})
            samples = [SimpleNamespace(seq=k, segment=0, media_ms=100 * k, mono=1000.0 + k / 10, value=rng.randint(0, 100)) for k in range(20)]
            await store.save_dial_samples(sid, "trailer", 1, samples[:12])
            await store.save_dial_samples(sid, "trailer", 1, samples[12:])
            await store.save_answers(sid, "post", {"liked": rng.choice([True, False]), "rating": rng.randint(1, 7), "comment": f"nice {n} ✓"}, page_id="p2")
            if rng.random() < 0.4:  # went back and changed an answer
                await store.save_answers(sid, "post", {"rating": rng.randint(1, 7)}, page_id="p2")
            await store.finish(sid, m.COMPLETED if rng.random() < 0.8 else m.SCREENED_OUT)
            ids.append(sid)
    return ids


def station_data(db: Path) -> dict[str, set[tuple]]:
    """What a station holds, keyed the way the central database keys it (ids as hex, values as text)."""
    con = sqlite3.connect(db)
    try:
        (station_id,) = con.execute("select station_id from sync_state").fetchone()
        return {
            "sessions": {(i, st, r) for i, st, r in con.execute("select id, status, revision from sessions")},
            "answers": {(i, s, q, v, r, c) for i, s, q, v, r, c in con.execute("select id, session_id, question_id, value, revision, sensitive from answers")},
            "dial_samples": {(i, s, q, v) for i, s, q, v in con.execute("select id, session_id, seq, value from dial_samples")},
            "events": {(i, s) for i, s in con.execute("select id, session_id from events")},
            "audit_log": {(station_id, seq, h) for seq, h in con.execute("select seq, hash from audit_log")},
            "tombstones": {(s,) for (s,) in con.execute("select session_id from tombstones")},
        }
    finally:
        con.close()


async def central_data(dsn: str) -> tuple[dict[str, set[tuple]], dict[str, int]]:
    """What the central database holds, the same way, and the row counts (to see duplicates)."""
    import json

    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        data = {
            "sessions": {(r[0].hex, r[1], r[2]) for r in await conn.fetch("select id, status, revision from sessions")},
            "answers": {(r[0].hex, r[1].hex, r[2], json.dumps(json.loads(r[3]), sort_keys=True), r[4], r[5]) for r in await conn.fetch("select id, session_id, question_id, value::text, revision, sensitive from answers")},
            "dial_samples": {(r[0].hex, r[1].hex, r[2], r[3]) for r in await conn.fetch("select id, session_id, seq, value from dial_samples")},
            "events": {(r[0].hex, r[1].hex) for r in await conn.fetch("select id, session_id from events")},
            "audit_log": {(r[0].hex, r[1], r[2]) for r in await conn.fetch("select origin_station, seq, hash from audit_log")},
            "tombstones": {(r[0].hex,) for r in await conn.fetch("select session_id from tombstones")},
        }
        counts = {t: await conn.fetchval(f"select count(*) from {t}") for t in data}
    finally:
        await conn.close()
    return data, counts


def normalise(data: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """Station JSON text and central JSON text compared as parsed values."""
    import json

    out = dict(data)
    out["answers"] = {(i, s, q, json.dumps(json.loads(str(v)), sort_keys=True), r, c) for i, s, q, v, r, c in data["answers"]}
    return out


def union(*stations: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = {}
    for data in stations:
        for table, rows in data.items():
            out.setdefault(table, set()).update(rows)
    return out


def requeue_all(db: Path) -> None:
    """Queue every synced row of the station again, as if it had never been sent (acknowledged entries are pruned)."""
    from preview_tui.sync.tables import SYNCED, primary_key

    con = sqlite3.connect(db)
    try:
        con.execute("delete from sync_outbox")
        for spec in SYNCED:
            con.execute(f"insert into sync_outbox (tbl, key, state) select ?, {primary_key(spec.name)}, 'pending' from {spec.name} order by rowid", (spec.name,))
        con.commit()
    finally:
        con.close()


def outbox_states(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("select state, count(*) from sync_outbox group by state").fetchall())
    finally:
        con.close()
