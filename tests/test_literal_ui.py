"""Text is text: codes, answers and study texts reach the screen as typed (Pilot, real SQLite files).

Each of these texts once crashed the app (a MarkupError while the screen was drawn), vanished
(``[literal]`` read as a style) or became a clickable action.
"""

import json
import sqlite3

from textual import events
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.pin import hash_pin
from preview_tui.survey.study import load_study
from preview_tui.ui.kiosk import WelcomeScreen
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.visible import visible
from literal_helpers import app_for, app_of, assert_no_control_characters, inject, screen_text, start_participant, study_with, wait_until

SIZE = (110, 36)


async def test_a_participant_code_of_markup_is_listed_as_typed_at_every_start(tmp_path):
    root = study_with(tmp_path / "s")
    db = tmp_path / "station.sqlite"
    for start in range(2):  # the code is in the station file: the next start lists it again
        app = app_for(root, db)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen) and app.screen.query_one("#sessions", DataTable).row_count == start)
            if start == 0:
                await pilot.press(*"[/]", "enter")
                await wait_until(pilot, lambda: app.flow is not None)
                await app.abandon_session()
                await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen) and app.screen.query_one("#sessions", DataTable).row_count == 1)
            await pilot.pause(0.2)
            table = app.screen.query_one("#sessions", DataTable)
            assert str(table.get_row_at(0)[1]) == "[/]"
            assert "[/]" in screen_text(app)
    assert rows(db, "select participant_code from sessions") == [("[/]",)]


async def test_an_answer_of_markup_piped_into_a_later_question_is_shown_as_typed_and_after_a_resume(tmp_path):
    root = study_with(tmp_path / "s", question="Hi")
    db = tmp_path / "station.sqlite"
    app = app_for(root, db)
    async with app.run_test(size=SIZE) as pilot:
        await start_participant(pilot)
        app.screen.query_one("#q-name Input").focus()
        await pilot.press(*"Rex[/i]", "ctrl+n")
        await wait_until(pilot, lambda: app.flow.current.kind == "page" and app.flow.current.page.id == "p2" and "Hi Rex[/i]" in screen_text(app))
        session = app.flow.session_id
        await app.abandon_session()
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
    assert [json.loads(v) for v, in rows(db, "select value from answers where question_id = 'name'")] == ["Rex[/i]"]
    app = app_for(root, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        await app.resume_interrupted(session)
        await wait_until(pilot, lambda: app.flow is not None and "Hi Rex[/i]" in screen_text(app))


async def test_a_wrong_invitation_code_of_markup_is_refused_as_typed(tmp_path):
    root = study_with(tmp_path / "s", invitations=True)
    db = tmp_path / "station.sqlite"
    app = app_for(root, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"[/]", "enter")
        problem = app.screen.query_one("#form-problem", Static)
        await wait_until(pilot, lambda: "the code '[/]' is not an invitation" in screen_text(app))
        assert app.flow is None and "[/]" in str(problem.render())


async def test_a_study_title_with_a_link_tag_starts_and_shows_the_tag(tmp_path):
    title = "[link=https://example.com]Preview[/link] A=[literal] [b]bold[/b]"
    root = study_with(tmp_path / "s", title=title, welcome=title)
    app = app_for(root, tmp_path / "station.sqlite")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: title in screen_text(app))
    kiosk = app_for(root, tmp_path / "station.sqlite", kiosk=True, moderator_pin=hash_pin("2468"))
    async with kiosk.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(kiosk.screen, WelcomeScreen) and title in screen_text(kiosk))


async def test_square_brackets_and_escape_sequences_in_study_texts_are_shown_as_written(tmp_path):
    root = study_with(tmp_path / "s", label="A=[literal] @TITLE@ @CLEAR@ @RLO@evil", question="Q=[b]x[/b] @CLIP@")
    # The loader refuses control characters in study files; they are put in past it, as a study
    # file that reached a station some other way would hold them.
    study = inject(load_study(root), {"@TITLE@": "\x1b]0;pwned\x07", "@CLEAR@": "\x1b[2J", "@RLO@": "\u202e", "@CLIP@": "\x1b]52;c;aGk=\x07"})
    app = app_of(study, tmp_path / "station.sqlite")
    async with app.run_test(size=SIZE) as pilot:
        await start_participant(pilot)
        await wait_until(pilot, lambda: "A=[literal]" in screen_text(app))
        shown = screen_text(app)
        assert "A=[literal] \\u001b]0;pwned\\u0007 \\u001b[2J \\u202eevil" in shown
        assert "Q=[b]x[/b] \\u001b]52;c;aGk=\\u0007" in shown
        assert_no_control_characters(app)


