"""Step a participant through a study.

The runner is the only place where the rules of a study live: which step
comes next, which questions a page shows and in what order, whether an
answer is acceptable, what is calculated, when a participant is screened out
(by a rule or a full quota). It holds the participant's answers in memory and
never does I/O: the caller stores what the runner accepted and only then lets
it advance, so nothing moves on before it is saved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from . import answers as A
from .condition_key import condition_key
from .expr import parse
from ..words import word
from .jurisdiction import minimum_age
from .order import rng, shuffle
from .pipe import pipe
from .schema import CHOICE_TYPES, Block, ClipStep, Matrix, Page, StoryboardStep, SurveyStep
from .screen_out import asked_until, calculations_kept, questions_read
from .stimuli import StimulusOrder
from .study import Study, other_key, text

Outcome = Literal["completed", "screened_out", "declined"]
UNDER_AGE = "under_age"  # the screen-out reason of a participant below the minimum age


@dataclass(frozen=True)
class LanguageItem:
    languages: tuple[str, ...]
    kind: str = "language"


@dataclass(frozen=True)
class ConsentItem:
    version: str
    minimum_age: int = 18  # the participant confirms this age when agreeing
    rewards: bool = False  # the rewards programme is offered alongside, as a separate opt-in
    kind: str = "consent"


@dataclass(frozen=True)
class PageItem:
    survey_id: str
    page: Page
    block: Block | None = None
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


def item_name(item: Item) -> str:
    """The id a researcher knows a step by: its page's or its stimulus's id, an end's reason, else ''."""
    if isinstance(item, PageItem):
        return item.page.id
    if isinstance(item, (StoryboardItem, ClipItem)):
        return item.step.id
    return getattr(item, "reason", None) or ""


@dataclass(frozen=True)
class Problem:
    """An answer the runner will not accept: a key into the app's words, with values to fill in.

    ``message`` is the study's own text for this problem, when it gives one; ``soft`` marks a
    warning that lets the participant go on when they submit again.
    """

    question_id: str
    key: str
    values: tuple[tuple[str, Any], ...] = ()
    message: Any = None
    soft: bool = False


@dataclass(frozen=True)
class PageResult:
    """What submitting a page decides, before anything is stored or the runner moves (``Runner.submit``).

    ``clear`` names stored answers that no longer apply: the page's questions left empty and, after a
    screen-out, the rest of the page (the questions after the one that triggered it) and every later page.
    """

    problems: list[Problem]
    answers: dict[str, Any] = field(default_factory=dict)  # what the page stores: normalised answers, 'specify' texts, calculations
    clear: list[str] = field(default_factory=list)
    screen_out: "EndItem | None" = None
    asked: tuple[str, ...] = ()  # after a screen-out: the page's questions up to the trigger, and the calculations kept
    later_pages: tuple[str, ...] = ()  # after a screen-out: the pages after this one, whose answers are cleared


Trace = Callable[[str, bool], None]


