"""Answer-to-durable latency through the station's store, against raw sqlite3 commits.

All three write to fresh files with the same PRAGMAs (WAL, synchronous=FULL):

- store: ``Store.save_answers`` for one answer, as the app does when a page is
  submitted (upsert of the answer, its audit entry and the page-left entry,
  the audit head and the outbox rows its triggers add), in one trip to
  aiosqlite's thread on the store's kept connection, awaited until committed;
- raw, one row: ``INSERT`` of one answer row into a bare table and ``COMMIT``
  with the standard library's sqlite3;
- raw, same work: the same statements as the store (same schema, triggers,
  digests and hashes) with the standard library's sqlite3, so the ratio shows
  what the async stack itself costs.

The three alternate, answer by answer, so all see the same disk and load.
Prints p50 and p99 of each and the store's ratios to both baselines.

    .venv/bin/python bench/answer_latency.py [--answers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from preview_tui.db import audit
from preview_tui.db.engine import PRAGMAS
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def raw_connection(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(pragma)
    return con


class SameWork:
    """The store's statements for one answer, through the standard library's sqlite3."""

    def __init__(self, path: Path, session_id: uuid.UUID):
        upgrade(path)
        self.con = raw_connection(path)
        self.session = session_id.hex
        self.con.execute("INSERT INTO sessions (id, study_id, station, status, is_test, started_at) VALUES (?, 'bench', 'bench', 'in_progress', 0, ?)", (self.session, stamp()))
        self.seq, self.prev = 0, audit.GENESIS

    def save(self, question: str, value: object, page: str) -> None:
        salt, at = audit.new_salt(), stamp()
        links = [(audit.ANSWER, question, audit.value_digest(salt, value)), (audit.PAGE_LEFT, page, None)]
        rows, seq, prev = [], self.seq, self.prev
        for kind, subject, digest in links:
            seq += 1
            entry = audit.new_entry(seq, at, audit.Link(kind, self.session, subject, digest), prev)
            rows.append(tuple(entry[c] for c in ("seq", "at", "session_id", "kind", "subject", "digest", "salt", "payload", "prev", "hash")))
            prev = entry["hash"]
        con = self.con
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO answers (id, session_id, survey_id, question_id, value, salt, sensitive, answered_at, revision) VALUES (?, ?, 'survey', ?, ?, ?, NULL, ?, 1) "
            "ON CONFLICT (session_id, question_id) DO UPDATE SET value = excluded.value, salt = excluded.salt, answered_at = excluded.answered_at, revision = answers.revision + 1",
            (uuid.uuid4().hex, self.session, question, json.dumps(value), salt, at),
        )
        con.executemany("INSERT INTO audit_log (seq, at, session_id, kind, subject, digest, salt, payload, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
        self.seq, self.prev = seq, prev


def stamp() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def measure(n: int, folder: Path) -> dict[str, list[float]]:
    app_db = folder / "store.sqlite"
    upgrade(app_db)
    one_row = raw_connection(folder / "raw.sqlite")
    one_row.execute("CREATE TABLE answers (id TEXT PRIMARY KEY, session_id TEXT, survey_id TEXT, question_id TEXT, value TEXT, answered_at TEXT)")
    times: dict[str, list[float]] = {"store (save_answers)": [], "raw sqlite3, one row": [], "raw sqlite3, same work": []}
    async with Store(app_db) as store:
        session_id = await store.create_session(study_id="bench", station="bench", code="B1")
        same = SameWork(folder / "same.sqlite", session_id)
        for i in range(n):
            started = time.perf_counter()
            await store.save_answers(session_id, "survey", {f"q{i}": i % 7}, page_id=f"p{i}")
            times["store (save_answers)"].append(time.perf_counter() - started)
            started = time.perf_counter()
            one_row.execute("BEGIN")
            one_row.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, datetime('now'))", (uuid.uuid4().hex, session_id.hex, "survey", f"q{i}", json.dumps(i % 7)))
            one_row.execute("COMMIT")
            times["raw sqlite3, one row"].append(time.perf_counter() - started)
            started = time.perf_counter()
            same.save(f"q{i}", i % 7, f"p{i}")
            times["raw sqlite3, same work"].append(time.perf_counter() - started)
        same.con.close()
    one_row.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        times = asyncio.run(measure(args.answers, Path(tmp)))
    ms = lambda v: f"{v * 1000:.2f} ms"  # noqa: E731
    for name, values in times.items():
        print(f"{name}: p50 {ms(quantile(values, 0.5))}, p99 {ms(quantile(values, 0.99))} ({len(values)} answers)")
    store = times["store (save_answers)"]
    for name in ("raw sqlite3, one row", "raw sqlite3, same work"):
        raw = times[name]
        print(f"ratio to {name}: p50 {quantile(store, 0.5) / quantile(raw, 0.5):.2f}, p99 {quantile(store, 0.99) / quantile(raw, 0.99):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
