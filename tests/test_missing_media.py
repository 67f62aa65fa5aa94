"""A storyboard image that is missing: the moderator is told, the frame is recorded as not shown, the session goes on."""

import json

from conftest import rows
from test_walk_demo import ABOUT_YOU, HABITS, make_app, walk


async def test_a_missing_storyboard_image_is_recorded_as_not_shown_and_the_session_goes_on(demo_study, tmp_path):
    (demo_study / "media" / "board-2.png").unlink()
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        # English, agree, the screener (its soft warning on the budget, then the household page), then the storyboard.
        await walk(pilot, [*"P005", "enter"], ["enter"], ["enter"], ABOUT_YOU, HABITS, ["ctrl+n"], ["ctrl+n"])
        assert app.flow.current.kind == "storyboard"
        assert "board-2.png" not in " ".join(str(n.message) for n in app._notifications)
        await walk(pilot, ["right"])  # to the missing frame
        assert "(This image is not available.)" in str(app.screen.query_one("#frame-missing").render())
        messages = [str(n.message) for n in app._notifications]
        assert any("media/board-2.png" in m for m in messages), messages
        await walk(pilot, ["right", "enter"], wait=0.5)
        assert app.flow.current.kind == "clip"  # the session went on
    events = rows(db, "select kind, step_id, detail from events where kind like 'frame%' order by at")
    not_shown = [json.loads(detail) for kind, _, detail in events if kind == "frame_not_shown"]
    assert not_shown == [{"frame": 1, "image": "board-2.png"}]
    viewed = [json.loads(detail)["frame"] for kind, _, detail in events if kind == "frame_viewed"]
    assert viewed == [0, 1, 2]
    assert {step for _, step, _ in events} == {"opening_boards"}
