"""Scales, matrices and image choices lay themselves out to fit: pure layouts, then Pilot tests at 80x24."""

import shutil

import pytest
from rich.cells import cell_len

from conftest import ROOT
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app
from preview_tui.ui.scales import MatrixHeader, MatrixRow, Scale, hit, matrix_columns, scale_lines, scale_mode
from studies import opts, page, q, write_study
from test_room_ui import wait_until

NPS_DE = [str(i) for i in range(11)], "Äußerst unwahrscheinlich", "Äußerst wahrscheinlich"
AGREE_DE = ["Stimme überhaupt nicht zu", "Stimme eher nicht zu", "Weder Zustimmung noch Ablehnung", "Stimme eher zu", "Stimme voll und ganz zu"]


def text_of(lines):
    return ["".join(p.text for p in line) for line in lines]


@pytest.mark.parametrize("width", [30, 40, 60, 72, 80, 100, 120, 200])
def test_every_point_and_both_end_labels_fit_every_width(width):
    points, low, high = NPS_DE
    lines = text_of(scale_lines(points, low, high, ["Weiß nicht"], None, width))
    shown = "\n".join(lines)
    assert all(cell_len(line) <= width for line in lines), lines
    assert low in shown and high in shown and "○ Weiß nicht" in shown
    assert all(f"○ {p}" in shown for p in points)


def test_the_layout_follows_the_width():
    points, low, high = NPS_DE
    assert scale_mode(points, low, high, 200) == "row"
    assert scale_mode(points, low, high, 72) == "stacked"  # 80 columns less the page's frame
    assert scale_mode(points, low, high, 40) == "list"
    stacked = text_of(scale_lines(points, low, high, [], None, 72))
    assert stacked[0].startswith(low) and stacked[0].endswith(high)  # the labels over the two ends
    assert stacked[1].startswith("○ 0") and stacked[1].endswith("○ 10")
    assert len(stacked[0]) == len(stacked[1])
    listed = text_of(scale_lines(points, low, high, [], 3, 30))
    assert listed[0] == f"○ 0  {low}" and listed[-1] == f"○ 10  {high}" and listed[3] == "● 3"


def test_a_click_finds_the_point_under_it():
    lines = scale_lines(["1", "2", "3"], "low", "high", [], None, 80)
    row = text_of(lines)[0]
    assert hit(lines, row.index("○ 2"), 0) == 1 and hit(lines, 0, 0) is None


def test_a_matrix_uses_columns_when_the_words_fit_and_rows_as_lists_otherwise():
    rows = ["Das Tempo hat meine Aufmerksamkeit gehalten", "Die Figuren waren glaubwürdig"]
    assert matrix_columns(rows, AGREE_DE, 72).mode == "list"
    wide = matrix_columns(rows, AGREE_DE, 116)
    assert wide.mode == "grid" and wide.label + 1 + wide.column * 5 <= 116
    assert wide.column > max(cell_len(w) for s in AGREE_DE for w in s.split())  # no word of the header is cut


def make_app(root, db, images="auto"):
    for name in ("board-1.png", "board-2.png", "board-3.png"):
        shutil.copy(ROOT / "media" / name, root / "media" / name)
    study = load_study(root)
    upgrade(db)
    settings = study.config.station.model_copy(update={"images": images})
    return build_app(settings=settings, study=study, store=Store(db), player_factory=lambda: FakePlayer())


async def start(pilot):
    """Code, English, agree: each key once its screen is there (a loaded machine is slow to switch)."""
    app = pilot.app
    await pilot.press(*"W1", "enter")
    for kind in ("language", "consent"):
        await wait_until(pilot, lambda: app.flow is not None and app.flow.current.kind == kind and type(app.screen).__name__ != "ModeratorScreen")
        await pilot.pause(0.2)
        await pilot.press("enter")
    await wait_until(pilot, lambda: app.flow.current.kind == "page" and type(app.screen).__name__ == "PageScreen")
    await pilot.pause(0.2)


