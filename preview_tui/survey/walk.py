"""A bot that explores every branch of a study: ``preview-tui validate --walk``.

It steps a runner through the study as participants would, trying at each
page the answers that can change the path: every option of a question that a
condition, calculation or quota reads, the numbers those expressions compare
with (and their neighbours), empty answers to optional questions, refusing
consent, and each language when a condition reads it. It then reports which
pages were reached, which outcomes of each condition (true and false) were
seen, the ends reached, and the dead ends: pages where no answer lets the
participant go on, pages never reached, conditions that never went one way.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import answers as A
from .expr import parse
from .runner import UNDER_AGE, EndItem, PageItem, Runner
from .schema import NPS, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, SingleChoice, Slider
from .study import Study, other_key


@dataclass
class WalkReport:
    pages: list[str]
    reached: set[str] = field(default_factory=set)
    branches: dict[str, set[bool]] = field(default_factory=dict)
    ends: Counter = field(default_factory=Counter)
    dead_ends: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)
    states: int = 0
    truncated: bool = False

    @property
    def page_coverage(self) -> float:
        return len(self.reached & set(self.pages)) / len(self.pages) if self.pages else 1.0

    @property
    def branch_total(self) -> int:
        return 2 * len(self.branches)

    @property
    def branch_covered(self) -> int:
        return sum(len(seen) for seen in self.branches.values())

    @property
    def branch_coverage(self) -> float:
        return self.branch_covered / self.branch_total if self.branch_total else 1.0

    def uncovered(self) -> list[str]:
        out = []
        for key, seen in sorted(self.branches.items()):
            for outcome in (True, False):
                if outcome not in seen:
                    out.append(f"{key} is never {'true' if outcome else 'false'}")
        return out

    def _at(self, key: str) -> str:
        return f"{self.places[key]}: " if key in self.places else ""

    def lines(self) -> list[str]:
        out = [
            f"pages reached: {len(self.reached & set(self.pages))}/{len(self.pages)} ({self.page_coverage:.0%})",
            f"branches taken: {self.branch_covered}/{self.branch_total} ({self.branch_coverage:.0%})",
            "ends: " + ", ".join(f"{name} ×{n}" for name, n in sorted(self.ends.items())),
            f"states explored: {self.states}" + (" (stopped at the limit)" if self.truncated else ""),
        ]
        out += [f"never reached: {self._at('page:' + p)}page {p}" for p in self.pages if p not in self.reached]
        out += [f"not covered: {self._at(line.split(' is never')[0])}{line}" for line in self.uncovered()]
        out += [f"dead end: {line}" for line in self.dead_ends]
        return out

    @property
    def complete(self) -> bool:
        return self.page_coverage == 1.0 and self.branch_coverage == 1.0 and not self.dead_ends


def conditions(study: Study) -> list[str]:
    """The key of every condition the runner evaluates, as it reports them to a trace."""
    keys: list[str] = []
    for step in study.screening.steps:
        survey = study.surveys.get(getattr(step, "survey", None) or "")
        if survey is None:
            continue
        for block in survey.blocks:
            if block.show_if:
                keys.append(f"block:{block.id}:show_if")
        for page in survey.all_pages():
            if page.show_if:
                keys.append(f"page:{page.id}:show_if")
            keys += [f"page:{page.id}:screen_out:{i}" for i in range(len(page.screen_out))]
            for q in page.questions:
                if q.show_if:
                    keys.append(f"question:{q.id}:show_if")
                keys += [f"question:{q.id}:screen_out:{i}" for i in range(len(q.screen_out))]
    keys += [f"quota:{cell}" for cell, _, _ in study.quota_cells()]
    return keys


def _expressions(study: Study) -> Iterator[str]:
    for _, page, q in study.questions():
        if q.show_if:
            yield q.show_if
        yield from (r.when for r in q.screen_out)
    for step in study.screening.steps:
        survey = study.surveys.get(getattr(step, "survey", None) or "")
        if survey is None:
            continue
        yield from (b.show_if for b in survey.blocks if b.show_if)
        for page in survey.all_pages():
            if page.show_if:
                yield page.show_if
            yield from (r.when for r in page.screen_out)
            yield from (c.value for c in page.calculate)
    yield from (when for _, when, _ in study.quota_cells())


class _Candidates:
    """The answers worth trying for each question."""

    def __init__(self, study: Study):
        self.read: set[str] = set()
        self.numbers: dict[str, set[float]] = {}
        self.codes: dict[str, set[Any]] = {}
        self.joint: list[dict[str, Any]] = []  # codes one expression compares together (a quota cell, say)
        self.together: set[frozenset[str]] = set()  # pairs of answers one expression reads
        for source in _expressions(study):
            expr = parse(source)
            pairs = dict(expr.compared_codes())
            if len(pairs) > 1:
                self.joint.append(pairs)
            bases = sorted({name.split(".", 1)[0] for name in expr.names})
            self.together.update(frozenset((a, b)) for i, a in enumerate(bases) for b in bases[i + 1:])
            self.read |= expr.names
            for name, literal in expr.compared_codes():
                self.codes.setdefault(name, set()).add(literal)
            numbers = _numbers(expr.tree)
            for name in expr.names:
                self.numbers.setdefault(name, set()).update(numbers)

    def values(self, q: Any, runner: Runner) -> list[Any]:
        """The baseline value first, then the variants that may change the path."""
        values = _baseline(q, runner)
        if isinstance(q, Matrix) and any(name.startswith(q.id + ".") for name in self.read):
            return values + [{row.code: point.code for row in q.rows} for point in q.scale] + ([None] if q.required is not True else [])
        if q.id not in self.read:
            return values[:1] + ([None] if q.required is not True else [])
        if isinstance(q, (SingleChoice, ImageChoice)):
            values += [o.code for o in q.options]
        elif isinstance(q, MultipleChoice):
            codes = [o.code for o in q.options if not o.exclusive]
            values += [[c] for c in codes] + [[o.code] for o in q.options if o.exclusive]
            values += [codes[: q.max_selected or len(codes)]]
        elif isinstance(q, (Rating, NPS, Slider, Numeric)):
            low, high = A.scale(q) if not isinstance(q, Numeric) else (q.min if q.min is not None else 0, q.max if q.max is not None else 100)
            around = {int(n) + d for n in self.numbers.get(q.id, ()) for d in (-1, 0, 1)}
            values += sorted({int(low), int(high)} | {n for n in around if low <= n <= high})
        elif isinstance(q, Ranking):
            values.append(list(reversed(values[0])))
        values += [s.code for s in q.special]
        if q.required is not True:
            values.append(None)
        out: list[Any] = []
        for v in values:
            if v not in out:
                out.append(v)
        return out


def _numbers(tree: Any) -> set[float]:
    found: set[float] = set()
    for node in tree.iter_subtrees() if hasattr(tree, "iter_subtrees") else ():
        if node.data == "number":
            text = str(node.children[0])
            found.add(float(text) if "." in text else int(text))
    return found


def _baseline(q: Any, runner: Runner) -> list[Any]:
    if isinstance(q, (SingleChoice, ImageChoice)):
        return [q.options[0].code]
    if isinstance(q, MultipleChoice):
        return [[o.code for o in q.options if not o.exclusive][: max(1, q.min_selected)]]
    if isinstance(q, Ranking):
        return [[o.code for o in q.options]]
    if isinstance(q, (Rating, NPS, Slider)):
        return [A.scale(q)[0]]
    if isinstance(q, Numeric):
        return [q.min if q.min is not None else 1]
    if isinstance(q, OpenText):
        return ["x" * max(1, q.min_length)]
    if isinstance(q, DateQuestion):
        return [q.min or q.max or "2026-01-01"]
    if isinstance(q, Matrix):
        return [{o.code: q.scale[0].code for o in q.rows}]
    return [None]


def _page_answers(runner: Runner, candidates: _Candidates) -> list[dict[str, Any]]:
    """Answer sets for the current page: all baselines, then one question varied at a time."""
    shown = runner.questions(runner.current.page)
    per_question = {q.id: candidates.values(q, runner) for q in shown}
    base = {qid: values[0] for qid, values in per_question.items()}
    for q in shown:
        if isinstance(q, (SingleChoice, MultipleChoice, ImageChoice)):
            base[other_key(q.id)] = "other"
    sets = [base]
    for qid, values in per_question.items():
        for v in values[1:]:
            sets.append(dict(base, **{qid: v}))
    read = [qid for qid in per_question if len(per_question[qid]) > 1]
    for i, first in enumerate(read):  # pairs of answers one expression reads together (a quota cell, say)
        for second in read[i + 1:]:
            if frozenset((first, second)) in candidates.together and len(per_question[first]) * len(per_question[second]) <= 64:
                sets += [dict(base, **{first: a, second: b}) for a in per_question[first][1:] for b in per_question[second][1:]]
    by_id = {q.id: q for q in shown}
    for pairs in candidates.joint:
        here = {name: code for name, code in pairs.items() if name in by_id}
        if len(here) > 1:
            sets.append(dict(base, **{n: [c] if isinstance(by_id[n], MultipleChoice) else c for n, c in here.items()}))
    return sets


def _names_ahead(study: Study, runner: Runner) -> list[set[str]]:
    """For each position of the runner's items, every answer a condition at or after it reads.

    An answer no later condition reads cannot change the rest of the path, so states that differ
    only in such answers are explored once.
    """
    cells = [parse(when).names for _, when, _ in study.quota_cells()]
    per_item: list[set[str]] = []
    for item in runner.items:
        names: set[str] = set()
        if isinstance(item, PageItem):
            sources = [item.page.show_if, item.block.show_if if item.block else None]
            sources += [r.when for r in item.page.screen_out] + [c.value for c in item.page.calculate]
            for q in item.page.questions:
                sources += [q.show_if] + [r.when for r in q.screen_out]
            for source in filter(None, sources):
                names |= parse(source).names
            keys = set(runner.page_keys(item.page))
            for cell in cells:
                if cell & keys:
                    names |= cell
        per_item.append(names | {n.split(".", 1)[0] for n in names})
    ahead: list[set[str]] = [set() for _ in per_item]
    later: set[str] = set()
    for i in range(len(per_item) - 1, -1, -1):
        later = later | per_item[i]
        ahead[i] = later
    return ahead


def _clone(runner: Runner) -> Runner:
    twin = copy.copy(runner)
    twin.answers = dict(runner.answers)
    twin.participant = dict(runner.participant)
    twin.warned = set(runner.warned)
    twin.orders = dict(runner.orders)
    twin.dropped = []
    return twin


def walk(study: Study, *, max_states: int = 50_000) -> WalkReport:
    """Explore every branch of ``study``; see the module docstring."""
    report = WalkReport(pages=[p.id for step in study.screening.steps if getattr(step, "survey", None) in study.surveys for p in study.surveys[step.survey].all_pages()])
    report.branches = {key: set() for key in conditions(study)}
    report.places = dict(study.places)
    candidates = _Candidates(study)

    def trace(key: str, result: bool) -> None:
        report.branches.setdefault(key, set()).add(result)

    languages = list(study.settings.languages) if "participant.language" in candidates.read else [study.settings.languages[0]]
    cells = frozenset(cell for cell, _, _ in study.quota_cells())
    quota_sets = [frozenset()] + ([cells] if cells else [])
    seen: set[Any] = set()
    stack: list[Runner] = []
    ahead: list[set[str]] = []  # per position: the answers that a condition from there on can still read
    for full in quota_sets:
        for lang in languages:
            runner = Runner(study, code="WALK", seed="walk", full_quotas=full, trace=trace)
            runner.choose_language(lang)
            declined = _clone(runner)
            declined.consent(False)
            report.ends["declined"] += 1
            report.ends[f"screened_out ({UNDER_AGE})"] += 1  # the consent screen's "I am under ..." ends the same way everywhere
            runner.consent(True)
            stack.append(runner)
            if not ahead:
                ahead = _names_ahead(study, runner)
    while stack:
        runner = stack.pop()
        item = runner.current
        matters = ahead[min(runner.position, len(ahead) - 1)] if ahead else set()
        key = (runner.full_quotas, runner.position, item.kind, repr(sorted((k, repr(v)) for k, v in runner.answers.items() if k in matters)), runner.participant["language"])
        if key in seen:
            continue
        seen.add(key)
        report.states += 1
        if report.states > max_states:
            report.truncated = True
            break
        if isinstance(item, EndItem):
            report.ends[item.outcome + (f" ({item.reason})" if item.reason else "")] += 1
            continue
        if not isinstance(item, PageItem):
            runner.finish_stimulus()
            stack.append(runner)
            continue
        report.reached.add(item.page.id)
        moved = False
        for values in _page_answers(runner, candidates):
            child = _clone(runner)
            problems = child.check(values)
            if problems and all(p.soft for p in problems):
                child.warn(problems)
                problems = child.check(values)
            if problems:
                continue
            child.submit_page(values)
            stack.append(child)
            moved = True
        if not moved:
            report.dead_ends.append(f"{report._at('page:' + item.page.id)}page {item.page.id}: no answer the bot tried lets the participant go on")
    report.dead_ends = sorted(set(report.dead_ends))
    return report
