"""Quotas counted across stations when a session starts, and the offline policy when the centre does not answer."""

import asyncio
import time

import pytest

from preview_tui.db import models as m
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from preview_tui.sync.engine import sync
from preview_tui.sync.quotas import CENTRAL_TIMEOUT

pytestmark = pytest.mark.real

A_CELL = "gender_age[gender=1,age_band=2]"  # filled on station A
B_CELL = "gender_age[gender=2,age_band=3]"  # filled on station B, not yet synced


def study_with_small_quotas(root, offline: str = "local"):
    config = root / "config.yaml"
    text = config.read_text().replace("      target: 15\n", "      target: 1\n", 1)
    assert "target: 1\n" in text
    config.write_text(text.replace("  quotas:\n", f"  quotas_offline: {offline}\n  quotas:\n", 1))
    return load_study(root)


async def complete(db, study, station: str, answers: dict) -> None:
    upgrade(db)
    async with Store(db) as store:
        sid = await store.create_session(study_id=study.id, station=station, code=f"{station}-done")
        await store.save_answers(sid, "screener", answers, page_id="screener")
        await store.finish(sid, m.COMPLETED)


async def start(db, study, central: str | None, code: str) -> tuple[Flow, float]:
    async with Store(db) as store:
        began = time.monotonic()
        flow = await Flow.start(study, store, Participant(code=code), station="b", central=central)
        return flow, time.monotonic() - began


async def test_a_quota_filled_on_station_a_closes_it_for_station_b(demo_study, tmp_path, central_url):
    study = study_with_small_quotas(demo_study)
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    await complete(a, study, "a", {"gender": 1, "age_band": 2})
    await sync(a, central_url)
    await complete(b, study, "b", {"gender": 2, "age_band": 3})  # this station's own, never synced
    alone, _ = await start(b, study, None, "p1")
    assert alone.runner.full_quotas == {B_CELL} and alone.quota_note is None
    flow, _ = await start(b, study, central_url, "p2")
    assert flow.runner.full_quotas == {A_CELL, B_CELL}
    assert "counted on every station" in flow.quota_note and "1 completed elsewhere" in flow.quota_note
    await sync(b, central_url)  # once synced, B's own session is not counted twice
    again, _ = await start(b, study, central_url, "p3")
    assert again.runner.full_quotas == {A_CELL, B_CELL} and "1 completed elsewhere" in again.quota_note


async def test_centre_down_local_counts_this_station(demo_study, tmp_path, pg_cluster):
    from pg import free_port

    study = study_with_small_quotas(demo_study, "local")
    b = tmp_path / "b.sqlite"
    await complete(b, study, "b", {"gender": 2, "age_band": 3})
    flow, took = await start(b, study, pg_cluster.url("postgres", port=free_port()), "p1")
    assert flow.runner.full_quotas == {B_CELL}
    assert "this station's count only" in flow.quota_note and "cannot be reached" in flow.quota_note
    assert took < CENTRAL_TIMEOUT + 3


async def silent_server():
    """A server that takes connections and never says a word (a centre that hangs)."""
    held = []

    async def hold(reader, writer):
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    return server, held, server.sockets[0].getsockname()[1]


@pytest.mark.parametrize("offline", ["local", "closed"])
async def test_centre_silent_applies_the_policy_within_the_stated_time(demo_study, tmp_path, offline):
    study = study_with_small_quotas(demo_study, offline)
    b = tmp_path / "b.sqlite"
    await complete(b, study, "b", {"gender": 2, "age_band": 3})
    server, held, port = await silent_server()
    try:
        flow, took = await start(b, study, f"postgresql+asyncpg://u:p@127.0.0.1:{port}/central", "p1")
    finally:
        for writer in held:
            writer.close()
        server.close()
    assert held, "the session start did try the centre"
    assert CENTRAL_TIMEOUT - 0.1 <= took < CENTRAL_TIMEOUT + 3  # the centre's 2 s, and the start's own work
    assert f"did not answer within {CENTRAL_TIMEOUT:g} s" in flow.quota_note
    if offline == "local":
        assert flow.runner.full_quotas == {B_CELL}
    else:
        assert flow.runner.full_quotas == {cell for cell, _, _ in study.quota_cells()}  # every quota refuses
        assert flow.quota_note.startswith("Quotas closed")


async def test_the_console_says_which_count_the_session_started_with(demo_study, tmp_path, central_url, monkeypatch):
    from test_room_ui import wait_until
    from test_walk_demo import make_app, walk

    study = study_with_small_quotas(demo_study)
    a = tmp_path / "a.sqlite"
    await complete(a, study, "a", {"gender": 1, "age_band": 2})
    await sync(a, central_url)
    monkeypatch.setenv("PREVIEW_TUI_CENTRAL_DATABASE", central_url)
    app = make_app(demo_study, tmp_path / "b.sqlite")

    def told() -> list[str]:
        return [n.message for n in list(app._notifications) if "Quotas" in n.message]

    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P100", "enter"])
        await wait_until(pilot, lambda: app.flow is not None and told(), timeout=30)
        assert A_CELL in app.flow.runner.full_quotas
        assert "counted on every station" in told()[0]
