"""A bot that explores every branch of a study: ``preview-tui validate --walk``.

It drives the app's own runner (``survey/runner.py``) through the study as
participants would, from every start that can change the path: each language
a condition reads, each order of shuffled blocks, pages and stimuli (several
seeds, every Latin-square row), no quota cell full and each cell full on its
own. At each page it tries the answers of ``walk_values`` (every class of
answers the study's conditions, calculations and quotas tell apart) and every
combination of the questions that some condition reads together, directly,
through a calculated value, or through the conditions that lead to it. At each
clip it tries every exposure the flow can note: watched to the end, stopped at
each percentage a condition compares with, failed, never shown.

What it reports as reached, it reached with the real runner. What it reports as
never reached, never true or never false is a proof only when the search was
exhaustive; otherwise the report says what was sampled and words the claims as
what the bot did not see. A dead end is reported only for a page with a
required question that accepts no answer at all.

The walk is bounded: at most ``MAX_STATES`` states and ``MAX_SECONDS`` seconds
(it then says it stopped), at most ``COMBOS`` answer sets per group of
questions on a page, and at most ``ORDERS`` shuffled orders found among
``SEED_TRIES`` seeds.
"""

from __future__ import annotations

import copy
import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

from .condition_key import condition_key
from .expr import parse
from .order import latin_square_row
from .runner import UNDER_AGE, ClipItem, EndItem, PageItem, Runner, item_name
from .study import Study, other_key
from .walk_values import Candidates, exposures, survey_steps

MAX_STATES = 50_000
MAX_SECONDS = 60.0
COMBOS = 256
ORDERS = 32
SEED_TRIES = 256


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
    sampled: list[str] = field(default_factory=list)  # why the search was not exhaustive (empty: the "never" claims are proofs)
    orders: tuple[int, int] = (1, 1)  # shuffled orders explored, orders there are

    @property
    def proven(self) -> bool:
        return not self.sampled and not self.truncated

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
            f"states explored: {self.states}" + (f" (stopped at the limit of {MAX_STATES} states or {MAX_SECONDS:.0f} s)" if self.truncated else ""),
        ]
        if self.orders[1] > 1:
            out.append(f"shuffled orders explored: {self.orders[0]}/{self.orders[1]}")
        if self.proven:
            out += [f"never reached: {self._at(condition_key('page', p))}page {p}" for p in self.pages if p not in self.reached]
            out += [f"not covered: {self._at(line.split(' is never')[0])}{line}" for line in self.uncovered()]
        else:
            out += [f"not seen: {self._at(condition_key('page', p))}page {p} was not reached by the bot" for p in self.pages if p not in self.reached]
            out += [f"not seen: {self._at(line.split(' is never')[0])}{line.replace(' is never ', ' was never ')} in what the bot tried" for line in self.uncovered()]
            out += [f"not proven (the search was not exhaustive): {reason}" for reason in self.sampled]
        out += [f"dead end: {line}" for line in self.dead_ends]
        return out

    @property
    def complete(self) -> bool:
        return self.page_coverage == 1.0 and self.branch_coverage == 1.0 and not self.dead_ends


def conditions(study: Study) -> list[str]:
    """The key of every condition the runner evaluates, as it reports them to a trace."""
    keys: list[str] = []
    for survey in survey_steps(study):
        keys += [condition_key("block", block.id, "show_if") for block in survey.blocks if block.show_if]
        for page in survey.all_pages():
            if page.show_if:
                keys.append(condition_key("page", page.id, "show_if"))
            keys += [condition_key("page", page.id, "screen_out", i) for i in range(len(page.screen_out))]
            for q in page.questions:
                if q.show_if:
                    keys.append(condition_key("question", q.id, "show_if"))
                keys += [condition_key("question", q.id, "screen_out", i) for i in range(len(q.screen_out))]
    keys += [condition_key("quota", cell) for cell, _, _ in study.quota_cells()]
    return list(dict.fromkeys(keys))


def _names(sources: Iterator[str | None]) -> set[str]:
    names: set[str] = set()
    for source in filter(None, sources):
        names |= parse(source).names
    return names | {n.split(".", 1)[0] for n in names}


