"""The study's checks of its expressions: conditions, calculations, piped texts and quotas.

Every name they use must be answered before it is read, compare a choice only with
codes it has, and fit the kind of answer it names.
"""

from __future__ import annotations

from typing import Any

from .errors import Located, suggest
from .expr import parse, type_problems
from .kinds import Kinds, answer_kinds
from .paths import conditions_in, node_at, other_key, pages_in, texts_in
from .pipe import references
from .schema import CHOICE_TYPES, ClipStep, Page, Survey
from .yamlfile import Document

PARTICIPANT_FIELDS = ("participant.language", "participant.code", "participant.seat")


class ExpressionChecks:
    """The expression checks of ``study_checks.StudyChecker``, which holds the study's files and what was found."""

    config: Any
    config_doc: Document
    screenings: dict[str, tuple[Document, Any]]
    surveys: dict[str, tuple[Document, Any]]
    questions: dict[str, Any]
    order: dict[str, int]
    used: list[str]
    broken: set[str]
    problems: list[Located]
    warnings: list[Located]
    kinds: Kinds | None

    def _expressions(self) -> None:
        """Every name in a condition, calculation or piped text is answered before it is used.

        ``show_if`` is evaluated before its page is shown, so it may use questions of earlier pages;
        ``screen_out`` and ``calculate`` once the page is answered, so they may use that page's questions
        (a calculation also the calculations listed before it). When pages or blocks are shuffled, only
        answers given before the shuffled group are sure to be there.
        """
        order = self.order
        for doc, survey in (self.surveys[sid] for sid in self.used):
            for at, block, page in pages_in(survey):
                keys = [q.id for q in page.questions]
                before_page = min(order.get(q, len(order)) for q in keys)
                after_page = max(order.get(q, -1) for q in keys) + 1
                group = _shuffled_group(survey, block, page)
                if group:
                    before_page = min(before_page, min((order.get(q.id, len(order)) for p in group for q in p.questions), default=before_page))
                checks = list(conditions_in(page, at))
                if block is not None and block.show_if and page is block.pages[0]:
                    checks.append((at[:2] + ("show_if",), block.show_if, "show_if"))
                for path, source, kind in checks:
                    limit = before_page if kind == "show_if" else after_page
                    self._names(doc, path, source, limit, group)
                for c, calc in enumerate(page.calculate):
                    self._names(doc, at + ("calculate", c, "value"), calc.value, order.get(calc.id, after_page), group, calc=calc.id)
                for path, value in texts_in(node_at(doc.data, at), at):  # a page's texts are shown before it is answered
                    if "{" in str(value):
                        self._piped(doc, path, value, before_page)

    def _names(self, doc: Document, path: tuple, source: str, limit: int, group: list, *, calc: str | None = None) -> None:
        expr = parse(source)
        for name in sorted(expr.names):
            if name in PARTICIPANT_FIELDS or name in self._exposure_names():
                continue
            if name not in self.order:
                known = list(self.order) + list(PARTICIPANT_FIELDS)
                self.problems.append(doc.error(path, f"unknown name '{name}' in expression{suggest(name, known)}"))
            elif calc is not None and self.order[name] >= limit:
                what = "refers to itself" if name == calc else f"uses '{name}', which is calculated after it"
                self.problems.append(doc.error(path, f"calculation '{calc}' {what} (a cycle)"))
            elif self.order[name] >= limit:
                where = " (its page order is shuffled)" if group else ""
                self.problems.append(doc.error(path, f"'{name}' is not answered yet where this condition is checked{where}"))
        for problem in never_true(expr, self.questions):
            self.problems.append(doc.error(path, problem))
        for problem, column in type_problems(expr, *self._kinds()):
            self.problems.append(self._in_text(doc, path, source, column, problem))
        if calc is None and not expr.names:
            try:
                constant = expr.holds({})
            except Exception:  # pragma: no cover - the interpreter never raises on constants
                constant = True
            if not constant and path[-1] == "show_if":
                self.warnings.append(doc.error(path, "this condition is always false: what it guards can never be shown"))

    def _piped(self, doc: Document, path: tuple, value: Any, limit: int) -> None:
        texts = [(path, value)] if isinstance(value, str) else [(path + (lang,), v) for lang, v in value.items() if isinstance(v, str)]
        for at, source in texts:
            for name, col in references(source):
                if name in PARTICIPANT_FIELDS:
                    continue
                if name not in self.order:
                    known = list(self.order) + list(PARTICIPANT_FIELDS)
                    self.problems.append(self._in_text(doc, at, source, col, f"unknown name '{name}' piped into this text{suggest(name, known)}"))
                elif self.order[name] >= limit:
                    self.problems.append(self._in_text(doc, at, source, col, f"'{name}' is piped into this text before it is answered"))

    @staticmethod
    def _in_text(doc: Document, path: tuple, source: str, col: int, message: str) -> Located:
        """A problem at column ``col`` of a text: exact for one-line texts, at the text's start otherwise."""
        line, start = doc.where(path)
        return Located(doc.file, line, start + col - 1 if "\n" not in source else start, message)


    def _quotas(self) -> None:
        ids: set[str] = set()
        for i, quota in enumerate(self.config.study.quotas):
            path = ("study", "quotas", i)
            if quota.id in ids:
                self.problems.append(self.config_doc.error(path + ("id",), f"duplicate quota id '{quota.id}'"))
            ids.add(quota.id)
            where = path + ("when" if quota.cross is None else "cross",)
            found: list[str] = []
            for _, when in quota.cells():
                expr = parse(when)
                for name in sorted(expr.names):
                    if name not in self.order and name not in PARTICIPANT_FIELDS and not self.broken:  # (a file that did not load may hold it)
                        found.append(f"quota '{quota.id}' uses unknown answer '{name}'{suggest(name, self.order)}")
                found.extend(never_true(expr, self.questions))
                found.extend(problem for problem, _ in type_problems(expr, *self._kinds()))
            for message in dict.fromkeys(found):
                self.problems.append(self.config_doc.error(where, message))

    def _kinds(self) -> Kinds:
        """Which answers are numbers and which texts, for the expressions' type check."""
        if self.kinds is None:
            calculations = [c for _, survey in (self.surveys[sid] for sid in self.used) for _, _, page in pages_in(survey) for c in page.calculate]
            texts = list(PARTICIPANT_FIELDS) + [other_key(qid) for qid, q in self.questions.items() if isinstance(q, CHOICE_TYPES)]
            numbers = [name for name in self._exposure_names() if name.startswith("watched.")]
            self.kinds = answer_kinds(self.questions, calculations, texts, numbers)
        return self.kinds

    def _exposure_names(self) -> set[str]:
        """``watched.<clip>`` and ``completed.<clip>`` for each clip of the screening (null until it is over)."""
        clips = [st.id for _, sc in self.screenings.values() for st in sc.steps if isinstance(st, ClipStep)]
        return {f"{kind}.{cid}" for cid in clips for kind in ("watched", "completed")}


def never_true(expr: Any, questions: dict[str, Any]) -> list[str]:
    """Comparisons of a choice question with a code it does not have (they can never hold)."""
    found: list[str] = []
    for name, code in expr.compared_codes():
        q = questions.get(name)
        if q is None:
            continue
        if not isinstance(q, CHOICE_TYPES):
            continue
        codes = [o.code for o in q.options] + [s.code for s in q.special]
        if code not in codes:
            found.append(f"'{name}' has no option {code!r}{suggest(str(code), [str(c) for c in codes])}: this comparison is never true")
    return found


def _shuffled_group(survey: Survey, block: Any, page: Page) -> list[Page]:
    """The pages whose order relative to ``page`` varies between participants."""
    if block is None:
        return []
    if survey.randomize_blocks and block.id not in survey.anchored_blocks:
        return [p for b in survey.blocks if b.id not in survey.anchored_blocks for p in b.pages]
    if block.randomize:
        return list(block.pages)
    return []
