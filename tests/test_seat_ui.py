"""A room's seat in Textual's pilot: joining, the moderator's start, a shared clip followed to its end (fake room player, real SQLite)."""

from __future__ import annotations

import re
from pathlib import Path

from preview_tui.db.migrate import upgrade
from preview_tui.db.room import RoomDb
from preview_tui.db.store import Store
from preview_tui.playback.fake import FakePlayer
from preview_tui.station.room_clip import RoomDisplay
from preview_tui.survey.study import load_study
from preview_tui.ui.seat import build_seat
from room_helpers import ROOM, rows, write_room_study


async def wait_until(pilot, predicate, timeout: float = 10.0) -> bool:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return True
        await pilot.pause(0.05)
    return predicate()


def a_seat(tmp_path: Path, *, clip_seconds: float, room_ms: int):
    """A seat's app on a room study, and the room display of that room (a fake player of ``room_ms``)."""
    root = write_room_study(tmp_path / "study", clip_seconds=clip_seconds)
    db = tmp_path / "room.db"
    upgrade(db)
    RoomDb(db, ROOM).open_room("room_t", "ABC234")
    study = load_study(root)
    app = build_seat(room=RoomDb(db, ROOM), seat="T1", settings=study.config.station, study=study, store=Store(db), player_factory=FakePlayer)
    display = RoomDisplay(FakePlayer(default_ms=room_ms, tick_ms=250), RoomDb(db, ROOM), study.media)
    return app, display, db


async def walk_to_the_clip(pilot, app, db: Path, code: str | None = None) -> None:
    """Join with the room's code (and ``code``, unless typed already), wait to be started by the
    moderator, answer the page before the shared clip."""
    app.screen.query_one("#room-code").value = "abc234"
    if code is not None:
        app.screen.query_one("#participant-code").value = code
    app.screen.query_one("#participant-code").focus()
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: type(app.screen).__name__ == "WaitScreen")
    assert await wait_until(pilot, lambda: (RoomDb(db, ROOM).seat("T1") or None) is not None and RoomDb(db, ROOM).seat("T1").status == "waiting")
    RoomDb(db, ROOM).command("T1", "start")
    assert await wait_until(pilot, lambda: type(app.screen).__name__ == "LanguageScreen")
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ConsentScreen")
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: type(app.screen).__name__ == "PageScreen")
    await pilot.press("enter", "ctrl+n")
    assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ClipScreen")


async def test_a_seat_joins_waits_for_the_moderator_and_follows_the_shared_clip(tmp_path: Path):
    app, display, db = a_seat(tmp_path, clip_seconds=2, room_ms=1500)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        for key in "XYZ999":
            await pilot.press(key)
        await pilot.press("enter", "P", "1", "enter")
        assert "not the room's code" in str(app.screen.query_one("#join-problem").render())
        await walk_to_the_clip(pilot, app, db)
        assert "watch the room's screen" in str(app.screen.query_one("#clip-status").render())
        display.start("trailer", "clip.mp4")
        assert await wait_until(pilot, lambda: app.screen.state == "playing")
        await pilot.press("up", "up")
        display.pause()
        assert await wait_until(pilot, lambda: app.screen.state == "paused")
        display.resume()
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "PageScreen", timeout=15)
    display.close()
    kinds = [k for (k,) in rows(db, "select kind from events where kind like 'clip_%'")]
    assert kinds[0] == "clip_play" and "clip_end" in kinds and "clip_shown" in kinds
    assert "clip_pause" in kinds and "clip_resume" in kinds
    samples = rows(db, "select media_ms, value from dial_samples order by media_ms")
    assert samples and samples[-1][1] == 60 and all(m % 100 == 0 for m, _ in samples)


async def test_a_seat_paused_by_the_moderator_keeps_no_dial_while_the_room_plays_on(tmp_path: Path):
    # An 8 s clip: the two commands (read every half second), the hold and the checks all come before its end.
    app, display, db = a_seat(tmp_path, clip_seconds=9, room_ms=8000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await walk_to_the_clip(pilot, app, db, code="P2")
        clip = app.screen
        display.start("trailer", "clip.mp4")
        assert await wait_until(pilot, lambda: clip.state == "playing" and display.media_now() > 800)
        RoomDb(db, ROOM).command("T1", "pause")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "PausedScreen")
        held_from = display.media_now()
        await pilot.pause(1.2)
        RoomDb(db, ROOM).command("T1", "resume")
        assert await wait_until(pilot, lambda: app.screen is clip)
        held_to = display.media_now()
        assert clip.state == "playing"  # the room's clip never stopped
        await pilot.pause(0.5)
        shown = app.export_screenshot()  # what the seat shows: the room clock's time and a bar that moved
        assert re.search(r"0:0[1-7] / 0:08", str(clip.query_one("#clip-time").render())) and "0:08" in shown
        assert 0 < clip.query_one("#clip-progress").progress < 8000
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "PageScreen", timeout=15)
    display.close()
    ledger = rows(db, "select kind, media_ms, detail from events where kind in ('clip_pause', 'clip_resume') order by mono")
    assert [k for k, _, _ in ledger] == ["clip_pause", "clip_resume"]
    assert all('"seat": true' in d and '"by": "moderator"' in d for _, _, d in ledger)
    (_, paused_at, _), (_, resumed_at, _) = ledger
    media = [m for (m,) in rows(db, "select media_ms from dial_samples order by media_ms")]
    assert media and media[0] == 0 and media[-1] >= 7800
    kept_while_held = [m for m in media if paused_at + 100 < m < resumed_at - 100]
    assert kept_while_held == [], (paused_at, resumed_at, kept_while_held)
    assert abs(paused_at - held_from) < 500 and abs(resumed_at - held_to) < 500  # at the room clock's times
    assert any(m < paused_at for m in media) and any(m > resumed_at for m in media)


async def test_a_seat_paused_as_the_room_clip_ends_stays_paused_and_goes_on_when_resumed(tmp_path: Path):
    from preview_tui.ui.clip import ClipScreen
    from preview_tui.ui.kiosk import PausedScreen

    app, display, db = a_seat(tmp_path, clip_seconds=3, room_ms=2000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await walk_to_the_clip(pilot, app, db, code="P3")
        clip = app.screen
        display.start("trailer", "clip.mp4")
        assert await wait_until(pilot, lambda: clip.state == "playing")
        RoomDb(db, ROOM).command("T1", "pause")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PausedScreen))
        assert await wait_until(pilot, lambda: app.flow.current.kind == "page", timeout=15)  # the room's clip ended meanwhile
        await pilot.pause(0.5)
        assert isinstance(app.screen, PausedScreen) and isinstance(app.screen_stack[-2], ClipScreen)  # still paused, nothing else shown
        RoomDb(db, ROOM).command("T1", "resume")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "PageScreen")
        assert not any(isinstance(s, (ClipScreen, PausedScreen)) for s in app.screen_stack)
    display.close()
