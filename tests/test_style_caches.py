"""A page the participant has left lets go of its widgets' line caches (ui/style_caches.py, textual#6665)."""

import gc
import weakref

from test_walk_demo import ABOUT_YOU, make_app, walk


async def test_the_widgets_of_a_page_left_behind_are_freed_with_their_line_caches(demo_study, tmp_path):
    app = make_app(demo_study, tmp_path / "station.sqlite")
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P001", "enter"], ["enter"], ["enter"])
        assert app.flow.current.page.id == "about_you"
        first = app.screen
        caches = [weakref.ref(widget._styles_cache) for widget in first.query("*")]
        assert len(caches) > 10
        del first
        await walk(pilot, ABOUT_YOU)
        assert app.flow.current.page.id == "habits"
        gc.collect()
        alive = sum(1 for ref in caches if ref() is not None)
        assert alive == 0, f"{alive} of {len(caches)} line caches of the page left behind are still held"
