"""The moderator's sync command in the console: runs in a worker, shows progress and the reason of a failure."""

import pytest
from textual.command import CommandPalette
from textual.widgets import ProgressBar

from sync_helpers import central_data, fill_station, normalise, station_data
from test_room_ui import wait_until
from test_walk_demo import make_app, walk

pytestmark = pytest.mark.real


async def run_sync_command(pilot):
    await walk(pilot, ["ctrl+p"])
    assert isinstance(pilot.app.screen, CommandPalette)
    await walk(pilot, [*"Sync with"], wait=0.6)
    await walk(pilot, ["enter"], wait=0.3)


async def test_console_syncs_in_a_worker_and_shows_progress(demo_study, tmp_path, central_url, monkeypatch):
    monkeypatch.setenv("PREVIEW_TUI_CENTRAL_DATABASE", central_url)
    db = tmp_path / "station.sqlite"
    await fill_station(db, station="demo-station", sessions=3)
    app = make_app(demo_study, db)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause(0.3)
        await run_sync_command(pilot)
        await wait_until(pilot, lambda: app.sync_message.startswith("Sent"), timeout=30)
        bar = app.screen.query_one("#sync-progress", ProgressBar)
        assert bar.total and bar.progress == bar.total
        assert "shown" in app.screen.query_one("#sync-status").classes
    central, _ = await central_data(central_url.replace("+asyncpg", ""))
    assert central == normalise(station_data(db))


async def test_console_sync_failure_says_why_and_retries_later(demo_study, tmp_path, pg_cluster, monkeypatch):
    from pg import free_port

    monkeypatch.setenv("PREVIEW_TUI_CENTRAL_DATABASE", pg_cluster.url("postgres", port=free_port()))
    db = tmp_path / "station.sqlite"
    await fill_station(db, station="demo-station", sessions=1)
    app = make_app(demo_study, db)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause(0.3)
        await run_sync_command(pilot)
        await wait_until(pilot, lambda: app.sync_message.startswith("Sync failed"), timeout=60)
        assert "cannot be reached" in app.sync_message and "Next try" in app.sync_message
        assert app._retry_timer is not None
        assert "failed" in app.screen.query_one("#sync-status").classes
