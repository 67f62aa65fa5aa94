"""A scripted participant for the kill test: steps through a study through the real Flow and store.

    python kill_driver.py STUDY_DIR DB_FILE PREFIX SEED

It takes up the station's interrupted session (status in_progress) if there
is one, else starts a new one with the next code ``PREFIX-<n>``, and answers
every page with valid answers. After each save returns (what the app would
then confirm on screen) it prints a ``CONFIRMED`` line with the session id,
the page id and the answers as JSON. It keeps going, session after session,
until it is killed.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
import uuid
from pathlib import Path

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study


def say(*parts: object) -> None:
    print(*parts, flush=True)


def interrupted(db: Path) -> uuid.UUID | None:
    con = sqlite3.connect(db)
    try:
        row = con.execute("SELECT id FROM sessions WHERE status = 'in_progress' ORDER BY started_at LIMIT 1").fetchone()
        count = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
    finally:
        con.close()
    return (uuid.UUID(row[0]) if row else None), count


def answer_for(question, rng: random.Random):
    kind = question.type
    options = [o.code for o in getattr(question, "options", [])]
    if kind == "single":
        return options[-1]  # never the screen-out choice of the demo (under 18 is the first)
    if kind == "multi":
        return rng.sample(options, k=max(1, getattr(question, "min_selected", 1) or 1))
    if kind == "rating":
        return rng.randint(1, question.points)
    if kind == "text":
        return f"answer {rng.randint(0, 10**9)}"
    raise ValueError(f"the kill driver cannot answer a {kind} question")


async def main(study_dir: Path, db: Path, prefix: str, seed: int) -> None:
    rng = random.Random(seed)
    study = load_study(study_dir)
    upgrade(db)
    async with Store(db) as store:
        while True:
            session_id, count = interrupted(db)
            if session_id is not None:
                flow = await Flow.resume(study, store, session_id)
                say("RESUMED", session_id.hex, flow.current.kind, getattr(getattr(flow.current, "page", None), "id", ""))
            else:
                flow = await Flow.start(study, store, Participant(code=f"{prefix}-{count + 1}"), station="kill-test")
                say("STARTED", flow.session_id.hex)
            while flow.current.kind != "end":
                await asyncio.sleep(rng.uniform(0, 0.03))
                item = flow.current
                if item.kind == "language":
                    await flow.choose_language(rng.choice(study.settings.languages))
                elif item.kind == "consent":
                    await flow.consent(True)
                elif item.kind == "page":
                    values = {q.id: answer_for(q, rng) for q in flow.runner.questions(item.page)}
                    assert await flow.submit_page(values) == []
                    say("CONFIRMED", flow.session_id.hex, item.page.id, json.dumps(values))
                else:
                    await flow.finish_stimulus(f"{item.kind}_shown" if item.kind == "clip" else "storyboard_done")
            say("FINISHED", flow.session_id.hex, flow.current.outcome)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
