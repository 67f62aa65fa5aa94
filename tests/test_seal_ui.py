"""The console refuses a live session that cannot seal; a pilot runs with a banner; a key that fails stops the session."""

import re

from conftest import rows
from preview_tui import seal
from preview_tui.ui.moderator import ModeratorScreen
from test_walk_demo import ABOUT_YOU, make_app, walk

HABITS_WITH_BUDGET = ["enter", "tab", "space", "tab", *"12,5", "ctrl+n"]


def without_key(study) -> None:
    config = study / "config.yaml"
    text, n = re.subn(r"\n  sealing:\n    public_key: \"[^\"]+\"\n", "\n", config.read_text())
    assert n == 1
    config.write_text(text)


async def test_the_console_refuses_a_live_session_without_a_key_and_a_pilot_runs_with_a_banner(demo_study, tmp_path):
    without_key(demo_study)
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause(0.3)
        assert "Live sessions are refused" in str(app.screen.query_one("#sealing-refused").render())
        await walk(pilot, [*"P100", "enter"])
        assert app.flow is None and isinstance(app.screen, ModeratorScreen)
        assert "Not started: live sessions of study 'lighthouse_preview' are refused" in str(app.screen.query_one("#form-problem").render())
        assert rows(db, "select count(*) from sessions") == [(0,)]
        app.screen.query_one("#pilot").value = True
        app.screen.query_one("#code").focus()
        await walk(pilot, ["enter"], ["enter"], ["enter"])
        assert app.flow is not None and app.flow.pilot and app.flow.current.kind == "page"
        assert "throwaway key" in str(app.screen.query_one("#pilot-seal-banner").render())
    assert rows(db, "select participant_code, is_test from sessions") == [("P100", 1)]


async def test_a_key_that_fails_mid_session_stops_the_session_with_nothing_in_the_clear(demo_study, tmp_path, monkeypatch):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P200", "enter"], ["enter"], ["enter"], ABOUT_YOU, HABITS_WITH_BUDGET)
        assert app.flow.current.page.id == "household"

        def broken(self, value):
            raise seal.SealError("sealing failed: the key no longer works")

        monkeypatch.setattr(seal.Sealer, "seal", broken)
        await walk(pilot, ["enter", "ctrl+n"], wait=0.6)  # "Living comfortably"
        assert app.flow is None and isinstance(app.screen, ModeratorScreen)
        assert any("a sensitive answer could not be sealed" in str(n.message) for n in app._notifications)
    assert rows(db, "select status, outcome_reason from sessions") == [("abandoned", "sealing_failed")]
    answers = dict(rows(db, "select question_id, value from answers"))
    assert "money_situation" not in answers and answers["budget"] == 12.5  # the pages before were stored
