"""Sync throughput against a raw asyncpg COPY, and the cost of an incremental sync.

In one run, against a throwaway PostgreSQL cluster on loopback (as the tests
start it, tests/pg.py):

1. A station file with N answers (default 100,000) in N/20 sessions, written
   with bulk inserts (the outbox triggers queue every row, as in the field).
2. COPY: the same session and answer rows, already in memory as Python values,
   written with asyncpg's ``copy_records_to_table`` into an empty central schema
   (the same tables and indexes). The rows are read from the station file
   beforehand, outside the timing.
3. sync: ``preview_tui.sync`` of that station into another empty central
   database (schema created beforehand, outside the timing): reading the outbox
   and the rows, COPYing them (straight into the tables, as
   nothing is there yet), pruning what was acknowledged.
   COPY and sync alternate ``--rounds`` times (default 5), each into an empty
   database, and the best time of each counts: the machine's load varies (on a
   shared, busy machine two rounds were not enough for either to meet a calm
   moment; the load average is printed with the figures).
4. Incremental: 10 new answers on top, synced; and the same 10 answers synced on
   a station that had sent only N/1000 answers before, for comparison.

Prints the throughput ratio sync/COPY (goal >= 0.5) and both incremental times.

    .venv/bin/python bench/sync.py [--answers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pg import create_database, remove_cluster, start_cluster  # noqa: E402

from preview_tui.db import models as m  # noqa: E402
from preview_tui.db.migrate import upgrade  # noqa: E402
from preview_tui.db.store import Store  # noqa: E402
from preview_tui.sync.engine import sync  # noqa: E402


def make_station(db: Path, answers: int, seed: int = 1) -> None:
    """A station with ``answers`` answers, 20 per session, written in bulk."""
    import sqlalchemy as sa

    upgrade(db)
    rng = random.Random(seed)
    engine = sa.create_engine(f"sqlite:///{db}")
    now = datetime.now(UTC)
    sessions = [
        {"id": uuid.uuid4(), "study_id": "bench", "station": "bench", "participant_code": f"P{i}", "language": "en", "status": m.COMPLETED,
         "is_test": False, "started_at": now, "ended_at": now, "consent_version": "1", "consented_at": now, "revision": 2}
        for i in range(max(1, answers // 20))
    ]
    rows = [
        {"id": uuid.uuid4(), "session_id": s["id"], "survey_id": "post", "question_id": f"q{q}", "value": rng.choice([rng.randint(1, 7), "some text", True, ["a", "b"]]),
         "salt": uuid.uuid4().hex, "answered_at": now, "revision": 1}
        for s in sessions for q in range(20)
    ][:answers]
    with engine.begin() as conn:
        conn.execute(sa.insert(m.Session), sessions)
        conn.execute(sa.insert(m.Answer), rows)
    engine.dispose()


def read_rows(db: Path, table: str, columns: list[str], types: dict[str, str]) -> list[tuple]:
    """The station's rows as the Python values asyncpg's COPY wants (done before timing)."""
    con = sqlite3.connect(db)
    try:
        out = []
        for r in con.execute(f"SELECT {', '.join(columns[:-1])} FROM {table}"):
            values = []
            for col, v in zip(columns, r):
                kind = types[col]
                if v is None:
                    values.append(None)
                elif kind == "UUID":
                    values.append(uuid.UUID(v))
                elif kind.startswith("TIMESTAMP"):
                    values.append(datetime.fromisoformat(v).replace(tzinfo=UTC))
                elif kind == "JSONB":
                    values.append(json.dumps(json.loads(str(v))))
                elif kind == "BOOLEAN":
                    values.append(bool(v))
                else:
                    values.append(v)
            values.append(uuid.uuid4())  # origin_station
            out.append(tuple(values))
        return out
    finally:
        con.close()


async def copy_baseline(cluster, db: Path, name: str = "bench_copy") -> tuple[float, int]:
    import asyncpg
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.ext.asyncio import create_async_engine

    from preview_tui.sync.central import central_metadata, upgrade_central

    url = await create_database(cluster, name)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await upgrade_central(conn)
    await engine.dispose()
    md = central_metadata()
    data = {}
    for table in ("sessions", "answers"):
        cols = [c.name for c in md.tables[table].columns]
        types = {c.name: c.type.compile(dialect=postgresql.dialect()) for c in md.tables[table].columns}
        data[table] = (cols, read_rows(db, table, cols, types))
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    await conn.set_type_codec("jsonb", encoder=lambda v: b"\x01" + v.encode(), decoder=lambda b: b[1:].decode(), schema="pg_catalog", format="binary")
    try:
        started = time.perf_counter()
        async with conn.transaction():
            for table, (cols, rows) in data.items():
                await conn.copy_records_to_table(table, records=rows, columns=cols)
        seconds = time.perf_counter() - started
    finally:
        await conn.close()
    return seconds, sum(len(rows) for _, rows in data.values())


async def prepared_central(cluster, name: str) -> str:
    from sqlalchemy.ext.asyncio import create_async_engine

    from preview_tui.sync.central import upgrade_central

    url = await create_database(cluster, name)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await upgrade_central(conn)
    await engine.dispose()
    return url


async def ten_more(db: Path) -> None:
    async with Store(db) as store:
        sid = await store.create_session(study_id="bench", station="bench", code="late")
        await store.save_answers(sid, "post", {f"q{i}": i for i in range(10)})


def requeue(db: Path) -> None:
    """Queue every synced row again, as the triggers did when it was written (a sync prunes acknowledged entries)."""
    from preview_tui.sync.tables import SYNCED, primary_key

    con = sqlite3.connect(db)
    con.execute("DELETE FROM sync_outbox")
    for spec in SYNCED:
        con.execute(f"INSERT INTO sync_outbox (tbl, key, state) SELECT ?, {primary_key(spec.name)}, 'pending' FROM {spec.name} ORDER BY rowid", (spec.name,))
    con.commit()
    con.close()


async def timed_sync(db: Path, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    report = await sync(db, url)
    return time.perf_counter() - started, report.total


async def main(n: int, rounds: int) -> None:
    load_before = os.getloadavg()[0]
    cluster = start_cluster()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            big, small = Path(tmp) / "big.sqlite", Path(tmp) / "small.sqlite"
            make_station(big, n)
            make_station(small, max(20, n // 1000), seed=2)
            # Alternate rounds, each into an empty database, and keep the best of each: the machine's load varies.
            copies, syncs = [], []
            for r in range(rounds):
                copy_s, copy_rows = await copy_baseline(cluster, big, f"bench_copy_{r}")
                copies.append(copy_s)
                requeue(big)  # the same station, sent again from scratch
                url = await prepared_central(cluster, f"bench_sync_{r}")
                sync_s, sent = await timed_sync(big, url)
                syncs.append(sync_s)
            copy_s, sync_s = min(copies), min(syncs)
            await ten_more(big)
            inc_big, inc_big_n = await timed_sync(big, url)
            url_small = await prepared_central(cluster, "bench_small")
            await timed_sync(small, url_small)
            await ten_more(small)
            inc_small, inc_small_n = await timed_sync(small, url_small)
    finally:
        remove_cluster(cluster)
    ratio = copy_s / sync_s
    print(f"rows: {copy_rows} ({n} answers and their {copy_rows - n} sessions); outbox entries sent by sync: {sent}")
    print(f"COPY (asyncpg copy_records_to_table, rows in memory): {copy_s:.3f} s = {copy_rows / copy_s:,.0f} rows/s (best of {', '.join(f'{x:.3f}' for x in copies)})")
    print(f"sync (station file -> central, acknowledged):       {sync_s:.3f} s = {copy_rows / sync_s:,.0f} rows/s (best of {', '.join(f'{x:.3f}' for x in syncs)})")
    print(f"throughput ratio sync/COPY: {ratio:.2f} (goal >= 0.5); median of the rounds' ratios {statistics.median(c / s for c, s in zip(copies, syncs)):.2f}; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"incremental sync of 10 new answers after {n:,} sent: {inc_big * 1000:.0f} ms ({inc_big_n} outbox entries)")
    print(f"incremental sync of 10 new answers after {max(20, n // 1000):,} sent: {inc_small * 1000:.0f} ms ({inc_small_n} outbox entries)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="COPY and sync alternate this many times; the best of each counts")
    args = parser.parse_args()
    asyncio.run(main(args.answers, max(1, args.rounds)))
