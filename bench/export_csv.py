"""Benchmark: the CSV export of 10,000 participants x 100 variables, against pandas ``to_csv`` of the same frame.

    python bench/export_csv.py [--participants 10000] [--repeat 3]

Writes a study whose export has exactly 100 variables (the 15 of the session,
40 single choices, 20 ratings, 10 numbers, 5 texts and 2 multiple choices of 5
options) and makes that many synthetic sessions as the export reads them
(answers, some "Don't know", some questions not shown, a few participants
screened out). Then times, in the same run:

(a) our path: coding every session into a row (``run.make_rows``: missing-value
    codes, option numbers, 0/1 columns) and writing the CSV (``writers.write_csv``);
(b) pandas: ``DataFrame.to_csv`` of a frame holding the very same rows.

It prints the best time of each and their ratio; the goal is a ratio of 2 or
less. Reading the sessions from the database is not in either time.

With ``--from-database`` it also writes the same sessions into a station file
and times the whole ``preview-tui export`` path (``run.export`` with the CSV
format: reading the sessions, answers and pages left, coding, writing the wide
file and the two long files), next to the same ``to_csv``; and, apart, the
reading alone (``db.sessions.read_sessions``: sessions, answers, pages left) next
to a raw ``sqlite3`` read of the same rows (``fetchall``, nothing decoded),
the floor any reader of that file stands on.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from preview_tui.db.sessions import SessionRecord  # noqa: E402
from preview_tui.export.run import make_rows  # noqa: E402
from preview_tui.export.variables import layout  # noqa: E402
from preview_tui.export.writers import write_csv  # noqa: E402
from preview_tui.survey.study import load_study  # noqa: E402

DONT_KNOW = [{"code": "dont_know", "label": "Don't know"}]


def questions() -> list[dict]:
    out = []
    for i in range(40):
        out.append({"id": f"single{i}", "type": "single", "text": f"Single {i}?", "options": [{"code": c, "label": f"Option {c}"} for c in range(1, 6)], "special": DONT_KNOW})
    for i in range(20):
        out.append({"id": f"rating{i}", "type": "rating", "points": 7, "text": f"Rating {i}?", "show_if": "single0 != 5" if i == 0 else None})
    for i in range(10):
        out.append({"id": f"number{i}", "type": "numeric", "min": 0, "decimal": True, "text": f"Number {i}?", "special": DONT_KNOW})
    for i in range(5):
        out.append({"id": f"text{i}", "type": "text", "text": f"Text {i}?", "required": False})
    for i in range(2):
        out.append({"id": f"multi{i}", "type": "multi", "text": f"Multi {i}?", "options": [{"code": c, "label": f"Option {c}"} for c in "abcde"]})
    for q in out:
        if q.get("show_if") is None:
            q.pop("show_if", None)
    return out


def write_study(root: Path) -> Path:
    for part in ("screens", "surveys", "media"):
        (root / part).mkdir(parents=True, exist_ok=True)
    qs = questions()
    pages = [{"id": "first", "questions": qs[:1]}, {"id": "rest", "questions": qs[1:]}]
    config = {"study": {"id": "bench", "title": "Bench", "languages": ["en"], "screening": "main", "consent": {"version": "1", "text": "ok?"}, "thanks": "t", "screened_out": "s", "declined": "d"}}
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    (root / "surveys" / "s.yaml").write_text(yaml.safe_dump({"id": "s", "pages": pages}))
    (root / "screens" / "main.yaml").write_text(yaml.safe_dump({"id": "main", "steps": [{"type": "survey", "survey": "s"}]}))
    return root


def sessions(n: int, seed: int = 1) -> list[SessionRecord]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 20, 14, tzinfo=UTC)
    out = []
    for k in range(n):
        screened = rng.random() < 0.05
        began = start + timedelta(seconds=37 * k)
        row = {
            "id": uuid.UUID(int=rng.getrandbits(128)), "participant_code": f"P{k:05d}", "station": "bench", "room": "Room 1", "seat": str(k % 40),
            "language": "en", "status": "screened_out" if screened else "completed", "outcome_reason": "quota_full" if screened else None,
            "consent_version": "1", "consent_hash": "ab" * 32, "rewards_opt_in": rng.random() < 0.5, "consented_at": began + timedelta(seconds=20),
            "started_at": began, "ended_at": began + timedelta(seconds=rng.randint(300, 900)),
        }
        answers = {"single0": rng.randint(1, 5)}
        if not screened:
            for i in range(40):
                answers[f"single{i}"] = "dont_know" if rng.random() < 0.03 else rng.randint(1, 5)
            for i in range(20):
                if i or answers["single0"] != 5:
                    answers[f"rating{i}"] = rng.randint(1, 7)
            for i in range(10):
                answers[f"number{i}"] = "dont_know" if rng.random() < 0.05 else round(rng.uniform(0, 500), 2)
            for i in range(5):
                if rng.random() < 0.7:
                    answers[f"text{i}"] = f"free text {rng.randint(0, 10**6)}, with a comma"
            for i in range(2):
                answers[f"multi{i}"] = sorted(rng.sample("abcde", rng.randint(1, 3)))
        out.append(SessionRecord(row["id"], row, answers, pages_left={"first"} if screened else {"first", "rest"}))
    return out


def station_file(path: Path, records: list[SessionRecord]) -> Path:
    """The sessions as a station file holds them: sessions, answers, and the audit log's pages left."""
    from sqlalchemy import create_engine, insert

    from preview_tui.db import models as m

    engine = create_engine(f"sqlite:///{path}")
    m.Base.metadata.create_all(engine)
    seq = 0
    with engine.begin() as conn:
        conn.execute(insert(m.Session.__table__), [{**r.row, "study_id": "bench", "is_test": False} for r in records])
        answers = [{"id": uuid.uuid4(), "session_id": r.id, "survey_id": "s", "question_id": q, "value": v, "answered_at": r.row["started_at"]} for r in records for q, v in r.answers.items()]
        conn.execute(insert(m.Answer.__table__), answers)
        pages = []
        for r in records:
            for page in sorted(r.pages_left):
                seq += 1
                pages.append({"seq": seq, "at": r.row["started_at"], "session_id": r.id, "kind": "page_left", "subject": page, "prev": "0" * 64, "hash": f"{seq:064x}"})
        conn.execute(insert(m.AuditEntry.__table__), pages)
    engine.dispose()
    return path


