"""Step a participant through a study.

The runner is the only place where the rules of a study live: which step
comes next, which questions a page shows, whether an answer is acceptable,
when a participant is screened out. It holds the participant's answers in
memory and never does I/O: the caller stores what the runner accepted and
only then lets it advance, so nothing moves on before it is saved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from .expr import parse
from .schema import ClipStep, MultipleChoice, OpenText, Page, Rating, SingleChoice, StoryboardStep, SurveyStep
from .study import Study, text

Outcome = Literal["completed", "screened_out", "declined"]


@dataclass(frozen=True)
class LanguageItem:
    languages: tuple[str, ...]
    kind: str = "language"


@dataclass(frozen=True)
class ConsentItem:
    version: str
    kind: str = "consent"


@dataclass(frozen=True)
class PageItem:
    survey_id: str
    page: Page
    kind: str = "page"


@dataclass(frozen=True)
class StoryboardItem:
    step: StoryboardStep
    kind: str = "storyboard"


@dataclass(frozen=True)
class ClipItem:
    step: ClipStep
    kind: str = "clip"


@dataclass(frozen=True)
class EndItem:
    outcome: Outcome
    reason: str | None = None
    kind: str = "end"


Item = LanguageItem | ConsentItem | PageItem | StoryboardItem | ClipItem | EndItem


@dataclass(frozen=True)
class Problem:
    """An answer the runner will not accept: a key into the app's words, with values to fill in."""

    question_id: str
    key: str
    values: tuple[tuple[str, Any], ...] = ()