class _Plan:
    """What one order of the study's items lets the walker know ahead: the answers each
    position's future reads, and which questions must be varied together."""

    def __init__(self, study: Study, runner: Runner):
        cells = [(parse(when).names, when) for _, when, _ in study.quota_cells()]
        calcs: dict[str, set[str]] = {}
        guard: dict[str, set[str]] = {}  # question id -> what decides whether it is asked
        read_at: list[set[str]] = []  # per item: the names its conditions and calculations read
        self.groups: list[frozenset[str]] = []
        stops: set[str] = set()  # what a screen-out or full quota before here reads
        for item in runner.items:
            if not isinstance(item, PageItem):
                read_at.append(set())
                continue
            page, keys = item.page, set(runner.page_keys(item.page))
            shown = _names([page.show_if, item.block.show_if if item.block else None] + [q.show_if for q in page.questions])
            outs = [r.when for r in page.screen_out] + [r.when for q in page.questions for r in q.screen_out]
            outs += [when for names, when in cells if names & keys]
            stops |= _names(iter(outs))
            for q in page.questions:
                guard[q.id] = shown | stops
            for calc in page.calculate:
                calcs[calc.id] = _names(iter([calc.value]))
                guard[calc.id] = shown | stops
            sources = [page.show_if, item.block.show_if if item.block else None, *outs, *(c.value for c in page.calculate)]
            sources += [q.show_if for q in page.questions]
            here = _names(iter(sources))
            read_at.append(here)
            for source in filter(None, sources):
                self.groups.append(frozenset(self._closure(_names(iter([source])) | shown | stops, calcs, guard)))
        self.groups = list(set(self.groups))
        self.ahead: list[set[str]] = [set() for _ in read_at]
        later: set[str] = set()
        for i in range(len(read_at) - 1, -1, -1):
            later = later | read_at[i]
            self.ahead[i] = later
        self._joined: dict[tuple, list[list[str]]] = {}

    @staticmethod
    def _closure(names: set[str], calcs: dict[str, set[str]], guard: dict[str, set[str]]) -> set[str]:
        out, todo = set(), list(names)
        while todo:
            name = todo.pop()
            if name in out:
                continue
            out.add(name)
            todo += list(calcs.get(name, ())) + list(guard.get(name, ()))
        return out

    def components(self, position: int, varied: list[str]) -> list[list[str]]:
        """The questions of a page that must be varied together (some group holds them all)."""
        key = (position, tuple(varied))
        if key not in self._joined:
            parent = {q: q for q in varied}

            def root(q: str) -> str:
                while parent[q] != q:
                    q = parent[q]
                return q

            for group in self.groups:
                members = [q for q in varied if q in group]
                for other in members[1:]:
                    parent[root(other)] = root(members[0])
            parts: dict[str, list[str]] = {}
            for q in varied:
                parts.setdefault(root(q), []).append(q)
            self._joined[key] = list(parts.values())
        return self._joined[key]


def _clone(runner: Runner) -> Runner:
    twin = copy.copy(runner)
    twin.answers = dict(runner.answers)
    twin.participant = dict(runner.participant)
    twin.warned = set(runner.warned)
    twin.orders = dict(runner.orders)
    twin.exposure = dict(runner.exposure)
    twin.dropped = []
    return twin


def _order_count(study: Study) -> int:
    count = 1
    rule = study.screening.stimulus_order
    if rule is not None:
        n = len([s for s in study.screening.steps if getattr(s, "id", None) in rule.steps])
        count *= len({tuple(latin_square_row(n, i)) for i in range(2 * n)}) if rule.method == "latin_square" else math.factorial(n)
    for survey in survey_steps(study):
        if survey.randomize_blocks:
            count *= math.factorial(len([b for b in survey.all_blocks() if b.id not in survey.anchored_blocks]))
        count *= math.prod(math.factorial(len(b.pages)) for b in survey.all_blocks() if b.randomize)
    return count


def _starts(study: Study) -> tuple[list[tuple[str, int]], int]:
    """(seed, stimulus row) pairs that give each shuffled order once, and how many orders there are."""
    possible = _order_count(study)
    if possible == 1:
        return [("walk", 0)], 1
    rule = study.screening.stimulus_order
    rows = 2 * len(rule.steps) if rule is not None and rule.method == "latin_square" else 1
    found: dict[tuple, tuple[str, int]] = {}
    for seed, index in itertools.product([f"walk-{i}" for i in range(SEED_TRIES)], range(rows)):
        runner = Runner(study, code="WALK", seed=seed, stimulus_row=index)
        found.setdefault(tuple(f"{item.kind}:{item_name(item)}" for item in runner.items), (seed, index))
        if len(found) >= min(ORDERS, possible):
            break
    return list(found.values()), possible


