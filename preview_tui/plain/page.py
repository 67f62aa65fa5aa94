"""A questionnaire page, asked one question after another.

The engine decides as it does for the Textual page: which questions the page shows and in what
order (``runner.questions``), what is wrong with an answer (``runner.check``, asked as soon as a
question is answered, so the complaint comes right under it) and, when the page is submitted,
what is stored, cleared or screened out (``Flow.submit_page``). A soft-required question left empty
is warned about once by the flow, which records it; an empty line then goes on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..survey import answers as A
from ..survey.runner import PageItem, Problem, other_key
from ..survey.schema import CHOICE_TYPES, Matrix
from ..words import problem_text, word
from .questions import Questions

BACK = "back"  # what asking a question returns when the participant typed the back command


class PageAsker:
    """The current page of ``steps`` (a ``steps.Steps``: its flow, terminal, words and typed lines)."""

    def __init__(self, steps: Any):
        self.steps = steps
        self.flow = steps.flow
        self.runner = self.flow.runner
        item = self.flow.current
        assert isinstance(item, PageItem)
        self.item = item
        self.questions = self.runner.questions(item.page)
        self.qs = Questions(steps.lang, self.runner.text, self.runner.options)
        self.values: dict[str, Any] = {}
        for q in self.questions:  # what was given before (going back, resuming) is the starting point
            self.values[q.id] = self.runner.previous(q.id)
            if self._has_other(q):
                self.values[other_key(q.id)] = self.runner.previous(other_key(q.id))

    # -- the page -------------------------------------------------------------

    async def run(self) -> None:
        """Ask every question, then submit; the questions the engine complains about are asked again."""
        term, runner = self.steps.term, self.runner
        done, total = runner.progress()
        title = self.steps.t(self.item.page.title) if self.item.page.title else ""
        term.blank()
        term.say(f"[{min(done + 1, total)}/{total}] {title}".rstrip())
        i = 0
        while i < len(self.questions):
            if self.ask(self.questions[i]) == BACK:
                if i > 0:
                    i -= 1
                    continue
                if runner.can_go_back():
                    await self.steps.save(self.flow.back)
                    return
                term.say(self.steps.w("plain_no_back"))
                continue
            i += 1
        while True:
            problems = await self.steps.save(lambda: self.flow.submit_page(self.values))
            if not problems:
                return
            by_id = {q.id: q for q in self.questions}
            for problem in problems:
                q = by_id[problem.question_id]
                self.ask(q, problem=problem)

    # -- one question ---------------------------------------------------------

    def message(self, problem: Problem) -> str:
        if problem.key == "soft_required" and problem.message is None:  # the app's words name Ctrl+N; here it is Enter
            problem = replace(problem, key="plain_soft_required")
        return problem_text(problem, self.steps.lang, self.steps.t)

    def refused(self, q: Any, values: dict[str, Any]) -> Problem | None:
        """The engine's complaint about ``q`` if its answer were ``values[q.id]`` (soft ones wait for the page's submit)."""
        return next((p for p in self.runner.check(values) if p.question_id == q.id and not p.soft), None)

    def ask(self, q: Any, problem: Problem | None = None) -> str | None:
        """Ask ``q`` until the engine takes its answer (into ``values``); BACK when the participant asked to go back."""
        term = self.steps.term
        term.blank()
        if isinstance(q, Matrix):
            return self.ask_matrix(q, problem)
        asked = self.qs.ask(q)
        for line in asked.lines:
            term.say(line)
        if problem is not None:
            term.say(self.message(problem))
        while True:
            previous = self.values.get(q.id)
            term.say(self._hint(q, asked.hint, None if A.is_empty(previous) else asked.shown(previous)))
            typed = self.steps.typed()
            if typed.command == "back":
                return BACK
            value = previous if not typed.text.strip() else asked.read(typed.text)
            trial = {**self.values, q.id: value}
            found = self.refused(q, trial)
            if found is None or found.key == "specify":
                self.values[q.id] = value
                if self._other_chosen(q, value):
                    self.ask_other(q)
                return None
            term.say(self.message(found))

    def ask_other(self, q: Any) -> None:
        """The 'please specify' text of a chosen option that asks for one."""
        term, key = self.steps.term, other_key(q.id)
        while True:
            previous = self.values.get(key)
            term.say(word("please_specify", self.steps.lang))
            if previous:
                term.say(self.steps.w("plain_empty_keeps", answer=previous))
            typed = self.steps.typed()
            text = typed.text if typed.text.strip() else (previous or "")
            found = self.refused(q, {**self.values, key: text})
            if found is None:
                self.values[key] = text
                return
            term.say(self.message(found))

    def ask_matrix(self, q: Matrix, problem: Problem | None) -> str | None:
        """A matrix row by row; a special answer (a letter) answers the whole question."""
        term = self.steps.term
        heading = self.qs.ask(q)
        rows = self.runner.options(q)
        for line in heading.lines:
            term.say(line)
        if problem is not None:
            term.say(self.message(problem))
        before = self.values.get(q.id)
        given = before if isinstance(before, dict) else {}
        answer = {r.code: given[str(r.code)] if str(r.code) in given else given.get(r.code) for r in rows}
        while True:
            for i in range(len(rows)):
                got = self.ask_row(q, i, rows, answer, heading)
                if got == BACK:
                    return BACK
                if isinstance(got, str):  # a special answer for the whole question
                    self.values[q.id] = got
                    return None
            value = {code: point for code, point in answer.items() if point is not None}
            found = self.refused(q, {**self.values, q.id: value})
            if found is None:
                self.values[q.id] = value
                return None
            term.say(self.message(found))

    def ask_row(self, q: Matrix, i: int, rows: list[Any], answer: dict[Any, Any], heading: Any) -> str | None:
        term = self.steps.term
        asked = self.qs.row(q, i, rows)
        code = rows[i].code
        for line in asked.lines:
            term.say(line)
        while True:
            previous = answer.get(code)
            hint = self._hint(q, asked.hint, None if previous is None else asked.shown(previous), row=True)
            term.say(f"{hint} {heading.hint}".strip())
            typed = self.steps.typed()
            if typed.command == "back":
                return BACK
            special = heading.read(typed.text) if q.special and typed.text.strip() else None
            if isinstance(special, str) and special in {s.code for s in q.special}:
                return special
            point = previous if not typed.text.strip() else asked.read(typed.text)
            trial = {code: point} if point is not None else {}
            found = self.refused(q, {**self.values, q.id: trial}) if trial else None
            if found is None or found.key == "incomplete":
                answer[code] = point
                return None
            term.say(self.message(found))

    # -- what the hint says ---------------------------------------------------

    def _hint(self, q: Any, hint: str, previous: str | None, *, row: bool = False) -> str:
        if previous is not None:
            return f"{hint} {self.steps.w('plain_empty_keeps', answer=previous)}"
        if q.required is False or (row and q.required is not True):
            return f"{hint} {self.steps.w('plain_empty_skips')}"
        return hint

    @staticmethod
    def _has_other(q: Any) -> bool:
        return isinstance(q, CHOICE_TYPES) and any(o.other for o in q.options)

    def _other_chosen(self, q: Any, value: Any) -> bool:
        chosen = value if isinstance(value, list) else [value]
        return self._has_other(q) and any(o.other and o.code in chosen for o in q.options)
