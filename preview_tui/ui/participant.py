"""Screens the participant sees around the questionnaire: language, consent, the end."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual import events
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Label, Static

from ..db.failures import StoreError
from ..flow import Flow
from ..seal import SealError
from ..survey.runner import EndItem
from ..words import WORDS, in_each, word
from ..consent_text import consent_markdown
from .keys import KeyBar, Row
from .literal import literal
from .themes import PARTICIPANT_CSS
from .literal_widgets import StudyMarkdown
from .style_caches import release_style_caches
from .toggles import WrappingCheckbox


class MoreBelow(Static):
    """A cue under a scrolling area for as long as part of it lies below what is shown."""

    DEFAULT_CSS = """
    MoreBelow { height: 1; width: 100%; color: $warning; text-style: bold; content-align: center middle; }
    """

    def __init__(self, target: str, text: str):
        super().__init__("", classes="more-below")
        self.target, self.text = target, text

    def on_mount(self) -> None:
        self.set_interval(0.2, self.check)
        self.call_after_refresh(self.check)

    def more(self) -> bool:
        try:
            area = self.screen.query_one(self.target)
        except NoMatches:
            return False
        return area.max_scroll_y > 0 and area.scroll_y < area.max_scroll_y - 0.5

    def check(self) -> None:
        text = self.text if self.more() else ""
        if str(self.render()) != text:
            self.update(literal(text))


class ParticipantScreen(Screen):
    """A screen of the participant's flow. Saving goes through ``guarded``."""

    CSS_PATH = PARTICIPANT_CSS

    # Below 120 columns the pilot panel narrows so that the participant's side keeps its width (app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, flow: Flow):
        super().__init__()
        self.flow = flow
        self.next_screen: Screen | None = None  # the next step, shown once the screens above this one close

    def on_screen_resume(self) -> None:
        # The PIN, the palette or a pause closed over a step that ended meanwhile: its next step now.
        if self.next_screen is not None and self.app.screen is self:
            screen, self.next_screen = self.next_screen, None
            self.app.switch_screen(screen)

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        """This screen's keys (key, what it does, also in the hint line under it), said with ``w``: a word in the language."""
        return []

    def participant_keys(self, lang: str) -> list[Row]:
        """The keys of this screen in ``lang``: the help lists them all, the hint line the marked ones."""
        return [*self.key_rows(lambda key: word(key, lang)), ("F1", word("do_help", lang), True)]

    def _on_mount(self, event) -> None:
        super()._on_mount(event)
        if self.flow.pilot:  # the researcher sees the engine's state beside the participant's screen
            from .pilot import PilotPanel

            self.mount(PilotPanel(self.flow))

    def on_unmount(self) -> None:
        release_style_caches()  # the screen's widgets are gone: so must their cached lines be (style_caches.py)

    @property
    def lang(self) -> str:
        return self.flow.language

    def t(self, value: Any) -> str:
        """A study text in the participant's language, with earlier answers piped in."""
        return self.flow.runner.text(value)

    def w(self, key: str, **values: Any) -> str:
        return word(key, self.lang, **values)

    async def guarded(self, action: Awaitable[Any]) -> bool:
        """Run a step that saves; on failure keep the participant where they are and tell the moderator."""
        try:
            await action
            return True
        except SealError as exc:  # nothing was written: stop the session rather than store anything in the clear
            await self.app.sealing_failed(exc)
            return False
        except StoreError as exc:
            reason = exc.reason
            self.app.log.error(f"save failed: {exc!r}")
            self.notify(f"{self.w('save_failed')}\n\nModerator: {reason}.", severity="error", timeout=30)
            return False

    async def advance(self, action: Awaitable[Any]) -> None:
        """Save, and when that worked, show the next step."""
        if await self.guarded(action):
            await self.app.show_step()


class LanguageScreen(ParticipantScreen):
    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        return [("↑ ↓", w("do_choose_language"), True), (w("key_enter"), w("do_continue_language"), True)]

    def compose(self) -> ComposeResult:
        languages = self.flow.study.settings.languages
        with Center(id="language-box"):
            yield Label(in_each("choose_language", languages), id="language-title", classes="title")
            for lang in languages:
                yield Button(WORDS["language_name"][lang], id=f"lang-{lang}", classes="language")
        yield KeyBar(self, languages)

    def on_mount(self) -> None:
        preset = self.flow.preset_language
        target = f"#lang-{preset}" if preset else "Button"
        self.query_one(target, Button).focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        lang = (event.button.id or "").removeprefix("lang-")
        await self.advance(self.flow.choose_language(lang))

    BINDINGS = [Binding("down,right", "app.focus_next", show=False), Binding("up,left", "app.focus_previous", show=False)]


