"""Helpers for tests of what reaches the screen: a small study holding given texts, and the screen as text."""

from __future__ import annotations

from pathlib import Path

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app
from preview_tui.visible import INVISIBLE
from studies import opts, page, q, write_study


def study_with(root: Path, *, label: str = "A", question: str = "Q?", **study) -> Path:
    """A study whose texts are given: a page with an open question ``name`` (focused first), a choice
    (``label`` on its first option) and a long open question, then a page that pipes ``name`` in."""
    options = opts(1, 2)
    options[0]["label"] = label
    pages = [
        page("p1", q("name", "text", text=question, required=False), q("pick", "single", text=question, options=options, help=question, required=False), q("story", "text", text=question, long=True, required=False)),
        page("p2", q("next", "text", text=f"{question} {{name}}", required=False), title=question),
    ]
    return write_study(root, pages, **study)


def app_for(study_dir: Path, db: Path, **station):
    return app_of(load_study(study_dir), db, **station)


def screen_lines(app) -> list[str]:
    """What the terminal would show now, line by line (every layer of the current screen)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def assert_no_control_characters(app) -> None:
    """Nothing on screen is a control character (ESC starts every terminal escape sequence)."""
    for number, line in enumerate(screen_lines(app)):
        found = INVISIBLE.search(line)
        assert found is None, f"line {number} holds {found.group()!r}: {line!r}"


async def wait_until(pilot, condition, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not reached within {timeout} s; screen: {pilot.app.screen!r}\n{screen_text(pilot.app)}")


async def start_participant(pilot, code: str = "P1") -> None:
    """From the console, the participant's code, then the language and the consent: the first page."""
    app = pilot.app
    await pilot.press(*code, "enter")
    await wait_until(pilot, lambda: app.flow is not None and app.flow.current.kind == "language")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.flow.current.kind == "consent")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.flow.current.kind == "page")


def inject(study, replacements: dict[str, str]):
    """``study`` with each placeholder in its texts replaced, past the loader.

    Tests of the screen use it for texts the loader would refuse (control characters): the
    screen must stay safe whatever text reaches it.
    """
    from pydantic import BaseModel

    def swap(value):
        if isinstance(value, str):
            for key, new in replacements.items():
                value = value.replace(key, new)
            return value
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                object.__setattr__(value, name, swap(getattr(value, name)))
            return value
        if isinstance(value, list):
            value[:] = [swap(v) for v in value]
        elif isinstance(value, dict):
            for k in list(value):
                value[k] = swap(value[k])
        return value

    swap(study.config)
    swap(study.screening)
    for survey in study.surveys.values():
        swap(survey)
    return study


def app_of(study, db: Path, **station):
    upgrade(db)
    return build_app(settings=study.config.station.model_copy(update=station), study=study, store=Store(db), player_factory=lambda: FakePlayer(default_ms=2500))