def walk(study: Study, *, max_states: int = MAX_STATES, max_seconds: float = MAX_SECONDS) -> WalkReport:
    """Explore every branch of ``study``; see the module docstring."""
    deadline = time.monotonic() + max_seconds
    report = WalkReport(pages=list(dict.fromkeys(p.id for survey in survey_steps(study) for p in survey.all_pages())))
    report.branches = {key: set() for key in conditions(study)}
    report.places = dict(study.places)
    candidates = Candidates(study)
    read = candidates.read
    sampled: dict[str, None] = {}

    def trace(key: str, result: bool) -> None:
        report.branches.setdefault(key, set()).add(result)

    for name in ("participant.code", "participant.seat"):
        if name in read:
            sampled[f"a condition reads {name}; the bot tries one"] = None
    languages = list(study.settings.languages) if "participant.language" in read else [study.settings.languages[0]]
    starts, possible = _starts(study)
    report.orders = (len(starts), possible)
    if len(starts) < possible:
        sampled[f"{len(starts)} of {possible} shuffled orders were explored"] = None
    fulls = [frozenset()] + [frozenset([cell]) for cell, _, _ in study.quota_cells()]
    stack: list[tuple[Runner, _Plan]] = []
    plans: dict[tuple, _Plan] = {}
    for (seed, index), full, lang in itertools.product(starts, fulls, languages):
        runner = Runner(study, code="WALK", seed=seed, stimulus_row=index, full_quotas=full, trace=trace)
        plan = plans.setdefault((seed, index), _Plan(study, runner))
        runner.choose_language(lang)
        runner.consent(True)
        stack.append((runner, plan))
    report.ends.update(["declined", f"screened_out ({UNDER_AGE})"])  # the consent screen's two ways out, the same everywhere
    seen: set[Any] = set()
    while stack:
        runner, plan = stack.pop()
        item = runner.current
        matters = plan.ahead[min(runner.position, len(plan.ahead) - 1)] if plan.ahead else set()
        state = {**runner.answers, **runner.exposure}
        key = (id(plan), runner.full_quotas, runner.position, item.kind, runner.participant["language"], repr(sorted((k, repr(v)) for k, v in state.items() if k in matters)))
        if key in seen:
            continue
        seen.add(key)
        report.states += 1
        if report.states > max_states or time.monotonic() > deadline:
            report.truncated = True
            break
        if isinstance(item, EndItem):
            report.ends[item.outcome + (f" ({item.reason})" if item.reason else "")] += 1
        elif isinstance(item, ClipItem):
            for exposure in exposures(item.step, read):
                child = _clone(runner)
                child.exposure.update(exposure)
                child.finish_stimulus()
                stack.append((child, plan))
        elif not isinstance(item, PageItem):
            runner.finish_stimulus()
            stack.append((runner, plan))
        else:
            report.reached.add(item.page.id)
            sets, dead = _page_answers(runner, plan, candidates, sampled)
            if dead:
                report.dead_ends.append(f"{report._at('page:' + item.page.id)}page {item.page.id}: {dead}")
                continue
            for values in sets:
                child = _clone(runner)
                problems = child.check(values)
                if problems and all(p.soft for p in problems):
                    child.warn(problems)
                    problems = child.check(values)
                if problems:  # every value offered passes its question's check: this is the bot's fault, not the study's
                    sampled[f"page {item.page.id}: the runner refused the bot's answers ({', '.join(p.key for p in problems)})"] = None
                    continue
                child.submit_page(values)
                stack.append((child, plan))
    report.dead_ends = sorted(set(report.dead_ends))
    report.sampled = list(sampled)
    return report


def _page_answers(runner: Runner, plan: _Plan, candidates: Candidates, sampled: dict[str, None]) -> tuple[list[dict[str, Any]], str | None]:
    """The answer sets to try on the current page, or why no answer lets the participant go on."""
    shown = runner.questions(runner.current.page)
    per: dict[str, list[Any]] = {}
    for q in shown:
        found = candidates.of(q)
        fits = found.values
        if found.sampled:
            sampled[f"answers to {q.id} are a sample: {found.sampled}"] = None
        if not fits:
            if found.impossible:
                return [], f"question {q.id} accepts no answer: {found.impossible}"
            sampled[f"the bot found no answer to {q.id}"] = None
            return [], None
        per[q.id] = fits
    base: dict[str, Any] = {qid: values[0] for qid, values in per.items()}
    base.update({other_key(q.id): "other" for q in shown if other_key(q.id) not in base})
    sets = [base]
    for part in plan.components(runner.position, [qid for qid in per if len(per[qid]) > 1]):
        lists = [per[qid] for qid in part]
        if math.prod(map(len, lists)) <= COMBOS:
            sets += [dict(base, **dict(zip(part, combo))) for combo in itertools.product(*lists)]
            continue
        sampled[f"page {runner.current.page.id}: {', '.join(part)} have too many combinations of answers to try them all"] = None
        sets += [dict(base, **{qid: v}) for qid in part for v in per[qid][1:]]
        for first, second in itertools.combinations(part, 2):
            if len(per[first]) * len(per[second]) <= COMBOS:
                sets += [dict(base, **{first: a, second: b}) for a in per[first] for b in per[second]]
    unique = {repr(sorted((k, repr(v)) for k, v in s.items())): s for s in sets}
    return list(unique.values()), None