class Runner:
    def __init__(self, study: Study, *, code: str = "", seat: str = "", language: str | None = None):
        self.study = study
        self.participant = {"code": code, "seat": seat, "language": language}
        self.answers: dict[str, Any] = {}
        # What the participant saw of each clip (watched.<clip id>: percent, completed.<clip id>: bool), set by the flow.
        self.exposure: dict[str, Any] = {}
        self.outcome: EndItem | None = None
        self.items: list[Item] = [LanguageItem(tuple(study.settings.languages)), ConsentItem(study.settings.consent.version)]
        for step in study.screening.steps:
            if isinstance(step, SurveyStep):
                survey = study.surveys[step.survey]
                self.items.extend(PageItem(survey.id, page) for page in survey.pages)
            elif isinstance(step, StoryboardStep):
                self.items.append(StoryboardItem(step))
            elif isinstance(step, ClipStep):
                self.items.append(ClipItem(step))
        self.position = 0

    # -- what to show -------------------------------------------------------

    @property
    def current(self) -> Item:
        if self.outcome is not None:
            return self.outcome
        if self.position >= len(self.items):
            return EndItem("completed")
        return self.items[self.position]

    @property
    def language(self) -> str:
        return self.participant["language"] or self.study.settings.languages[0]

    def env(self) -> dict[str, Any]:
        env = dict(self.answers)
        env.update(self.exposure)
        env.update({f"participant.{k}": v for k, v in self.participant.items()})
        return env

    def shows(self, condition: str | None) -> bool:
        return condition is None or parse(condition).holds(self.env())

    def questions(self, page: Page) -> list[Any]:
        """The questions of ``page`` that this participant is shown."""
        return [q for q in page.questions if self.shows(q.show_if)]

    def consent_text(self) -> str:
        return text(self.study.settings.consent.text, self.language)

    def consent_hash(self) -> str:
        """SHA-256 of the exact consent text shown to this participant, with its version."""
        shown = f"{self.study.settings.consent.version}\n{self.language}\n{self.consent_text()}"
        return hashlib.sha256(shown.encode("utf-8")).hexdigest()

    def progress(self) -> tuple[int, int]:
        """(pages and stimuli done, how many there are), for a progress indicator."""
        work = [i for i, item in enumerate(self.items) if item.kind in ("page", "storyboard", "clip")]
        done = sum(1 for i in work if i < self.position)
        return done, len(work)

    # -- what the participant does ------------------------------------------

    def choose_language(self, lang: str) -> None:
        if lang not in self.study.settings.languages:
            raise ValueError(f"language {lang!r} is not offered by this study")
        self._expect("language")
        self.participant["language"] = lang
        self._advance()

    def consent(self, accepted: bool) -> None:
        self._expect("consent")
        if accepted:
            self._advance()
        else:
            self.outcome = EndItem("declined")

    def check(self, values: dict[str, Any]) -> list[Problem]:
        """What is wrong with the answers to the current page (nothing is changed)."""
        page = self._expect("page").page
        problems: list[Problem] = []
        for q in self.questions(page):
            problem = _check_answer(q, values.get(q.id))
            if problem:
                problems.append(Problem(q.id, *problem))
        return problems

    def answers_for_page(self, values: dict[str, Any]) -> dict[str, Any]:
        """The answers of the current page to store: those of shown questions, normalised."""
        page = self._expect("page").page
        return {q.id: _normalise(q, values.get(q.id)) for q in self.questions(page) if values.get(q.id) not in (None, "", [])}

    def screen_out_for(self, values: dict[str, Any]) -> EndItem | None:
        """The screen-out that submitting ``values`` on the current page would cause, if any (nothing changes)."""
        page = self._expect("page").page
        env = self.env()
        for q in page.questions:
            env.pop(q.id, None)
        env.update(self.answers_for_page(values))
        rules = list(page.screen_out) + [r for q in self.questions(page) for r in q.screen_out]
        for rule in rules:
            if parse(rule.when).holds(env):
                return EndItem("screened_out", rule.reason)
        return None

    def submit_page(self, values: dict[str, Any]) -> EndItem | None:
        """Accept the current page's answers (already checked and stored) and move on.

        Returns the screen-out outcome when a rule on this page screens the participant out.
        """
        if self.check(values):
            raise ValueError("submit_page() called with answers that do not pass check()")
        page = self._expect("page").page
        outcome = self.screen_out_for(values)
        for q in page.questions:
            self.answers.pop(q.id, None)
        self.answers.update(self.answers_for_page(values))
        if outcome is not None:
            self.outcome = outcome
            return outcome
        self._advance()
        return None

    def finish_stimulus(self) -> None:
        """The current storyboard or clip is over (seen, skipped or failed: the caller records which)."""
        self._expect("storyboard", "clip")
        self._advance()

    def can_go_back(self) -> bool:
        return self._previous_page() is not None

    def back(self) -> None:
        """Return to the previous page of the same questionnaire (never back past a stimulus)."""
        previous = self._previous_page()
        if previous is None:
            raise ValueError("there is no page to go back to")
        self.position = previous

    # -- internals ----------------------------------------------------------

    def _expect(self, *kinds: str) -> Any:
        item = self.current
        if item.kind not in kinds:
            raise ValueError(f"the participant is at a {item.kind} step, not {' or '.join(kinds)}")
        return item

    def _visible(self, item: Item) -> bool:
        if isinstance(item, PageItem):
            return self.shows(item.page.show_if) and bool(self.questions(item.page))
        return True

    def _advance(self) -> None:
        self.position += 1
        while self.position < len(self.items) and not self._visible(self.items[self.position]):
            self.position += 1

    def _previous_page(self) -> int | None:
        item = self.current
        if not isinstance(item, PageItem):
            return None
        i = self.position - 1
        while i >= 0:
            prev = self.items[i]
            if not isinstance(prev, PageItem) or prev.survey_id != item.survey_id:
                return None
            if self._visible(prev):
                return i
            i -= 1
        return None


def _check_answer(q: Any, value: Any) -> tuple[str, tuple[tuple[str, Any], ...]] | None:
    empty = value is None or value == "" or value == []
    if empty:
        return ("required", ()) if q.required else None
    if isinstance(q, SingleChoice):
        if value not in {o.code for o in q.options}:
            return ("invalid_choice", ())
    elif isinstance(q, MultipleChoice):
        codes = {o.code for o in q.options}
        if not isinstance(value, list) or any(v not in codes for v in value):
            return ("invalid_choice", ())
        if len(value) < q.min_selected:
            return ("min_selected", (("n", q.min_selected),))
        if q.max_selected is not None and len(value) > q.max_selected:
            return ("max_selected", (("n", q.max_selected),))
    elif isinstance(q, Rating):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= q.points:
            return ("out_of_range", (("low", 1), ("high", q.points)))
    elif isinstance(q, OpenText):
        if not isinstance(value, str):
            return ("invalid_choice", ())
        if len(value.strip()) == 0 and q.required:
            return ("required", ())
        if len(value) > q.max_length:
            return ("too_long", (("n", q.max_length),))
    return None


def _normalise(q: Any, value: Any) -> Any:
    if isinstance(q, MultipleChoice):
        order = [o.code for o in q.options]
        return sorted(set(value), key=order.index)
    if isinstance(q, OpenText):
        return value.strip()
    return value
