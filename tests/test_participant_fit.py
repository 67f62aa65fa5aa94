"""The participant's other screens at 80x24 in German: storyboard, clip, pause, idle warning, end.

Read from Textual's own rendering of the screen (its SVG screenshot, as text): every
word a participant must read is there, none cut at the right edge.
"""

from __future__ import annotations

import html
import re

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.survey.study import load_study, text
from preview_tui.ui.app import build_app
from preview_tui.ui.kiosk import PausedScreen, StillThereScreen
from preview_tui.words import WORDS, word


def storyboard_hint(n: int, total: int) -> list[str]:
    """The storyboard's key hint on frame ``n`` (the words table has named it two ways)."""
    if "storyboard_hint" in WORDS:
        return [word("storyboard_hint", "de")]
    return [word("do_next_image" if n < total else "do_continue", "de")]


def shown(app) -> str:
    svg = app.export_screenshot()
    return " ".join(html.unescape(t).replace("\xa0", " ") for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def missing(app, *texts: str) -> list[str]:
    screen = " ".join(shown(app).split())
    return [w for t in texts for w in t.split() if not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", screen)]


async def wait_for(pilot, app, kind: str, timeout: float = 8.0) -> None:
    waited = 0.0
    while (app.flow.current.kind if app.flow else None) != kind:
        assert waited < timeout, f"still on {app.flow.current.kind if app.flow else None}, waiting for {kind}"
        await pilot.pause(0.1)
        waited += 0.1


async def test_storyboard_clip_pause_idle_and_end_fit_80x24_in_german(demo_study, tmp_path):
    (demo_study / "surveys" / "reactions.yaml").unlink()
    (demo_study / "surveys" / "screener.yaml").unlink()
    main = demo_study / "screens" / "main.yaml"
    source = main.read_text()
    main.write_text(source[: source.index("steps:")] + source[source.index("steps:") :].replace("  - type: survey\n    survey: screener\n\n", "").replace("\n  - type: survey\n    survey: reactions\n", "\n"))
    config = demo_study / "config.yaml"
    body = config.read_text()
    config.write_text(body[: body.index("  quotas:")] + body[body.index("  declined:") :])
    study = load_study(demo_study)
    db = tmp_path / "db.sqlite"
    upgrade(db)
    app = build_app(settings=study.config.station, study=study, store=Store(db), player_factory=lambda: FakePlayer({"trailer.mp4": 8000}, tick_ms=250))  # 8 s: never over before the checks, however busy the machine
    de = lambda key, **v: word(key, "de", **v)  # noqa: E731
    steps = {s.id: s for s in study.screening.steps if getattr(s, "id", None)}
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (["D", "1", "enter"], ["down", "down", "enter"], ["enter"]):  # code, Deutsch, agree
            await pilot.press(*keys)
            await pilot.pause(0.3)
        for _ in range(2):  # the storyboard and the trailer come in either order
            await pilot.pause(0.3)
            if app.flow.current.kind == "storyboard":
                board = steps["opening_boards"]
                for n, frame in enumerate(board.frames, 1):
                    await pilot.pause(0.3)
                    assert not missing(app, text(board.title, "de"), text(frame.caption, "de"), de("frame_of", i=n, n=3), *storyboard_hint(n, len(board.frames))), shown(app)
                    await pilot.press("right" if n < len(board.frames) else "enter")  # → stops at the last image
            elif app.flow.current.kind == "clip":
                clip = steps["trailer"]
                await pilot.pause(0.3)
                assert not missing(app, text(clip.title, "de"), text(clip.instructions, "de"), de("dial_hint"), de("dial_low"), de("dial_high")), shown(app)
                await app.pause_session()
                await pilot.pause(0.3)
                assert isinstance(app.screen, PausedScreen) and not missing(app, de("paused")), shown(app)
                await app.resume_session()
                await pilot.pause(0.2)
                app.push_screen(StillThereScreen("de", 30))
                await pilot.pause(0.3)
                assert not missing(app, de("still_there")), shown(app)
                await pilot.press("x")
                await wait_for(pilot, app, "end" if _ else "storyboard", timeout=30)  # the rest of the clip
        await wait_for(pilot, app, "end")
        await pilot.pause(0.3)
        assert not missing(app, text(study.settings.thanks, "de")), shown(app)
        assert missing(app, "Gewinnspiel") == ["Gewinnspiel"]  # the check can fail
