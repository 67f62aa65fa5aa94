"""Step a participant through a study.

The runner is the only place where the rules of a study live: which step
comes next, which questions a page shows and in what order, whether an
answer is acceptable, what is calculated, when a participant is screened out
(by a rule or a full quota). It holds the participant's answers in memory and
never does I/O: the caller stores what the runner accepted and only then lets
it advance, so nothing moves on before it is saved.

The steps it hands out are in ``items.py``, what a page's answers decide in
``page_rules.py``, and what the consent tells the participant in ``consent.py``.
"""

from __future__ import annotations

from typing import Any, Callable

from .condition_key import condition_key
from .consent import ConsentFacts, consent_facts
from .expr import parse
from .items import UNDER_AGE, ClipItem, ConsentItem, EndItem, Item, LanguageItem, Outcome, PageItem, StoryboardItem, item_name
from .jurisdiction import minimum_age
from .order import rng, shuffle
from .page_rules import PageResult, PageRules, Problem, flat
from .pipe import pipe
from .quality import Norms
from .schema import CHOICE_TYPES, ClipStep, Matrix, Page, StoryboardStep, SurveyStep
from .stimuli import StimulusOrder
from .study import Study, other_key, text

# Names the flow and the interface take from here.
__all__ = [
    "UNDER_AGE", "ClipItem", "ConsentItem", "EndItem", "Item", "LanguageItem", "Outcome", "PageItem", "StoryboardItem",
    "item_name", "PageResult", "Problem", "Runner", "Trace", "other_key",
]

Trace = Callable[[str, bool], None]


class Runner(PageRules):
    """The walk of one participant through the study's items; what a page's answers decide is in ``page_rules.py``."""

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
        self.norms = Norms()  # the usual durations of completed sessions, for the speeding checks (set by the flow)
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
        env = flat({key: value for key, value in self.answers.items() if not self.held(value)})
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

    def consent_facts(self) -> ConsentFacts:
        """What the consent screen tells this participant (the interface lays it out)."""
        return consent_facts(self.study, self.language)

    def consent_hash(self) -> str:
        """SHA-256 of what the consent screen told this participant (with the rewards offer), and its version."""
        return self.consent_facts().digest()

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
