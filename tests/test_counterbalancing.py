"""Counterbalancing on real station files: the completers' stimulus orders stay balanced whatever else happens."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study

CLIPS = ["a", "b", "c"]  # three stimuli: a Williams square of 6 rows


def study_in(tmp_path):
    steps = [{"type": "survey", "survey": "pre"}] + [{"type": "clip", "id": c, "title": c, "file": f"{c}.mp4"} for c in CLIPS] + [{"type": "survey", "survey": "s"}]
    root = write_study(
        tmp_path / "study",
        [page("after", q("liked", "single", options=opts(1, 2, 3), screen_out=[{"when": "liked == 3", "reason": "hated_it"}]))],
        steps=steps,
        screening={"stimulus_order": {"steps": CLIPS, "method": "latin_square"}},
    )
    (root / "surveys" / "pre.yaml").write_text(json.dumps({"id": "pre", "pages": [page("screener", q("age", "single", options=opts(1, 2), screen_out=[{"when": "age == 1", "reason": "minor"}]))]}))
    return load_study(root)


OUTCOMES = ["complete", "screen_out", "decline", "withdraw", "pilot", "screen_out_after"]


async def take(study, store, code: str, outcome: str, rng: random.Random, *, balance=None) -> Flow:
    """One participant to the end of ``outcome``."""
    options = {} if balance is None else {"balance": balance}
    flow = await Flow.start(study, store, Participant(code=code, is_test=outcome == "pilot"), station="t", **options)
    await flow.choose_language("en")
    if outcome == "decline":
        await flow.consent(False)
        return flow
    await flow.consent(True)
    if outcome == "screen_out":
        await flow.submit_page({"age": 1})
        return flow
    await flow.submit_page({"age": 2})
    assert flow.current.kind == "clip" and sorted(flow.runner.orders["stimuli"]) == CLIPS
    seen = rng.randint(0, len(CLIPS)) if outcome == "withdraw" else len(CLIPS)
    for _ in range(seen):
        await flow.finish_stimulus("clip_shown")
    if outcome == "withdraw":
        await store.withdraw(flow.session_id)
        return flow
    await flow.submit_page({"liked": 3 if outcome == "screen_out_after" else rng.choice([1, 2])})
    assert flow.current.kind == "end"
    return flow


def completers_orders(db) -> Counter:
    found = rows(db, "select e.detail from events e join sessions s on s.id = e.session_id where s.status = 'completed' and not s.is_test and e.kind = 'order_shown'")
    return Counter(tuple(json.loads(d)["order"]) for (d,) in found if json.loads(d)["what"] == "stimuli")


def assert_balanced(counts: Counter, rows_in_square: int = 6) -> None:
    used = [counts.get(order, 0) for order in {*counts}] + [0] * (rows_in_square - len(counts))
    assert max(used) - min(used) <= 1, counts


@pytest.mark.parametrize("seed", [1, 2])
async def test_completers_orders_stay_balanced_over_60_mixed_sessions(tmp_path, seed):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = study_in(tmp_path)
    rng = random.Random(seed)
    outcomes = [rng.choice(OUTCOMES) for _ in range(60)]
    async with Store(db) as store:
        for n, outcome in enumerate(outcomes):
            await take(study, store, f"P{n}", outcome, rng)
            assert_balanced(completers_orders(db))
    assert sum(completers_orders(db).values()) == outcomes.count("complete")


async def test_completers_alternating_with_screen_outs_see_every_order_in_turn(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = study_in(tmp_path)
    rng = random.Random(0)
    async with Store(db) as store:
        for n in range(12):
            await take(study, store, f"A{n}", "complete" if n % 2 == 0 else "screen_out", rng)
    assert sorted(completers_orders(db).values()) == [1] * 6  # six completers, six rows


async def test_a_resumed_session_keeps_its_order(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = study_in(tmp_path)
    rng = random.Random(0)
    async with Store(db) as store:
        first = await take(study, store, "R0", "complete", rng)
        interrupted = await Flow.start(study, store, Participant(code="R1"), station="t")
        await interrupted.choose_language("en")
        await interrupted.consent(True)
        await interrupted.submit_page({"age": 2})
        await interrupted.finish_stimulus("clip_shown")
        given = interrupted.runner.orders["stimuli"]
        assert given != first.runner.orders["stimuli"]
        for n in range(3):  # others go on meanwhile; R1 is on the stimuli, so its row counts for them
            other = await take(study, store, f"O{n}", "complete", rng)
            assert other.runner.orders["stimuli"] != given
        resumed = await Flow.resume(study, store, interrupted.session_id)
        assert resumed.runner.orders["stimuli"] == given
        assert resumed.current.kind == "clip" and resumed.current.step.id == given[1]
    assert len([d for (d,) in rows(db, "select detail from events where kind = 'order_shown'") if json.loads(d)["what"] == "stimuli"]) == 5