async def test_nps_rating_and_matrix_fit_80x24(tmp_path):
    long = "Stimme überhaupt nicht zu"
    root = write_study(tmp_path / "s", [
        page("p1",
             q("rec", "nps", required=False, low_label="Äußerst unwahrscheinlich", high_label="Äußerst wahrscheinlich"),
             q("like", "rating", points=7, required=False, low_label="Hat mir überhaupt nicht gefallen", high_label="Hat mir außerordentlich gut gefallen"),
             q("grid", "matrix", required=False, rows=[{"code": "a", "label": "Das Tempo hat meine Aufmerksamkeit gehalten"}, {"code": "b", "label": "Die Figuren"}],
               scale=[{"code": i + 1, "label": label} for i, label in enumerate(AGREE_DE)])),
        page("p2", q("x", "text", required=False)),
    ])
    app = make_app(root, tmp_path / "db.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        nps = app.screen.query_one("#q-rec Scale", Scale)
        like = app.screen.query_one("#q-like Scale", Scale)
        for scale in (nps, like):
            assert scale.region.right <= 80  # whole on screen
            width = scale.content_region.width
            shown = "\n".join(text_of(scale.lines(width)))
            assert scale.low in shown and scale.high in shown and all(f"○ {p}" in shown for p in scale.points)
        assert scale_mode(nps.points, nps.low, nps.high, nps.content_region.width) == "stacked"
        assert nps.has_focus
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: nps.value == 10)
        assert "● 10" in "\n".join(text_of(nps.lines(nps.content_region.width)))
        rows = list(app.screen.query(MatrixRow))
        header = app.screen.query_one(MatrixHeader)
        assert header.columns(header.content_region.width).mode == "list"  # 80 columns: each row as a list
        assert all(long in "\n".join(text_of(r.lines(r.content_region.width))) for r in rows)
        rows[1].focus()
        await wait_until(pilot, lambda: app.screen.query_one("#questions").region.contains_region(rows[1].region))  # the focused row is scrolled into view
        await pilot.press("down", "enter")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.flow.current.kind == "page" and app.flow.current.page.id == "p2")


@pytest.mark.parametrize("method", ["kitty", "sixel", "halfcell", "unicode"])
async def test_image_choice_shows_every_picture_before_a_choice_with_each_method(tmp_path, method):
    root = write_study(tmp_path / "s", [
        page("p", q("frame", "image_choice", required=False, options=[{"code": i, "label": f"frame {i}", "image": f"board-{i}.png"} for i in (1, 2, 3)])),
        page("p2", q("x", "text", required=False)),
    ])
    app = make_app(root, tmp_path / "db.sqlite", images=method)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        for size in ((80, 24), (200, 60), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            thumbs = list(app.screen.query(".thumb"))
            assert len(thumbs) == 3
            for n, thumb in enumerate(thumbs, 1):
                image = thumb.query_one(".thumb-image")
                assert str(image.image).endswith(f"board-{n}.png")
                assert image.region.height >= 3 and image.region.width >= 10
                assert image.region.right <= size[0]
                assert f"frame {n}" in str(thumb.query_one(".thumb-label").render())
            assert not any(t.has_class("-chosen") for t in thumbs)
        await pilot.press("down", "enter")
        await pilot.pause(0.1)
        assert [t.has_class("-chosen") for t in thumbs] == [False, True, False]


async def test_the_consent_stacks_its_buttons_whole_and_scrolls_to_the_rewards_at_80x24(tmp_path):
    from textual.widgets import Button

    from preview_tui.words import word

    root = write_study(
        tmp_path / "s",
        [page("p", q("x", "text", required=False))],
        languages=["fr"],
        consent={"version": "1", "text": "\n\n".join(f"Paragraphe {i} du texte de consentement, assez long pour remplir une ligne." for i in range(12)), "categories": ["answers"]},
        rewards={"text": "Programme de récompenses. FIN-RECOMPENSES"},
    )
    app = make_app(root, tmp_path / "db.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        for group in ([*"W1", "enter"], ["enter"]):
            await pilot.press(*group)
            await pilot.pause(0.3)
        buttons = list(app.screen.query("#consent-buttons Button").results(Button))
        assert [str(b.label) for b in buttons] == [word("accept_adult", "fr", age=18), word("decline", "fr"), word("under_age", "fr", age=18)]
        assert app.screen.query_one("#consent-buttons").has_class("-stacked")
        for b in buttons:
            assert b.region.width >= len(str(b.label)) and b.region.right <= 80 and b.region.bottom <= 24  # whole, on screen
        assert buttons[0].has_focus
        cue = app.screen.query_one(".more-below")
        assert "Suite plus bas" in str(cue.render())
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause(0.5)
        assert str(cue.render()) == ""  # the end was shown
        text = app.screen.query_one("#consent-text")
        rewards = app.screen.query_one("#rewards-text")
        assert text.region.contains_region(rewards.region.intersection(text.region)) and rewards.region.bottom <= text.region.bottom
        assert buttons[0].has_focus  # scrolling kept the focus on Agree


async def test_page_down_scrolls_the_page_and_the_focus_follows_into_view(tmp_path):
    root = write_study(tmp_path / "s", [page("p", *(q(f"q{i}", "single", required=False, options=opts("a", "b", "c", "d")) for i in range(6))), page("p2", q("x", "text", required=False))])
    app = make_app(root, tmp_path / "db.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        area = app.screen.query_one("#questions")
        assert "PgDn" in str(app.screen.query_one(".more-below").render())
        for _ in range(2):
            await pilot.press("pagedown")
            await pilot.pause(0.6)
            assert area.scroll_y > 0
            assert area.region.overlaps(app.focused.region)  # the focus is never left above the view
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause(0.4)
        assert str(app.screen.query_one(".more-below").render()) == ""
