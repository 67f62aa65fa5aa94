"""A room's seats count the quotas together, live: completed sessions, and sessions in progress holding a place."""

from __future__ import annotations

import yaml

from preview_tui.db import models as m
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from room_helpers import write_room_study


def room_study(tmp_path, target: int = 1):
    root = write_room_study(tmp_path / "study", clip_seconds=1)
    config = yaml.safe_load((root / "config.yaml").read_text())
    config["study"]["quotas"] = [{"id": "another", "when": "gender == 3", "target": target, "reason": "quota_full"}]
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    return load_study(root)


async def to_gender_page(store, study, code):
    flow = await Flow.start(study, store, Participant(code=code, room="Room T"), station="room")
    await flow.choose_language("en")
    await flow.consent(True)
    return flow


async def test_a_seat_in_progress_holds_its_place_and_frees_it_when_it_ends(tmp_path):
    study = room_study(tmp_path)
    db = tmp_path / "room.sqlite"
    upgrade(db)
    async with Store(db) as seat_a, Store(db) as seat_b, Store(db) as seat_c:  # three seats' stores on the room's one file
        a = await to_gender_page(seat_a, study, "A")
        b = await to_gender_page(seat_b, study, "B")  # both started before either answered: the start counts nothing
        assert not a.runner.full_quotas and not b.runner.full_quotas
        assert await a.submit_page({"gender": 3}) == []
        assert a.current.kind == "clip"  # A took the last place
        assert await b.submit_page({"gender": 3}) == []
        assert b.current.kind == "end" and b.current.reason == "quota_full"  # counted live: A holds it while in progress
        assert (await seat_b.get_session(b.session_id)).status == m.SCREENED_OUT
        c = await to_gender_page(seat_c, study, "C")
        assert await c.submit_page({"gender": 1}) == [] and c.current.kind == "clip"  # other answers are not in the cell
        await seat_a.finish(a.session_id, m.ABANDONED, "ended_by_moderator")  # A ended early: the place is free again
        d = await to_gender_page(seat_c, study, "D")
        assert await d.submit_page({"gender": 3}) == [] and d.current.kind == "clip"


async def test_a_completed_seat_counts_and_a_pilot_never_does(tmp_path):
    study = room_study(tmp_path)
    db = tmp_path / "room.sqlite"
    upgrade(db)
    async with Store(db) as store:
        pilot = await Flow.start(study, store, Participant(code="PILOT", room="Room T", is_test=True), station="room")
        await pilot.choose_language("en")
        await pilot.consent(True)
        assert await pilot.submit_page({"gender": 3}) == [] and pilot.current.kind == "clip"
        done = await to_gender_page(store, study, "A")
        await done.submit_page({"gender": 3})
        await store.finish(done.session_id, m.COMPLETED)
        late = await to_gender_page(store, study, "B")
        await late.submit_page({"gender": 3})
        assert late.current.kind == "end" and late.current.reason == "quota_full"