class ConsentScreen(ParticipantScreen):
    """The consent text with what is collected and the local notice; agreeing confirms the minimum age.

    The rewards programme, when the study offers it, is a separate box that starts
    unticked: agreeing to the study never signs anyone up.
    """

    BINDINGS = [
        Binding("right", "app.focus_next", show=False),
        Binding("left", "app.focus_previous", show=False),
        Binding("down", "scroll_text('down')", show=False),
        Binding("up", "scroll_text('up')", show=False),
        Binding("pagedown", "scroll_text('page_down')", show=False),
        Binding("pageup", "scroll_text('page_up')", show=False),
        Binding("end", "scroll_text('end')", show=False),
        Binding("home", "scroll_text('home')", show=False),
    ]

    def compose(self) -> ComposeResult:
        item = self.flow.current
        age = item.minimum_age
        facts = self.flow.runner.consent_facts()
        with Vertical(id="consent-box"):
            yield Label(self.w("consent_title"), classes="title")
            with VerticalScroll(id="consent-text"):
                yield StudyMarkdown(consent_markdown(facts))
                if item.rewards:
                    yield StudyMarkdown(facts.rewards, id="rewards-text")
            yield MoreBelow("#consent-text", self.w("more_below"))
            if item.rewards:
                yield WrappingCheckbox(self.w("rewards_opt_in"), value=False, id="rewards")
            with Horizontal(classes="buttons", id="consent-buttons"):
                yield Button(self.w("accept_adult", age=age), id="accept", variant="primary")
                yield Button(self.w("decline"), id="decline")
                yield Button(self.w("under_age", age=age), id="under-age")
        yield KeyBar(self, [self.lang])

    def on_mount(self) -> None:
        self.query_one("#accept", Button).focus()

    def on_resize(self, event: events.Resize) -> None:
        """Buttons side by side when they fit, else one under the other, each as wide as the screen."""
        buttons = list(self.query("#consent-buttons Button"))
        needed = sum(len(str(b.label)) + 8 for b in buttons) + 8
        self.query_one("#consent-buttons").set_class(needed > event.size.width, "-stacked")

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        return [
            ("Tab  ← →", w("do_move_buttons"), True),
            (f"↑ ↓  {w('key_pages')}", w("do_scroll_text"), False),
            (w("key_space"), w("do_tick"), False),
            (w("key_enter"), w("do_press"), True),
        ]

    def action_scroll_text(self, how: str) -> None:
        area = self.query_one("#consent-text", VerticalScroll)
        {"down": area.scroll_down, "up": area.scroll_up, "page_down": area.scroll_page_down, "page_up": area.scroll_page_up, "end": area.scroll_end, "home": area.scroll_home}[how](animate=False)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "under-age":
            await self.advance(self.flow.under_age())
            return
        boxes = self.query("#rewards")
        rewards = bool(boxes) and boxes.first(Checkbox).value
        await self.advance(self.flow.consent(event.button.id == "accept", rewards=rewards))


class EndScreen(ParticipantScreen):
    """Thank-you, screened-out or declined; then the station returns to the moderator screen."""

    BINDINGS = [Binding("enter,space", "done", show=False)]

    def __init__(self, flow: Flow, *, seconds: float):
        super().__init__(flow)
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        end = self.flow.current
        assert isinstance(end, EndItem)
        message = self.flow.study.settings.end_text(end.outcome)
        with Center(id="end-box"):
            yield Static(literal(self.t(message)), id="end-message", classes=f"end-{end.outcome}")
        yield KeyBar(self, [self.lang])

    def on_mount(self) -> None:
        if self.seconds:
            self.set_timer(self.seconds, self.action_done)

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        return [(w("key_enter"), w("do_finish"), True)]

    async def action_done(self) -> None:
        if self.is_current:
            await self.app.end_session()
