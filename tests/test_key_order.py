"""Keys that reach the app together (a busy station reads several at once) act in the order they
were pressed: Ctrl+N sees the answers chosen just before it, a key after Tab goes to the next
question, keys after Ctrl+N go to the next page. Through the real app (Pilot) on a real SQLite file."""

from __future__ import annotations

import asyncio

from textual import events
from textual.widgets import Input

from conftest import rows
from preview_tui.ui.key_order import KeyOrder
from preview_tui.ui.page import PageScreen, QuestionBlock
from test_room_ui import wait_until
from test_walk_demo import ABOUT_YOU, HABITS, make_app, walk

CHARS = {"enter": "\r", "tab": "\t", "space": " ", "down": None, "ctrl+n": "\x0e"}


def arrive_together(app, keys) -> None:
    """Put ``keys`` in the app's queue in one go, as the terminal driver does with one read of several keys."""
    for key in keys:
        app.post_message(events.Key(key, CHARS[key]))


def problems(app) -> dict[str, str]:
    return {b.question.id: str(b.query_one(".problem").render()) for b in app.screen.query(QuestionBlock) if b.has_class("-invalid")}


def on_page(app, page_id: str) -> bool:
    return isinstance(app.screen, PageScreen) and app.flow.current.page.id == page_id and app.screen.is_mounted


async def test_ctrl_n_sees_the_answers_given_by_the_keys_just_before_it(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"K001", "enter"], ["enter"], ["enter"], ABOUT_YOU)  # English, agree, the first page
        await wait_until(pilot, lambda: on_page(app, "habits"))
        arrive_together(app, HABITS)  # Never, Tab, Drama, Ctrl+N: only the soft-required budget is left
        await wait_until(pilot, lambda: "budget" in problems(app))
        assert problems(app).keys() == {"budget"}, problems(app)
        assert isinstance(app.focused, Input)  # the focus went to the question left empty
        arrive_together(app, ["ctrl+n"])
        await wait_until(pilot, lambda: on_page(app, "household"))
    assert dict(rows(db, "select question_id, value from answers")) == {"age_band": 2, "gender": 1, "cinema_visits": 1, "genres": '["drama"]'}


async def test_keys_after_ctrl_n_go_to_the_next_page(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"K002", "enter"], ["enter"], ["enter"])
        await wait_until(pilot, lambda: on_page(app, "about_you"))
        arrive_together(app, [*ABOUT_YOU, *HABITS])  # both pages at once: the second page's keys wait for it
        await wait_until(pilot, lambda: on_page(app, "habits") and "budget" in problems(app))
        assert problems(app).keys() == {"budget"}, problems(app)
    assert dict(rows(db, "select question_id, value from answers")) == {"age_band": 2, "gender": 1}


async def test_a_key_waits_no_longer_than_the_limit_for_an_app_that_never_settles():
    class App:  # always a message waiting; no screen
        message_queue_size = 1
        _next_callbacks: list = []
        screen = property(lambda self: (_ for _ in ()).throw(RuntimeError("no screen")))

        def __init__(self):
            self.posted = []

        def call_later(self, callback, *args):
            asyncio.get_running_loop().call_soon(callback, *args)
            return True

        def post_message(self, message):
            self.posted.append(message)
            return True

    app = App()
    order = KeyOrder(app, limit=0.3)
    first, second, third = (events.Key(k, k) for k in "abc")
    assert not order.holds(first)  # the first goes at once
    assert order.holds(second) and order.holds(third)  # the next ones wait for the app to settle...
    await asyncio.sleep(0.1)
    assert app.posted == []
    await wait_for(lambda: app.posted == [second])  # ...and go on after the limit, one at a time, in order
    assert not order.holds(second)  # back in: taken now
    await wait_for(lambda: app.posted == [second, third])
    order.close()


async def wait_for(condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not reached")