async def test_an_answer_with_control_characters_is_stored_as_typed_and_shown_visibly(tmp_path):
    root = study_with(tmp_path / "s", question="Hi")
    db = tmp_path / "station.sqlite"
    study = load_study(root)
    typed = "Rex\x1b]0;t\x07\u202e"
    upgrade(db)
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="P\x1b[31m"), station="s")
        await flow.choose_language("en")
        await flow.consent(True, rewards=False)
        assert await flow.submit_page({"pick": 1, "name": typed}) == []
    assert [json.loads(v) for v, in rows(db, "select value from answers where question_id = 'name'")] == [typed]  # as typed
    app = app_for(root, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen) and app.screen.query_one("#sessions", DataTable).row_count == 1)
        await pilot.pause(0.2)
        assert "P\\u001b[31m" in screen_text(app)
        await app.resume_interrupted(flow.session_id)
        await wait_until(pilot, lambda: "Hi Rex\\u001b]0;t\\u0007\\u202e" in screen_text(app))
        assert_no_control_characters(app)


async def test_the_consent_markdown_shows_links_as_text_and_never_opens_them(tmp_path):
    consent = "Read **this**.\n\nSee [our site](https://example.com) or <https://example.org> &#27;[31m [@click=app.pop_screen]x[/]"
    root = study_with(tmp_path / "s", consent={"version": "1", "text": consent, "categories": ["answers"]})
    app = app_for(root, tmp_path / "station.sqlite")
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"P1", "enter")
        await wait_until(pilot, lambda: app.flow is not None and app.flow.current.kind == "language")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.flow.current.kind == "consent" and "our site" in screen_text(app))
        shown = screen_text(app)
        assert "[our site](https://example.com)" in shown and "<https://example.org>" in shown
        assert "&#27;[31m" in shown and "[@click=app.pop_screen]x[/]" in shown
        assert "**this**" not in shown and "Read this." in shown  # emphasis is in the subset
        line = next(i for i, text in enumerate(shown.splitlines()) if "our site" in text)
        await pilot.click(offset=(shown.splitlines()[line].index("our site") + 2, line))
        await pilot.pause(0.3)
        assert opened == [] and app.flow.current.kind == "consent"


async def test_a_notification_echoing_markup_is_shown_as_written(tmp_path):
    app = app_for(study_with(tmp_path / "s"), tmp_path / "station.sqlite")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.notify("the code '[/]' \x1b]0;t\x07", title="[b]x")
        await wait_until(pilot, lambda: "the code '[/]' \\u001b]0;t\\u0007" in screen_text(app))
        assert_no_control_characters(app)


async def test_in_kiosk_mode_a_click_on_an_action_in_a_text_does_nothing(tmp_path):
    root = study_with(tmp_path / "s", welcome="[@click=app.pop_screen]Touch here to start[/]")
    app = app_for(root, tmp_path / "station.sqlite", kiosk=True, moderator_pin=hash_pin("2468"))
    async with app.run_test(size=SIZE) as pilot:

        def where() -> tuple[int, int]:
            lines = screen_text(app).splitlines()
            y = next(i for i, text in enumerate(lines) if "Touch here" in text)
            return lines[y].index("Touch here") + 3, y

        async def click_the_text() -> None:
            """A press and a release given to the app, as the terminal's driver does (Pilot's own
            click goes past the app, straight to the screen)."""
            x, y = where()
            for kind in (events.MouseDown, events.MouseUp):
                app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))
                await pilot.pause(0.1)
            await pilot.pause(0.3)

        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen) and "Touch here" in screen_text(app))
        assert "[@click=app.pop_screen]" in screen_text(app)
        await click_the_text()
        assert isinstance(app.screen, WelcomeScreen)
        # Even text that did carry an action (none of the app's does) is dead under a kiosk's mouse.
        app.screen.query_one("#welcome-text", Static).update(Content.from_markup("[@click=app.pop_screen]Touch here to start[/]"))
        await pilot.pause(0.5)
        await wait_until(pilot, lambda: "[@click" not in screen_text(app) and "@click" in app.screen.get_style_at(*where()).meta)
        await click_the_text()
        assert isinstance(app.screen, WelcomeScreen)


