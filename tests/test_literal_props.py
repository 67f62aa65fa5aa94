"""Property tests: arbitrary text, markup, escape sequences and control characters, wherever text reaches the screen.

Whatever a study, a participant, a code or the database holds, the app does not crash, nothing
on screen is a control character (so no escape sequence from the data reaches the terminal),
and each widget shows the text as written (``visible``: control characters as ``\\uXXXX``).
Each app example runs the real app (Pilot) on a real SQLite file, so they are few.
"""

from __future__ import annotations

import json
import re
import uuid

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable, Input, Label, RadioButton, Static, TextArea

from conftest import rows
from preview_tui.report.terminal import render_text, short
from preview_tui.survey.study import load_study
from preview_tui.ui.literal import CONTROLS_SHOWN, literal, literal_cell
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.visible import INVISIBLE, visible
from literal_helpers import app_of, assert_no_control_characters, inject, screen_text, study_with, wait_until

FRAGMENTS = [
    "[/]", "[b]", "[/b]", "[i]", "[/i]", "[", "]", "\\[", "[@click=app.pop_screen]", "[@click=app.quit]", "[link=https://x.example]", "[/link]",
    "\x1b", "\x1b]0;pwned\x07", "\x1b]2;title\x1b\\", "\x1b[2J", "\x1b[31m", "\x1b]52;c;aGVsbG8=\x07", "\x1b]8;;https://x.example\x1b\\x\x1b]8;;\x1b\\",
    "\x9b31m", "\x9d0;t\x9c", "\x07", "\x08", "\r", "\x00", "\x7f", "\u202e", "\u2066", "\u200f", "\ufeff", "$var", "**", "_", "`", "#", "&#27;", "<b>", "\t",
]
# Braces are the study's piping syntax, so study texts leave them out; answers may hold them.
chunk = st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="{}"), max_size=4))
hostile = st.lists(chunk, min_size=1, max_size=6).map("".join).filter(lambda s: s.strip())
answer = st.lists(st.one_of(chunk, st.sampled_from(["{", "}", "{name}"])), min_size=1, max_size=6).map(lambda parts: "x" + "".join(parts))

APP_RUNS = settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=300, deadline=None)
@given(hostile)
@example("[/]\x1b]0;t\x07\u202e\ud800")
def test_literal_text_is_the_text_with_every_control_character_visible(text):
    shown = visible(text)
    assert INVISIBLE.search(shown) is None
    assert visible(shown) == shown  # once is enough: showing it again changes nothing
    assert str(literal(text)) == shown and literal_cell(text).plain == shown
    assert INVISIBLE.search("".join(segment.text for segment in literal(text).render_segments())) is None
    assert len(CONTROLS_SHOWN(text).plain) == len(text) and INVISIBLE.search(CONTROLS_SHOWN(text).plain) is None
    assert INVISIBLE.search(short(text)) is None


def placeholders(texts: dict[str, str]) -> dict[str, str]:
    return {f"@{name.upper()}@": text for name, text in texts.items()}


@APP_RUNS
@given(title=hostile, question=hostile, label=hostile, consent=hostile, code=hostile, typed=answer)
@example(title="[link=x]T", question="Q[/]\x1b]0;t\x07", label="[@click=app.pop_screen]L", consent="**c** [x](y) \x1b]52;c;aA==\x07", code="[/]\x1b[2J", typed="Rex[/i]\x1b]8;;u\x07\u202e")
@example(title="T", question="Q", label="\n\x06", consent="c", code="C", typed="x")  # an option that starts with a line break
async def test_any_text_in_any_place_is_shown_as_written_and_never_reaches_the_terminal(tmp_path_factory, title, question, label, consent, code, typed):
    tmp = tmp_path_factory.mktemp("p")
    texts = {"title": title, "question": question, "label": label, "consent": consent}
    root = study_with(tmp / "s", label="@LABEL@", question="@QUESTION@", title="@TITLE@", consent={"version": "1", "text": "@CONSENT@ end of consent", "categories": ["answers"]})
    study = inject(load_study(root), placeholders(texts))
    db = tmp / "station.sqlite"
    app = app_of(study, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        assert str(app.screen.query_one(".title", Label).render()) == visible(title)
        app.screen.query_one("#code", Input).value = code  # a code may come pasted or from an invitation file
        assert_no_control_characters(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.flow is not None and app.flow.current.kind == "language")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.flow.current.kind == "consent" and "end of consent" in screen_text(app))
        assert_no_control_characters(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.flow.current.kind == "page")
        screen = app.screen
        assert str(screen.query_one("#q-pick .question-text", Static).render()).startswith(visible(question))
        assert str(screen.query_one("#q-pick .question-help", Static).render()) == visible(question)
        assert str(screen.query(RadioButton).first().label) == visible(label).rstrip()  # every line of it; trailing blanks dropped
        screen.query_one("#q-name Input", Input).value = typed  # pasted: control characters and all
        screen.query_one("#q-story TextArea", TextArea).text = typed
        assert_no_control_characters(app)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.flow.current.kind == "page" and app.flow.current.page.id == "p2")
        stored = app.flow.runner.previous("name")
        assert str(app.screen.query_one("#q-next .question-text", Static).render()).startswith(visible(f"{question} {stored}"))
        assert str(app.screen.query_one(".page-title", Static).render()) == visible(question)
        assert_no_control_characters(app)
        await app.abandon_session()
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen) and app.screen.query_one("#sessions", DataTable).row_count == 1)
        await pilot.pause(0.1)
        assert str(app.screen.query_one("#sessions", DataTable).get_row_at(0)[1]) == visible(code.strip())
        assert_no_control_characters(app)
    assert [json.loads(v) for v, in rows(db, "select value from answers where question_id = 'name'")] == [stored]
    assert rows(db, "select participant_code from sessions") == [(code.strip(),)]  # stored as typed


