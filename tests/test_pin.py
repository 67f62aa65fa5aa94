"""The moderator PIN: the wait after wrong PINs, the lockout, the attempts in the audit log, and F7 behind the PIN."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.command import CommandPalette

from conftest import rows
from preview_tui.db import models
from preview_tui.db.audit import verify
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.pin import ACCEPTED, DELAYS, LIMIT, REFUSED, UNLOCKED, PinState, pin_state
from preview_tui.ui.kiosk import PinScreen
from preview_tui.ui.moderator import ModeratorScreen
from test_room_ui import PIN, moderator_command, set_station, wait_until
from test_walk_demo import make_app, walk

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_the_wait_grows_with_each_wrong_pin_and_the_limit_locks():
    assert LIMIT == 5 and DELAYS == (0.0, 1.0, 2.0, 4.0)
    assert pin_state([]).wait(T0) == 0 and not pin_state([]).locked
    for failures in range(1, LIMIT):
        state = pin_state([(REFUSED, T0)] * failures)
        assert state.failures == failures and state.tries_left == LIMIT - failures and not state.locked
        assert state.wait(T0) == DELAYS[failures - 1]
        assert state.wait(T0 + timedelta(seconds=DELAYS[failures - 1] / 2)) == DELAYS[failures - 1] / 2
        assert state.wait(T0 + timedelta(seconds=10)) == 0
        assert state.wait(T0 - timedelta(hours=1)) == DELAYS[failures - 1]  # a clock set back never makes it longer
    locked = pin_state([(REFUSED, T0)] * LIMIT)
    assert locked.locked and locked.tries_left == 0 and locked.wait(T0 + timedelta(days=30)) == 0


def test_a_right_pin_or_an_unlock_starts_the_count_again():
    newest_first = [(REFUSED, T0), (REFUSED, T0), (ACCEPTED, T0), (REFUSED, T0), (REFUSED, T0), (REFUSED, T0)]
    assert pin_state(newest_first) == PinState(2, T0)
    assert pin_state([(UNLOCKED, T0)] + [(REFUSED, T0)] * LIMIT) == PinState(0, None)
    assert pin_state([(REFUSED, T0 + timedelta(seconds=5)), (REFUSED, T0)]).last_failure == T0 + timedelta(seconds=5)
    assert pin_state([(REFUSED, T0)] * 12).failures == LIMIT  # reading stops at the limit


def test_attempts_are_audit_entries_read_back_from_the_station_file(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)

    async def attempts(*kinds) -> PinState:
        async with Store(db) as store:
            for kind in kinds:
                await store.record_pin(kind, "F12")
        async with Store(db) as store:  # another process, or the app after a restart
            return await store.pin_state()

    assert asyncio.run(attempts()) == PinState()
    state = asyncio.run(attempts(REFUSED, REFUSED))
    assert state.failures == 2 and abs((datetime.now(UTC) - state.last_failure).total_seconds()) < 60
    assert asyncio.run(attempts(REFUSED, REFUSED, REFUSED)).locked
    assert asyncio.run(attempts(UNLOCKED)) == PinState()
    assert rows(db, "select kind, subject, session_id, digest from audit_log") == [(REFUSED, "F12", None, None)] * 5 + [(UNLOCKED, "F12", None, None)]
    assert verify(db).ok


async def wrong_pins(db: Path, count: int, ago: timedelta, monkeypatch) -> None:
    """``count`` wrong PINs given ``ago``, written by the store as the app writes them."""
    with monkeypatch.context() as patch:
        patch.setattr(models, "now", lambda: datetime.now(UTC) - ago)
        async with Store(db) as store:
            for _ in range(count):
                await store.record_pin(REFUSED, "F12")


def test_pin_unlock_on_the_command_line_lifts_the_lockout(tmp_path, monkeypatch):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    asyncio.run(wrong_pins(db, LIMIT, timedelta(minutes=1), monkeypatch))
    command = [str(Path(sys.executable).with_name("preview-tui")), "pin", "--unlock", "--database", str(db)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "unlocked" in done.stdout and f"{LIMIT} wrong PINs" in done.stdout
    assert rows(db, "select kind, subject from audit_log order by seq desc limit 1") == [(UNLOCKED, "preview-tui pin --unlock")]
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "was not locked" in again.stdout
    missing = subprocess.run([*command[:-1], str(tmp_path / "nothing.sqlite")], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no station database" in missing.stderr and not (tmp_path / "nothing.sqlite").exists()


async def test_the_pin_screen_closes_the_field_while_waiting_and_locks_after_the_limit(demo_study, tmp_path, monkeypatch):
    set_station(demo_study, kiosk="true")
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    await wrong_pins(db, 3, timedelta(minutes=1), monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        await walk(pilot, ["f12"])
        screen = app.screen
        assert isinstance(screen, PinScreen)
        problem = lambda: str(screen.query_one("#pin-problem").render())  # noqa: E731
        await wait_until(pilot, lambda: "2 tries left" in problem())
        await walk(pilot, [*"1111", "enter"])  # the 4th wrong PIN: 4 s to wait
        assert screen.query_one("#pin").disabled and "Try again in" in problem() and "1 try left" in problem()
        if screen.state.wait(datetime.now(UTC)) > 2:  # (on a very slow machine the wait may be nearly over)
            await walk(pilot, [*PIN, "enter"])  # the right PIN, while the field is closed, is not even read
            assert app.screen is screen and not CommandPalette.is_open(app)
        await wait_until(pilot, lambda: not screen.query_one("#pin").disabled, timeout=15)
        await walk(pilot, [*"1111", "enter"])
        assert "locked" in problem() and screen.query_one("#pin").disabled
    assert rows(db, "select kind from audit_log") == [(REFUSED,)] * LIMIT
    assert (await _state(db)).locked


async def _state(db: Path) -> PinState:
    async with Store(db) as store:
        return await store.pin_state()


async def test_in_kiosk_mode_the_pilot_jump_asks_for_the_pin(demo_study, tmp_path):
    from preview_tui.ui.pilot import JumpScreen

    set_station(demo_study, kiosk="true")
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause(0.3)
        await moderator_command(pilot, "Moderator console")
        assert isinstance(app.screen, ModeratorScreen)
        app.screen.query_one("#pilot").value = True
        app.screen.query_one("#code").focus()
        await walk(pilot, [*"PILOT1", "enter"], ["enter"], ["enter"])
        assert app.flow.pilot and app.flow.current.kind == "page"
        page = app.screen
        await walk(pilot, ["f7"])
        assert isinstance(app.screen, PinScreen) and not isinstance(app.screen, JumpScreen)
        await walk(pilot, ["escape"])
        assert app.screen is page
        await walk(pilot, ["f7", *"1111", "enter"])
        assert isinstance(app.screen, PinScreen)
        await walk(pilot, ["escape", "f7", *PIN, "enter"])
        await wait_until(pilot, lambda: isinstance(app.screen, JumpScreen))
    assert rows(db, "select kind, subject from audit_log where kind like 'pin_%'") == [(ACCEPTED, "F12"), (REFUSED, "F7 pilot jump"), (ACCEPTED, "F7 pilot jump")]



@pytest.mark.real
async def test_pin_attempts_reach_the_central_database_with_the_rest_of_the_log(tmp_path, central_url):
    import asyncpg

    from preview_tui.sync.engine import sync
    from sync_helpers import fill_station

    db = tmp_path / "station.sqlite"
    await fill_station(db, station="a", sessions=1)
    async with Store(db) as store:
        for kind in (REFUSED, REFUSED, ACCEPTED, UNLOCKED):
            await store.record_pin(kind, "F12")
    report = await sync(db, central_url)
    assert not report.conflicts and not report.rejected
    conn = await asyncpg.connect(central_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        central = [tuple(r) for r in await conn.fetch("select kind, subject, session_id from audit_log where kind like 'pin_%' order by seq")]
    finally:
        await conn.close()
    assert central == [(REFUSED, "F12", None), (REFUSED, "F12", None), (ACCEPTED, "F12", None), (UNLOCKED, "F12", None)]
