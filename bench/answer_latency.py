"""Answer-to-durable latency through the station's store, against a raw sqlite3 commit.

Both write to a fresh file with the same PRAGMAs (WAL, synchronous=FULL):

- store: ``Store.save_answers`` for one answer, as the app does when a page is
  submitted (upsert of the answer, its audit entry and the page-left entry,
  through SQLAlchemy's async engine and aiosqlite), awaited until committed;
- raw: ``INSERT`` of one answer row and ``commit()`` with the standard
  library's sqlite3, in the same process.

The two alternate, answer by answer, so both see the same disk and load.
Prints p50 and p99 of each and their ratios.

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

from preview_tui.db.engine import PRAGMAS
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


async def measure(n: int, folder: Path) -> tuple[list[float], list[float]]:
    app_db, raw_db = folder / "store.sqlite", folder / "raw.sqlite"
    upgrade(app_db)
    raw = sqlite3.connect(raw_db, isolation_level=None)
    for pragma in PRAGMAS:
        raw.execute(pragma)
    raw.execute("CREATE TABLE answers (id TEXT PRIMARY KEY, session_id TEXT, survey_id TEXT, question_id TEXT, value TEXT, answered_at TEXT)")
    store_times, raw_times = [], []
    async with Store(app_db) as store:
        session_id = await store.create_session(study_id="bench", station="bench", code="B1")
        for i in range(n):
            started = time.perf_counter()
            await store.save_answers(session_id, "survey", {f"q{i}": i % 7}, page_id=f"p{i}")
            store_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, datetime('now'))", (uuid.uuid4().hex, session_id.hex, "survey", f"q{i}", json.dumps(i % 7)))
            raw.execute("COMMIT")
            raw_times.append(time.perf_counter() - started)
    raw.close()
    return store_times, raw_times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store_times, raw_times = asyncio.run(measure(args.answers, Path(tmp)))
    ms = lambda v: f"{v * 1000:.2f} ms"  # noqa: E731
    for name, times in (("store (save_answers)", store_times), ("raw sqlite3 commit", raw_times)):
        print(f"{name}: p50 {ms(quantile(times, 0.5))}, p99 {ms(quantile(times, 0.99))} ({len(times)} answers)")
    print(f"ratio p50: {quantile(store_times, 0.5) / quantile(raw_times, 0.5):.2f}")
    print(f"ratio p99: {quantile(store_times, 0.99) / quantile(raw_times, 0.99):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
