"""One participant's session, step after step, as lines: language, consent, pages, stimuli, the end.

Each step asks the flow, as the Textual screens do (``Flow.choose_language``, ``consent``,
``submit_page``, ``finish_stimulus``): the flow stores first and only then lets the runner move, so a
failed write leaves the participant on the same step with what they typed, and they try again.
The station's rules (a page that cannot be sealed stops the session, a withdrawal erases it) are the
``Station``'s; this module only asks and prints.
"""

from __future__ import annotations

import time
from typing import Any, Awaitable, Callable

from ..consent_text import consent_document
from ..db.failures import StoreError
from ..flow import Flow
from ..seal import SealError
from ..station import Station
from ..survey.runner import ClipItem, ConsentItem, EndItem, LanguageItem, PageItem, StoryboardItem
from ..words import WORDS, in_each, word
from .page import PageAsker
from .questions import number_in, numbered
from .terminal import Terminal, Typed


class Withdrawn(Exception):
    """The participant confirmed that they leave the study: the station erases their session."""


class Stopped(Exception):
    """The station stopped the session (an answer could not be sealed); what to do was printed."""


class Steps:
    def __init__(self, station: Station, term: Terminal):
        self.station, self.term = station, term

    @property
    def flow(self) -> Flow:
        assert self.station.flow is not None
        return self.station.flow

    @property
    def lang(self) -> str:
        return self.flow.language

    def t(self, value: Any) -> str:
        """A study text in the participant's language, with earlier answers piped in."""
        return self.flow.runner.text(value)

    def w(self, key: str, **values: Any) -> str:
        return word(key, self.lang, **values)

    # -- input ----------------------------------------------------------------

    def typed(self) -> Typed:
        """The participant's next line: the help is shown and the withdrawal asked here; the back command is returned."""
        while True:
            typed = self.term.typed(self.lang)
            self.station.touch()
            if typed.command == "help":
                self.term.say(self.commands())
            elif typed.command == "withdraw":
                self.term.say(self.w("plain_withdraw_confirm", yes=self.w("plain_yes")))
                answer = self.term.read().strip().casefold()
                if answer in {self.w("plain_yes").casefold(), word("plain_yes", "en")}:
                    raise Withdrawn()
            else:
                return typed

    def commands(self) -> str:
        return self.w("plain_commands", **{c: self.w(f"plain_cmd_{c}") for c in ("back", "withdraw", "help")})

    def wait_enter(self) -> None:
        self.term.say(self.w("plain_press_enter"))
        self.typed()

    def choose(self, labels: list[str], hint_key: str = "plain_type_number", *, default: int | None = None) -> int:
        """The number (from 1) of one of ``labels``, printed numbered; asked again until it names one."""
        for line in numbered(labels):
            self.term.say(line)
        while True:
            self.term.say(self.w(hint_key))
            typed = self.typed()
            if typed.command == "back":  # nothing before the language, the consent or a stimulus to go back to
                self.term.say(self.w("plain_no_back"))
                continue
            text = typed.text.strip()
            if not text and default is not None:
                return default
            n = number_in(text, len(labels))
            if n is not None:
                return n
            self.term.say(self.w("invalid_choice"))

    async def save(self, make: Callable[[], Awaitable[Any]]) -> Any:
        """Run a step that stores; when the store fails, say so and try again on Enter (nothing typed is lost)."""
        while True:
            try:
                return await make()
            except SealError as exc:  # nothing was written: the station stops the session rather than store it in the clear
                notice = await self.station.sealing_failed(exc)
                if notice is not None:
                    self.term.say(notice.text)
                raise Stopped() from exc
            except StoreError as exc:
                self.term.say(self.w("save_failed"))
                self.term.say(f"Moderator: {exc.reason}.")
                self.wait_enter()

    # -- the steps ------------------------------------------------------------

    async def run(self) -> EndItem:
        """Every step of the session, up to its end, which is shown; returns that end."""
        while True:
            item = self.flow.current
            if isinstance(item, LanguageItem):
                await self.language(item)
            elif isinstance(item, ConsentItem):
                await self.consent(item)
            elif isinstance(item, PageItem):
                await PageAsker(self).run()
            elif isinstance(item, StoryboardItem):
                await self.storyboard(item)
            elif isinstance(item, ClipItem):
                await self.clip(item)
            elif isinstance(item, EndItem):
                self.end(item)
                return item
            else:
                raise TypeError(f"no plain step for {item!r}")

    async def language(self, item: LanguageItem) -> None:
        languages = list(item.languages)
        self.term.blank()
        self.term.say(in_each("choose_language", languages))
        preset = self.flow.preset_language
        n = self.choose([WORDS["language_name"][lang] for lang in languages], default=languages.index(preset) + 1 if preset in languages else None)
        await self.save(lambda: self.flow.choose_language(languages[n - 1]))

    async def consent(self, item: ConsentItem) -> None:
        facts = self.flow.runner.consent_facts()
        self.term.blank()
        self.term.say(self.commands())  # once the participant's language is known
        self.term.blank()
        self.term.say(self.w("consent_title"))
        self.term.blank()
        self.term.say(consent_document(facts))
        if item.rewards:
            self.term.blank()
            self.term.say(facts.rewards)
        self.term.blank()
        age = item.minimum_age
        n = self.choose([self.w("accept_adult", age=age), self.w("decline"), self.w("under_age", age=age)])
        if n == 3:
            await self.save(self.flow.under_age)
            return
        rewards = False
        if n == 1 and item.rewards:
            self.term.blank()
            rewards = self.choose([self.w("rewards_opt_in"), self.w("plain_rewards_no")], default=2) == 1
        await self.save(lambda: self.flow.consent(n == 1, rewards=rewards))

    async def storyboard(self, item: StoryboardItem) -> None:
        """Each frame's caption (the study's description of the picture), one after the other, on Enter."""
        step = item.step
        self.term.blank()
        if step.title:
            self.term.say(self.t(step.title))
        for index, frame in enumerate(step.frames):
            self.term.say(self.w("frame_of", i=index + 1, n=len(step.frames)))
            self.term.say(self.t(frame.caption))
            shown_at = time.monotonic()
            self.wait_enter()
            dwell_ms = round((time.monotonic() - shown_at) * 1000)
            detail = {"frame": index, "dwell_ms": dwell_ms, "by": "key", "interface": "plain"}
            await self.save(lambda: self.flow.record("frame_viewed", mono=shown_at, detail=detail))
        await self.save(lambda: self.flow.finish_stimulus("storyboard_done"))

    async def clip(self, item: ClipItem) -> None:
        """The clip's title; it is not played here, and the exposure ledger says so."""
        step = item.step
        self.term.blank()
        self.term.say(self.w("plain_clip", title=self.t(step.title) if step.title else step.id))
        self.wait_enter()
        await self.save(lambda: self.flow.finish_stimulus("clip_not_shown", detail={"by": "system", "reason": "plain_mode"}))

    def end(self, item: EndItem) -> None:
        self.term.blank()
        self.term.say(self.t(self.flow.study.settings.end_text(item.outcome)))