async def test_a_stored_value_the_terminal_cannot_show_never_stops_the_app(tmp_path):
    root = study_with(tmp_path / "s", question="Hi")
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        flow = await Flow.start(load_study(root), store, Participant(code="P1"), station="s")
        await flow.choose_language("en")
        await flow.consent(True, rewards=False)
        assert await flow.submit_page({"pick": 1, "name": "ok", "story": "ok"}) == []
    # Written by another program (a sync, a repair): a lone surrogate no terminal encoding can
    # write, an escape sequence and a bidi override, in the station file's JSON.
    stored = '"R\\ud800\\u001b]0;t\\u0007\\u202e"'
    with sqlite3.connect(db) as con:
        con.execute(f"update answers set value = '{stored}' where question_id in ('name', 'story')")
    app = app_for(root, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        await app.resume_interrupted(flow.session_id)
        await wait_until(pilot, lambda: "Hi R\\ud800\\u001b]0;t\\u0007\\u202e" in screen_text(app))
        assert_no_control_characters(app)
        await pilot.press("ctrl+b")  # back to the page that shows the answers in their inputs
        await wait_until(pilot, lambda: app.flow.current.page.id == "p1" and "R\ufffd\u241b]0;t\u2407\ufffd" in screen_text(app))
        assert_no_control_characters(app)
        assert app.screen.query_one("#q-name Input", Input).value == "R\ud800\x1b]0;t\x07\u202e"  # kept as stored
        await pilot.press("ctrl+n")  # and given again as it is
        await wait_until(pilot, lambda: app.flow.current.page.id == "p2")
    assert [json.loads(v) for v, in rows(db, "select value from answers where question_id = 'name'")] == ["R\ud800\x1b]0;t\x07\u202e"]


async def test_the_pilot_panel_and_the_step_jump_show_codes_and_answers_as_written(tmp_path):
    from textual.widgets import Checkbox

    from preview_tui.ui.pilot import JumpScreen

    app = app_for(study_with(tmp_path / "s", question="Hi"), tmp_path / "station.sqlite")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        app.screen.query_one("#pilot", Checkbox).value = True
        app.screen.query_one("#code", Input).value = "[/]\x1b]0;t\x07"
        await start_participant(pilot, code="")
        app.screen.query_one("#q-name Input", Input).value = "Rex[/i]\x1b[2J"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.flow.current.page.id == "p2" and "Rex[/i]" in str(app.screen.query_one("#pilot-state", Static).render()))
        state = str(app.screen.query_one("#pilot-state", Static).render())
        assert "[/]" in state and "\\u001b" in state
        assert_no_control_characters(app)
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, JumpScreen))
        assert_no_control_characters(app)


async def test_every_question_type_and_stimulus_shows_a_hostile_text_as_written(tmp_path):
    """Each step of a study whose every text is the same hostile one, reached by the pilot's jump."""
    import shutil
    from pathlib import Path

    from textual.widgets import Checkbox

    from studies import opts, page, q, write_study

    hostile = "H[/]=[b][@click=app.pop_screen]x\x1b]0;t\x07\u202e"
    shown = visible(hostile)
    T = "@T@"

    def options(*codes):
        return [{**o, "label": T} for o in opts(*codes)]

    questions = [
        q("multi", "multi", text=T, help=T, options=options(1, 2)),
        q("slide2", "slider", text=T, special=[{"code": "dk", "label": T}]),
        q("rank", "ranking", text=T, options=options(1, 2)),
        q("rate", "rating", text=T, points=3, labels=[T, T, T]),
        q("rate2", "rating", text=T, points=3, low_label=T, high_label=T),
        q("nps", "nps", text=T, low_label=T, high_label=T),
        q("slide", "slider", text=T, low_label=T, high_label=T),
        q("num", "numeric", text=T, unit=T),
        q("grid", "matrix", text=T, rows=options(1, 2), scale=options(1, 2)),
        q("other", "single", text=T, options=[*options(1), {"code": 2, "label": T, "other": True}]),
    ]
    steps = [
        {"type": "storyboard", "id": "boards", "title": T, "frames": [{"image": "board-1.png", "caption": T}]},
        {"type": "clip", "id": "clip", "file": "trailer.mp4", "title": T, "instructions": T, "dial": {"low_label": T, "high_label": T}},
        {"type": "survey", "survey": "s"},
    ]
    root = write_study(tmp_path / "s", [page("p1", *questions, title=T)], steps=steps, title=T, thanks=T, welcome=T, consent={"version": "1", "text": T, "categories": ["answers"]})
    media = Path(__file__).resolve().parents[1] / "media"
    for name in ("board-1.png", "trailer.mp4"):
        shutil.copy(media / name, root / "media" / name)
    app = app_of(inject(load_study(root), {T: hostile}), tmp_path / "station.sqlite")
    async with app.run_test(size=(140, 60)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        assert shown in screen_text(app)
        app.screen.query_one("#pilot", Checkbox).value = True
        await pilot.press(*"P1", "enter")
        await wait_until(pilot, lambda: app.flow is not None and app.flow.current.kind == "language")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.flow.current.kind == "consent" and shown in screen_text(app))
        assert_no_control_characters(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.flow.current.kind == "storyboard")
        flow = app.flow
        for position, item in enumerate(flow.runner.items):
            if item.kind in ("language", "consent"):  # given already; the consent text is tested above
                continue
            await flow.jump(position)
            await app.show_step()
            await wait_until(pilot, lambda: getattr(app.screen, "flow", None) is flow and flow.runner.position == position and shown in screen_text(app))
            await pilot.pause(0.3)
            assert_no_control_characters(app)
            if item.kind == "page":
                text = screen_text(app)
                assert text.count(shown) >= 12, text  # question texts, options, labels, rows, scales, title
