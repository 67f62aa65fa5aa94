"""The moderator's console shows each session's data-quality flags: a marker in the list, the reasons under it.

Read from the screen itself (what the terminal would show) at 80x24 and 120x40, after sessions
answered in German and French on a real station file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from literal_helpers import app_of, screen_text, wait_until
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.quality import PageClock
from preview_tui.survey.study import load_study
from preview_tui.ui.moderator import ModeratorScreen
from studies import opts, page, q, write_study
from test_quality import Clock, grid


async def flagged_station(tmp_path):
    study = load_study(write_study(tmp_path / "study", [
        page("p1", q("a", "single", options=opts(1, 2))),
        page("p2", grid(), q("check", "single", options=opts(1, 2, 3), attention={"expect": 2})),
    ], languages=["fr", "de"], quality={"straightlining": {"min_rows": 5}, "speeding": {"page_floor_s": 5}}))
    db = tmp_path / "station.sqlite"
    upgrade(db)
    clock = Clock()
    async with Store(db) as store:
        for code, language, p1_seconds, points, check in (("Zoé", "fr", 1, [3] * 5, 1), ("Jürgen", "de", 20, [1, 2, 3, 4, 5], 2)):
            flow = await started_in(study, store, code, language, clock)
            clock.now += p1_seconds
            assert await flow.submit_page({"a": 1}) == []
            clock.now += 30
            assert await flow.submit_page({"grid": {f"r{i}": p for i, p in enumerate(points, 1)}, "check": check}) == []
    return study, db


async def started_in(study, store, code, language, clock):
    flow = await Flow.start(study, store, Participant(code=code), station="t")
    flow.pages = PageClock(clock)
    await flow.choose_language(language)
    await flow.consent(True)
    return flow


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_console_marks_the_flagged_session_and_lists_its_reasons(tmp_path, size):
    study, db = await flagged_station(tmp_path)
    app = app_of(study, db)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen) and app.screen.query_one("#sessions", DataTable).row_count == 2)
        table = app.screen.query_one("#sessions", DataTable)
        cells = {str(table.get_row_at(i)[1]): [str(c) for c in table.get_row_at(i)] for i in range(2)}
        assert cells["Zoé"][6] == "⚑ 3"
        assert cells["Jürgen"][6] == ""
        table.focus()
        zoe = next(i for i in range(2) if str(table.get_row_at(i)[1]) == "Zoé")
        table.move_cursor(row=zoe)
        box = app.screen.query_one("#session-flags", Static)
        await wait_until(pilot, lambda: box.display and "⚑ attention check check: answered 1, expected 2" in screen_text(app))
        shown = screen_text(app)
        assert "⚑ speeding: page p1 in 1.0 s, under the floor of 5 s" in shown
        assert "⚑ straight-lining grid: all 5 rows answered 3" in shown
        assert "Zoé" in shown and "Flags" in shown
        svg = app.export_screenshot()
        assert "attention&#160;check&#160;check" in svg or "attention check check" in svg
        table.move_cursor(row=1 - zoe)  # a session without flags: nothing under the list
        await wait_until(pilot, lambda: not box.display and "⚑ attention" not in screen_text(app))
        if (out := os.environ.get("PREVIEW_TUI_QUALITY_SHOTS")):
            table.move_cursor(row=zoe)
            await pilot.pause(0.3)
            (Path(out) / f"flags-{size[0]}x{size[1]}.txt").write_text(screen_text(app), encoding="utf-8")