class Runner:
    def __init__(
        self,
        study: Study,
        *,
        code: str = "",
        seat: str = "",
        language: str | None = None,
        seed: str | None = None,
        stimulus_row: int | None = None,
        full_quotas: frozenset[str] | set[str] = frozenset(),
        trace: Trace | None = None,
    ):
        self.study = study
        self.participant = {"code": code, "seat": seat, "language": language}
        self.seed = code if seed is None else seed
        self.full_quotas = frozenset(full_quotas)
        self.trace = trace
        self.answers: dict[str, Any] = {}
        self.warned: set[str] = set()
        self.dropped: list[str] = []  # answers of pages skipped after they were answered; the caller clears them
        self.orders: dict[str, list[Any]] = {}  # what was shuffled -> the order shown
        # What the participant saw of each clip (watched.<clip id>: percent, completed.<clip id>: bool), set by the flow.
        self.exposure: dict[str, Any] = {}
        self.outcome: EndItem | None = None
        # Whether a value is held only in a form the runner cannot read (a sealed answer of a resumed
        # session, see survey/sealing.py): accepted as answered, kept as it is, never shown again.
        self.held: Callable[[Any], bool] = lambda value: False
        settings = study.settings
        adult = minimum_age(settings.minimum_age, study.config.station.jurisdiction)
        self.items: list[Item] = [LanguageItem(tuple(settings.languages)), ConsentItem(settings.consent.version, adult, settings.rewards is not None)]
        for step in study.screening.steps:
            if isinstance(step, SurveyStep):
                self.items.extend(self._survey_items(study.surveys[step.survey]))
            elif isinstance(step, StoryboardStep):
                self.items.append(StoryboardItem(step))
            elif isinstance(step, ClipStep):
                self.items.append(ClipItem(step))
        self.position = 0
        self.stimuli = StimulusOrder(study, self.items, self.seed)  # declared order until the participant reaches them
        if stimulus_row is not None and self.stimuli.places:
            self.assign_stimuli(self.stimuli.order(stimulus_row))

    # -- orders -------------------------------------------------------------

    def _shuffled(self, key: str, items: list[Any], anchored: list[bool], ids: list[Any]) -> list[Any]:
        order = shuffle(list(range(len(items))), anchored, rng(self.study.id, self.seed, key))
        self.orders[key] = [ids[i] for i in order]
        return [items[i] for i in order]

    def stimulus_order_due(self) -> bool:
        """Whether the participant has reached the stimuli whose order varies (``stimuli.py``) and none is assigned yet."""
        return self.stimuli.reached(self.position) and "stimuli" not in self.orders and self.outcome is None

    def assign_stimuli(self, order: list[str]) -> None:
        """Put the stimuli in ``order`` (their ids): one of ``stimuli.rows()``, or the order a session stored."""
        self.stimuli.place(self.items, order)
        self.orders["stimuli"] = list(order)

    def _survey_items(self, survey: Any) -> list[PageItem]:
        blocks = survey.all_blocks()
        if survey.randomize_blocks:
            blocks = self._shuffled(f"blocks:{survey.id}", blocks, [b.id in survey.anchored_blocks for b in blocks], [b.id for b in blocks])
        items: list[PageItem] = []
        for block in blocks:
            pages = list(block.pages)
            if block.randomize:
                pages = self._shuffled(f"pages:{block.id}", pages, [False] * len(pages), [p.id for p in pages])
            items.extend(PageItem(survey.id, page, block if survey.blocks else None) for page in pages)
        return items

    def options(self, q: Any) -> list[Any]:
        """The options (rows, for a matrix) of ``q`` in the order this participant sees them."""
        items = q.rows if isinstance(q, Matrix) else q.options
        if not q.randomize:
            return list(items)
        key = f"{'rows' if isinstance(q, Matrix) else 'options'}:{q.id}"
        return self._shuffled(key, list(items), [o.anchor for o in items], [o.code for o in items])

    def page_orders(self, item: PageItem) -> dict[str, list[Any]]:
        """The shuffled orders a page shows: its questions, their options or rows, its block's pages and blocks."""
        for q in self.questions(item.page):
            if getattr(q, "randomize", False):
                self.options(q)
        keys = [f"questions:{item.page.id}"] + [f"{kind}:{q.id}" for q in item.page.questions for kind in ("options", "rows")]
        if item.block is not None:
            keys.append(f"pages:{item.block.id}")
        keys.append(f"blocks:{item.survey_id}")
        return {key: self.orders[key] for key in keys if key in self.orders}

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
        """The names an expression can read: answers, each matrix row as ``grid.row``, participant fields."""
        readable = {key: value for key, value in self.answers.items() if not self.held(value)}
        env = dict(readable)
        for key, value in readable.items():
            if isinstance(value, dict):
                env.update({f"{key}.{row}": point for row, point in value.items()})
        env.update(self.exposure)
        env.update({f"participant.{k}": v for k, v in self.participant.items()})
        return env

    def holds(self, key: str, condition: str, env: dict[str, Any] | None = None) -> bool:
        result = parse(condition).holds(self.env() if env is None else env)
        if self.trace is not None:
            self.trace(key, result)
        return result

    def shows(self, condition: str | None, key: str = "") -> bool:
        return condition is None or self.holds(key, condition)

    def questions(self, page: Page) -> list[Any]:
        """The questions of ``page`` that this participant is shown, in the order shown."""
        questions = list(page.questions)
        if page.randomize:
            questions = self._shuffled(f"questions:{page.id}", questions, [False] * len(questions), [q.id for q in questions])
        return [q for q in questions if self.shows(q.show_if, condition_key("question", q.id, "show_if"))]

    def text(self, value: Any) -> str:
        """A participant-facing text in the participant's language, with earlier answers piped in."""
        return pipe(text(value, self.language), self.piped)

    def piped(self, name: str) -> Any:
        """How the answer (or participant field) ``name`` reads inside a text."""
        if name.startswith("participant."):
            return self.participant.get(name.split(".", 1)[1]) or None
        value = self.previous(name)
        q = self.study.question(name)
        if q is None or value is None:
            return value
        labels = {s.code: s.label for s in q.special}
        if isinstance(q, CHOICE_TYPES):
            labels.update({o.code: o.label for o in q.options})
        if isinstance(value, list):
            return ", ".join(text(labels[v], self.language) if v in labels else str(v) for v in value)
        if isinstance(value, dict):
            return None
        return text(labels[value], self.language) if value in labels else value

    def previous(self, key: str) -> Any:
        """The answer given to ``key``, to show again on its page (None for a value the runner cannot read)."""
        value = self.answers.get(key)
        return None if self.held(value) else value

    def consent_text(self) -> str:
        """Everything the consent screen shows above its buttons, as Markdown: the study's text, the
        kinds of data collected, and the privacy notice of the station's jurisdiction."""
        settings, lang = self.study.settings, self.language
        parts = [text(settings.consent.text, lang).strip()]
        if settings.consent.categories:
            parts.append(f"**{word('we_collect', lang)}**\n\n" + "\n".join(f"- {word('category_' + c, lang)}" for c in settings.consent.categories))
        notice = settings.notices.get(self.study.config.station.jurisdiction or "")
        if notice:
            parts.append(text(notice, lang).strip())
        return "\n\n".join(parts)

    def rewards_text(self) -> str:
        rewards = self.study.settings.rewards
        return text(rewards.text, self.language).strip() if rewards else ""

    def consent_hash(self) -> str:
        """SHA-256 of exactly what the consent screen showed this participant (with the rewards offer), and its version."""
        shown = f"{self.study.settings.consent.version}\n{self.language}\n{self.consent_text()}\n{self.rewards_text()}"
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

    def under_age(self) -> None:
        """The participant says they are under the minimum age: adults only, so the session ends here."""
        self._expect("consent")
        self.outcome = EndItem("screened_out", UNDER_AGE)

    def check(self, values: dict[str, Any]) -> list[Problem]:
        """What is wrong with the answers to the current page (nothing is changed).

        A soft-required question left empty gives a soft problem the first time only (see ``warn``).
        """
        page = self._expect("page").page
        problems: list[Problem] = []
        for q in self.questions(page):
            value = values.get(q.id)
            if A.is_empty(value):
                if q.required == "soft" and q.id not in self.warned:
                    problems.append(Problem(q.id, "soft_required", (), q.messages.get("soft_required"), soft=True))
                elif q.required is True:
                    problems.append(Problem(q.id, "required", (), q.messages.get("required")))
                continue
            if self.held(value):
                continue
            found = A.check(q, value, values.get(other_key(q.id)))
            if found:
                problems.append(Problem(q.id, found[0], found[1], q.messages.get(found[0])))
        return problems

    def warn(self, problems: list[Problem]) -> list[str]:
        """Note that the soft problems were shown: the next submit lets those questions pass empty."""
        ids = [p.question_id for p in problems if p.soft]
        self.warned.update(ids)
        return ids

    def answers_for_page(self, values: dict[str, Any]) -> dict[str, Any]:
        """What the current page stores: shown questions' answers (normalised), 'specify' texts, calculations."""
        page = self._expect("page").page
        out: dict[str, Any] = {}
        for q in self.questions(page):
            value = values.get(q.id)
            if A.is_empty(value):
                continue
            if self.held(value):
                out[q.id] = value
                if self.held(values.get(other_key(q.id))):
                    out[other_key(q.id)] = values[other_key(q.id)]
                continue
            out[q.id] = A.normalise(q, value)
            chosen = value if isinstance(value, list) else [value]
            if isinstance(q, CHOICE_TYPES) and any(o.other and o.code in chosen for o in q.options):
                specify = values.get(other_key(q.id))
                if isinstance(specify, str) and specify.strip():
                    out[other_key(q.id)] = specify.strip()
        if page.calculate:
            env = self._env_without(page)
            env.update(_flat(out))
            for calc in page.calculate:
                result = parse(calc.value).evaluate(env)
                env[calc.id] = result
                if result is not None:
                    out[calc.id] = result
        return out

    def page_keys(self, page: Page) -> list[str]:
        """Every answer key a page can store (its questions, their 'specify' texts, its calculations)."""
        keys: list[str] = []
        for q in page.questions:
            keys.append(q.id)
            if isinstance(q, CHOICE_TYPES) and any(o.other for o in q.options):
                keys.append(other_key(q.id))
        keys.extend(c.id for c in page.calculate)
        return keys

    def _env_without(self, page: Page) -> dict[str, Any]:
        env = self.env()
        for key in self.page_keys(page):
            env.pop(key, None)
            for name in [n for n in env if n.startswith(key + ".")]:
                env.pop(name)
        return env

    def screen_out_for(self, values: dict[str, Any]) -> EndItem | None:
        """The screen-out that submitting ``values`` on the current page would cause, if any (nothing changes)."""
        found = self._screening(values)
        return None if found is None else found[0]

    def _screening(self, values: dict[str, Any]) -> tuple[EndItem, frozenset[str]] | None:
        """The screen-out ``values`` cause, with the names its rule reads.

        The page's own rules come first, then its questions' rules, then the study's full quotas.
        """
        page = self._expect("page").page
        env = self._env_without(page)
        env.update(_flat(self.answers_for_page(values)))
        for i, rule in enumerate(page.screen_out):
            if self.holds(condition_key("page", page.id, "screen_out", i), rule.when, env):
                return EndItem("screened_out", rule.reason), parse(rule.when).names
        for q in self.questions(page):
            for i, rule in enumerate(q.screen_out):
                if self.holds(condition_key("question", q.id, "screen_out", i), rule.when, env):
                    return EndItem("screened_out", rule.reason), parse(rule.when).names | {q.id}
        asked = set(self.page_keys(page))
        for cell, when, quota in self.study.quota_cells():
            if cell in self.full_quotas and parse(when).names & asked:
                if self.holds(condition_key("quota", cell), when, env):
                    return EndItem("screened_out", quota.reason), parse(when).names
        return None

    def submit(self, values: dict[str, Any]) -> PageResult:
        """Everything submitting ``values`` on the current page decides; nothing changes until ``accept``.

        A screen-out keeps only the page's answers up to and including the question that triggered
        it (``screen_out.py``) and clears the rest of the page and every later page.
        """
        page = self._expect("page").page
        problems = self.check(values)
        if problems:
            return PageResult(problems)
        found = self._screening(values)
        if found is None:
            answers = self.answers_for_page(values)
            return PageResult([], answers, [key for key in self.page_keys(page) if key not in answers])
        end, names = found
        self.questions(page)  # a shuffled page's order is known from here
        ordered = self.orders.get(f"questions:{page.id}") or [q.id for q in page.questions]
        asked = asked_until(ordered, questions_read(page, names))  # those not shown among them stay "not shown"
        kept = set(asked) | {other_key(qid) for qid in asked}
        calcs = calculations_kept(page, asked)
        answers = self.answers_for_page({key: value for key, value in values.items() if key in kept})
        answers = {key: value for key, value in answers.items() if key in kept or key in calcs}
        later = [item.page for item in self.items[self.position + 1 :] if isinstance(item, PageItem)]
        clear = [key for key in self.page_keys(page) if key not in answers] + [key for p in later for key in self.page_keys(p)]
        return PageResult([], answers, clear, end, tuple(asked) + tuple(c for c in calcs if c in answers), tuple(p.id for p in later))

    def accept(self, result: PageResult) -> None:
        """Take the current page's result (from ``submit``, stored by the caller) and move on, or end on its screen-out."""
        if result.problems:
            raise ValueError("accept() called with a page result that has problems")
        page = self._expect("page").page
        for key in [*self.page_keys(page), *result.clear]:
            self.answers.pop(key, None)
        self.answers.update(result.answers)
        if result.screen_out is not None:
            self.outcome = result.screen_out
            return
        self._advance()

    def submit_page(self, values: dict[str, Any]) -> EndItem | None:
        """Accept the current page's answers (already checked and stored) and move on.

        Returns the screen-out outcome when a rule or a full quota screens the participant out.
        """
        result = self.submit(values)
        if result.problems:
            raise ValueError("submit_page() called with answers that do not pass check()")
        self.accept(result)
        return result.screen_out

    def finish_stimulus(self) -> None:
        """The current storyboard or clip is over (seen, skipped or failed: the caller records which)."""
        self._expect("storyboard", "clip")
        self._advance()

    def jump(self, position: int) -> None:
        """Pilot mode: go straight to any step (answers given so far stay; nothing is checked)."""
        if not 0 <= position < len(self.items):
            raise ValueError(f"no step {position}")
        self.outcome = None
        self.position = position

    def state(self) -> dict[str, Any]:
        """What the engine holds, for a researcher piloting the study."""
        item = self.current
        return {
            "step": f"{self.position + 1}/{len(self.items)} {item.kind} {item_name(item)}".strip(),
            "participant": dict(self.participant),
            "answers": dict(self.answers),
            "exposure": dict(self.exposure),
            "warned": sorted(self.warned),
            "orders": dict(self.orders),
            "full quotas": sorted(self.full_quotas),
        }

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
            if item.block is not None and not self.shows(item.block.show_if, condition_key("block", item.block.id, "show_if")):
                return False
            return self.shows(item.page.show_if, condition_key("page", item.page.id, "show_if")) and bool(self.questions(item.page))
        return True

    def _advance(self) -> None:
        self.position += 1
        while self.position < len(self.items) and not self._visible(self.items[self.position]):
            self._forget(self.items[self.position])
            self.position += 1

    def _forget(self, item: Item) -> None:
        """A page skipped now may have been answered before (the participant went back and changed
        an answer): its answers no longer apply, so they are dropped and reported in ``dropped``."""
        if isinstance(item, PageItem):
            for key in self.page_keys(item.page):
                if self.answers.pop(key, None) is not None:
                    self.dropped.append(key)

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


def _flat(answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` plus each matrix row as ``grid.row``."""
    out = dict(answers)
    for key, value in answers.items():
        if isinstance(value, dict):
            out.update({f"{key}.{row}": point for row, point in value.items()})
    return out
