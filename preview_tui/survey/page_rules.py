"""What a page's answers decide: problems to show, what is stored, what is cleared, a screen-out.

Nothing here changes the runner: ``Runner.accept`` takes the result once the caller stored it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import answers as A
from .condition_key import condition_key
from .expr import parse
from .items import EndItem, Item, PageItem
from .paths import other_key
from .quality import Flag, Norms, page_flags
from .schema import CHOICE_TYPES, Page
from .screen_out import asked_until, calculations_kept, questions_read


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
    flags: tuple[Flag, ...] = ()  # the data-quality checks the page failed (``quality.py``), stored with its answers



class PageRules:
    """The page decisions of ``runner.Runner``, which holds the participant's answers and position."""

    study: Any
    answers: dict[str, Any]
    warned: set[str]
    orders: dict[str, list[Any]]
    items: list[Item]
    position: int
    held: Callable[[Any], bool]
    _expect: Callable[..., Any]
    env: Callable[[], dict[str, Any]]
    holds: Callable[..., bool]
    questions: Callable[[Page], list[Any]]
    norms: Norms  # the usual durations, for the speeding checks (set by the caller)

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
            env.update(flat(out))
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

    def _screening(self, values: dict[str, Any], flags: list[Flag] = ()) -> tuple[EndItem, frozenset[str]] | None:
        """The screen-out ``values`` cause, with the names its rule reads.

        The page's own rules come first, then its questions' rules, then the study's full quotas,
        then the failed quality checks (``flags``) that screen out.
        """
        page = self._expect("page").page
        env = self._env_without(page)
        env.update(flat(self.answers_for_page(values)))
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
        for flag in flags:
            if flag.screen_out:  # a question's check keeps up to that question; a page's time, the whole page
                return EndItem("screened_out", flag.screen_out), frozenset({flag.question} if flag.question else {q.id for q in self.questions(page)})
        return None

    def submit(self, values: dict[str, Any], seconds: float | None = None) -> PageResult:
        """Everything submitting ``values`` on the current page decides; nothing changes until ``accept``.

        A screen-out keeps only the page's answers up to and including the question that triggered
        it (``screen_out.py``) and clears the rest of the page and every later page. ``seconds`` is
        the time spent on the page, for the speeding check (None: not checked).
        """
        page = self._expect("page").page
        problems = self.check(values)
        if problems:
            return PageResult(problems)
        readable = {key: value for key, value in self.answers_for_page(values).items() if not self.held(value)}  # a sealed answer is never judged
        flags = page_flags(self.questions(page), readable, self.study.settings.quality, page_id=page.id, seconds=seconds, norms=self.norms)
        found = self._screening(values, flags)
        if found is None:
            answers = self.answers_for_page(values)
            return PageResult([], answers, [key for key in self.page_keys(page) if key not in answers], flags=tuple(flags))
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
        kept_flags = tuple(f for f in flags if f.question is None or f.question in asked)  # a question cleared takes its flag along
        return PageResult([], answers, clear, end, tuple(asked) + tuple(c for c in calcs if c in answers), tuple(p.id for p in later), kept_flags)


def flat(answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` plus each matrix row as ``grid.row``."""
    out = dict(answers)
    for key, value in answers.items():
        if isinstance(value, dict):
            out.update({f"{key}.{row}": point for row, point in value.items()})
    return out