def reading(source) -> int:
    """The sessions as the export reads them, from ``source``; their number."""
    import asyncio

    from preview_tui.db import sessions as records

    async def read() -> int:
        async with source.connect() as conn:
            return len(await records.read_sessions(conn, "bench"))

    return asyncio.run(read())


RAW_ELIGIBLE = "SELECT id FROM sessions WHERE study_id = 'bench' AND id NOT IN (SELECT session_id FROM tombstones) AND is_test = 0"
RAW_QUERIES = (
    f"SELECT * FROM sessions WHERE id IN ({RAW_ELIGIBLE}) ORDER BY started_at, id",
    f"SELECT session_id, question_id, value FROM answers WHERE session_id IN ({RAW_ELIGIBLE})",
    f"SELECT session_id, subject FROM audit_log WHERE kind = 'page_left' AND session_id IN ({RAW_ELIGIBLE})",
)


def raw_read(path: Path) -> int:
    """The rows ``reading`` needs, fetched with the standard library's sqlite3 and left undecoded; their number."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return sum(len(conn.execute(query).fetchall()) for query in RAW_QUERIES)
    finally:
        conn.close()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--from-database", action="store_true", help="also time the whole export from a station file")
    args = parser.parse_args()
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = layout(load_study(write_study(folder / "study")))
        records = sessions(args.participants)
        assert len(plan.names) == 100, len(plan.names)
        rows = make_rows(plan, records)
        frame = pd.DataFrame(rows, columns=plan.names)

        def ours() -> None:
            write_csv(folder / "ours.csv", plan, make_rows(plan, records))

        def theirs() -> None:
            frame.to_csv(folder / "pandas.csv", index=False)

        ours_s = best(ours, args.repeat)
        pandas_s = best(theirs, args.repeat)
        size = (folder / "ours.csv").stat().st_size
        whole_s = None
        if args.from_database:
            import asyncio

            from preview_tui.db.reader import Source
            from preview_tui.export.run import export

            study = load_study(folder / "study")
            db = station_file(folder / "station.sqlite", records)
            whole_s = best(lambda: asyncio.run(export(study, Source(db), folder / "whole", formats=("csv",))), args.repeat)
            exported = (folder / "whole" / "bench.csv").read_text().count("\n") - 1
            assert exported == args.participants, exported
            read_s = best(lambda: reading(Source(db)), args.repeat)
            raw_s = best(lambda: raw_read(db), args.repeat)
    print(f"participants x variables: {args.participants} x {len(plan.names)}")
    print(f"preview-tui (code rows + write CSV): {ours_s:.3f} s ({size / 1e6:.1f} MB)")
    print(f"pandas DataFrame.to_csv: {pandas_s:.3f} s")
    print(f"ratio preview-tui / pandas: {ours_s / pandas_s:.2f}")
    if whole_s is not None:
        print(f"preview-tui export from a station file (read + code + write): {whole_s:.3f} s")
        print(f"ratio whole export / pandas to_csv: {whole_s / pandas_s:.2f}")
        print(f"reading the sessions (read_sessions): {read_s:.3f} s")
        print(f"raw sqlite3 fetchall of the same rows: {raw_s:.3f} s")
        print(f"ratio reading / raw sqlite3: {read_s / raw_s:.2f}")


if __name__ == "__main__":
    main()
