"""The room's three apps close cleanly when a timer or a command of theirs comes as they close (real SQLite, fake player).

Each has work that runs from the app itself, not from a screen: the room view's refresh, the observers'
trace and a seat's room commands. Textual may run one of them once more while it closes, with no screen
left: it must then do nothing, not fail the closing app with a traceback.
"""

from __future__ import annotations

from preview_tui.db.migrate import upgrade
from preview_tui.db.room import RoomDb
from preview_tui.db.store import Store
from preview_tui.playback.fake import FakePlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.observer import ObserverApp
from preview_tui.ui.room_view import RoomApp
from preview_tui.ui.seat import build_seat
from room_helpers import PIN_HASH, ROOM, write_room_study


def room(tmp_path):
    study = load_study(write_room_study(tmp_path / "study", clip_seconds=2))
    db = tmp_path / "room.db"
    upgrade(db)
    RoomDb(db, ROOM).open_room(study.id, "ABC234")
    return study, db


async def test_the_room_view_refreshed_as_it_closes_does_nothing(tmp_path):
    study, db = room(tmp_path)
    app = RoomApp(study=study, store=Store(db), room=RoomDb(db, ROOM), player_factory=FakePlayer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.6)
        assert "ABC234" in app.export_screenshot()
    assert not app.screen_stack
    app.refresh_room()  # no NoMatches from a table that is gone


async def test_the_observers_trace_shown_as_it_closes_does_nothing(tmp_path):
    study, db = room(tmp_path)
    app = ObserverApp(study=study, store=Store(db), room=RoomDb(db, ROOM), pin_hash=PIN_HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "PinScreen"
    assert not app.screen_stack
    app._show(object(), None)


async def test_a_seats_room_command_as_it_closes_does_nothing(tmp_path):
    study, db = room(tmp_path)
    app = build_seat(room=RoomDb(db, ROOM), seat="T1", settings=study.config.station, study=study, store=Store(db), player_factory=FakePlayer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "JoinScreen"
    assert not app.screen_stack
    for command in ("start", "pause", "resume", "end"):
        await app._command(1, command)
    app._check_idle()