@APP_RUNS
@given(code=hostile)
@example(code="[/]\x1b]0;t\x07")
async def test_any_wrong_invitation_code_is_refused_as_written(tmp_path_factory, code):
    tmp = tmp_path_factory.mktemp("i")
    app = app_of(load_study(study_with(tmp / "s", invitations=True)), tmp / "station.sqlite")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        app.screen.query_one("#code", Input).value = code
        await pilot.press("enter")
        problem = app.screen.query_one("#form-problem", Static)
        await wait_until(pilot, lambda: "is not an invitation" in str(problem.render()))
        assert f"'{visible(code.strip())}'" in str(problem.render())
        assert app.flow is None
        assert_no_control_characters(app)


@settings(max_examples=25, deadline=None)
@given(title=hostile, label=hostile, question=hostile)
@example(title="[/]\x1b]0;t\x07", label="A=[literal]\x1b[2J", question="[@click=app.quit]\u202e")
def test_the_report_in_the_terminal_shows_study_texts_and_never_their_control_sequences(tmp_path_factory, title, label, question):
    from preview_tui.report import build_report
    from preview_tui.db.sessions import SessionRecord
    from preview_tui.report.source import Sessions

    tmp = tmp_path_factory.mktemp("r")
    study = inject(load_study(study_with(tmp / "s", label="@LABEL@", question="@QUESTION@", title="@TITLE@")), placeholders({"title": title, "label": label, "question": question}))
    records = [SessionRecord(uuid.uuid4(), {"status": "completed", "language": "en", "is_test": False}, answers={"pick": 1, "name": "x"}) for _ in range(2)]
    report = build_report(study, Sessions(records, 0, "station.sqlite", False), language="en")
    for colour in (False, True):
        out = render_text(report, colour=colour)
        assert INVISIBLE.search(out.replace("\n", "").replace("\t", "")) is None or colour
        assert visible(title) in out and visible(question) in out
        # With colour, the only escape sequences are plotext's own colours (SGR: ESC [ ... m).
        assert re.sub("\x1b\\[[0-9;]*m", "", out).count("\x1b") == 0
    assert short(visible(label)) in render_text(report, colour=False)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=hostile, label=hostile, question=hostile)
@example(title="[/]\x1b]0;t\x07", label="A=[literal]\x1b[2J", question="[@click=app.quit]\u202e")
async def test_the_results_screen_shows_study_texts_and_never_their_control_sequences(tmp_path_factory, title, label, question):
    from preview_tui.db.migrate import upgrade
    from preview_tui.db.store import Store
    from preview_tui.flow import Flow, Participant
    from preview_tui.ui.results import Chart, ResultsScreen

    tmp = tmp_path_factory.mktemp("u")
    study = inject(load_study(study_with(tmp / "s", label="@LABEL@", question="@QUESTION@", title="@TITLE@")), placeholders({"title": title, "label": label, "question": question}))
    db = tmp / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        for code in ("R1", "R2"):
            flow = await Flow.start(study, store, Participant(code=code), station="s")
            await flow.choose_language("en")
            await flow.consent(True)
            assert await flow.submit_page({"pick": 1, "name": "x"}) == []
            assert await flow.submit_page({"next": "y"}) == []
    app = app_of(study, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen.report is not None and app.screen.query(Chart))
        await pilot.pause(0.3)
        screen = app.screen
        assert str(screen.query_one(".title", Label).render()) == visible(f"Results: {title}")
        assert str(screen.query_one("#q-pick .result-title", Label).render()) == visible(f"{question}  [pick]")
        assert short(visible(label)) in str(screen.query_one("#q-pick .result-table", Static).render())
        assert_no_control_characters(app)
