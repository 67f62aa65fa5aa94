"""A room's seat in Textual's pilot: joining, the moderator's start, a shared clip followed to its end (fake room player, real SQLite)."""

from __future__ import annotations

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


async def test_a_seat_joins_waits_for_the_moderator_and_follows_the_shared_clip(tmp_path: Path):
    root = write_room_study(tmp_path / "study", clip_seconds=2)
    db = tmp_path / "room.db"
    upgrade(db)
    RoomDb(db, ROOM).open_room("room_t", "ABC234")
    study = load_study(root)
    app = build_seat(room=RoomDb(db, ROOM), seat="T1", settings=study.config.station, study=study, store=Store(db), player_factory=FakePlayer)
    display = RoomDisplay(FakePlayer(default_ms=1500, tick_ms=250), RoomDb(db, ROOM), study.media)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        for key in "XYZ999":
            await pilot.press(key)
        await pilot.press("enter", "P", "1", "enter")
        assert "not the room's code" in str(app.screen.query_one("#join-problem").render())
        app.screen.query_one("#room-code").value = "abc234"
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
