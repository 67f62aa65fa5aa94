"""A scripted participant for the kill test: steps through a study through the real Flow and store.

    python kill_driver.py STUDY_DIR DB_FILE PREFIX SEED

It takes up the station's interrupted session (status in_progress) if there
is one, else starts a new one with the next code ``PREFIX-<n>``, and answers
every page with valid answers drawn from the walker's candidates. After each save returns (what the app would
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
from preview_tui.survey.study import load_study, other_key
from preview_tui.survey.walk_values import Candidates


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


def page_values(flow: Flow, candidates: Candidates, rng: random.Random) -> dict:
    """Valid answers for the current page, drawn from the walker's candidates; one that screens out is avoided when it can be."""
    runner = flow.runner
    shown = runner.questions(flow.current.page)
    for _attempt in range(30):
        values = {q.id: rng.choice(candidates.values(q)) for q in shown}
        values.update({other_key(q.id): "other" for q in shown if getattr(q, "options", None)})
        problems = runner.check(values)
        if all(p.soft for p in problems) and runner.screen_out_for(values) is None:
            return values
    return values


async def main(study_dir: Path, db: Path, prefix: str, seed: int) -> None:
    rng = random.Random(seed)
    study = load_study(study_dir)
    candidates = Candidates(study)
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
                    await flow.consent(True, rewards=rng.random() < 0.5)
                elif item.kind == "page":
                    values = page_values(flow, candidates, rng)
                    if await flow.submit_page(values):  # a soft-required warning: submitting again goes on
                        assert await flow.submit_page(values) == []
                    stored = {k: flow.runner.answers[k] for k in flow.runner.page_keys(item.page) if k in flow.runner.answers}
                    say("CONFIRMED", flow.session_id.hex, item.page.id, json.dumps(stored))
                else:
                    await flow.finish_stimulus(f"{item.kind}_shown" if item.kind == "clip" else "storyboard_done")
            say("FINISHED", flow.session_id.hex, flow.current.outcome)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
