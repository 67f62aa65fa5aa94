"""The report's numbers, computed from the sessions ``source.py`` read; no drawing here.

- Each question: the distribution of its answers in the chosen language
  (choices, rating points, first places of a ranking, matrix rows, special
  codes such as "Don't know"), a histogram of numbers (slider, numeric), the
  mean and median, and for an NPS question the score: the percentage of
  promoters (9-10) minus that of detractors (0-6).
- The sessions' outcomes, screen-outs by reason and each quota cell's count of
  completed sessions against its target.
- Each clip with a dial: the mean dial trace over the clip's time with a
  band, overall and split by the answer to one question (``dial.py``).

The base of the distributions and traces is the completed sessions, or with
``base="all"`` every session that gave the answer (screened out, abandoned or
interrupted too). Outcomes and screen-outs count every eligible session,
quota cells the sessions the study engine counts (``survey/quota_rules.py``:
completed, and never a test session, even when test data is included).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..db.sessions import SessionRecord
from ..seal import SEALED
from ..survey import quota_rules
from ..survey.pipe import neutral
from ..survey.schema import NPS, ClipStep, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, SingleChoice, Slider
from ..survey.study import Study, text
from .dial import ClipResult, clip_result
from .source import Sessions

BIN_MS = 500
BAND = "band: ±1 SD (standard deviation across participants)"
BASES = ("completed", "all")
SPLIT_TYPES = (SingleChoice, ImageChoice, Rating, NPS)

STATUS_LABELS = {
    "completed": "completed",
    "screened_out": "screened out",
    "declined": "declined consent",
    "abandoned": "abandoned",
    "in_progress": "interrupted or in progress",
}


@dataclass
class Bar:
    code: Any
    label: str
    count: int
    percent: float  # of the question's n (of the row's, in a matrix)


@dataclass
class Histogram:
    edges: list[float]  # len(counts) + 1
    counts: list[int]
    labels: list[str]


@dataclass
class QuestionResult:
    id: str
    type: str
    title: str
    n: int  # sessions of the base that answered (sealed answers not counted)
    sealed: int = 0
    bars: list[Bar] = field(default_factory=list)
    histogram: Histogram | None = None
    rows: list[tuple[str, list[Bar]]] = field(default_factory=list)  # a matrix: (row label, bars over the scale)
    mean: float | None = None
    median: float | None = None
    nps: float | None = None  # promoters - detractors, in percent of numeric answers
    nps_parts: tuple[int, int, int] | None = None  # (detractors, passives, promoters)
    note: str = ""  # what the bars show, when it is not plain counts (e.g. a ranking's first places)
    specials: int = 0  # of the n, the special answers ("Don't know"): counted in n and the bars, not in the mean

    @property
    def kind(self) -> str:
        """How it is drawn: bars, histogram, matrix, or none (open text, dates)."""
        if self.rows:
            return "matrix"
        if self.histogram is not None:
            return "histogram"
        return "bars" if self.bars else "none"

    def summary(self) -> str:
        parts = [f"n={self.n}"]
        if self.specials:
            parts.append(f"{self.n - self.specials} valid, {self.specials} special answer(s) not in the mean")
        if self.nps is not None and self.nps_parts is not None:
            d, p, pr = self.nps_parts
            parts.append(f"NPS {self.nps:+.1f} (promoters {pr}, passives {p}, detractors {d})")
        if self.mean is not None:
            parts.append(f"mean {self.mean:.2f}")
        if self.median is not None:
            parts.append(f"median {self.median:g}")
        if self.sealed:
            parts.append(f"{self.sealed} sealed, not counted")
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


@dataclass
class QuotaCell:
    cell: str  # its id, gender_age[gender=1,age_band=2]
    count: int
    target: int
    label: str = ""  # gender_age: Woman × 18 to 34

    @property
    def full(self) -> bool:
        return self.count >= self.target


@dataclass
class Report:
    study_id: str
    title: str
    language: str
    source: str
    base: str
    include_test: bool
    n: int  # sessions in the base
    outcomes: list[tuple[str, int]]  # (status label, sessions)
    withdrawn: int
    screen_outs: list[tuple[str, int]]  # (reason, sessions)
    quotas: list[QuotaCell]
    questions: list[QuestionResult]
    clips: list[ClipResult]
    split_by: str | None
    split_title: str | None
    bin_ms: int
    band: str = BAND
    made: datetime = field(default_factory=lambda: datetime.now().astimezone())

    def notices(self) -> list[str]:
        """What every output says above the numbers."""
        out = []
        if self.include_test:
            out.append("TEST DATA INCLUDED: pilot (test) sessions are counted in this report.")
        base = "completed sessions" if self.base == "completed" else "every session that answered (completed, screened out, abandoned, interrupted)"
        out.append(f"Base: {base}; test sessions {'included' if self.include_test else 'excluded'}; withdrawn participants are never counted.")
        return out

    def header(self) -> list[str]:
        outcomes = ", ".join(f"{label} {n}" for label, n in self.outcomes) or "none"
        lines = [f"{self.title} ({self.study_id}): results of {self.made:%Y-%m-%d %H:%M}", f"Sessions: {outcomes}; withdrawn (erased) {self.withdrawn}. Read from the {self.source}."]
        return lines + self.notices()


def split_candidates(study: Study, language: str = "en") -> list[tuple[str, str]]:
    """(question id, its text) of the questions a dial trace can be split by: one answer per participant."""
    return [(q.id, neutral(text(q.text, language))) for _, _, q in study.questions() if isinstance(q, SPLIT_TYPES) and not (getattr(q, "sensitive", None) or getattr(q, "sealed", False))]


def build_report(study: Study, sessions: Sessions, *, language: str | None = None, split_by: str | None = None, base: str = "completed", bin_ms: int = BIN_MS) -> Report:
    """The report's numbers; ValueError (with the reason) for a language, split question or base the study cannot take."""
    language = language or study.settings.languages[0]
    if language not in study.settings.languages:
        raise ValueError(f"the study has no language '{language}' (it has {', '.join(study.settings.languages)})")
    if base not in BASES:
        raise ValueError(f"unknown base '{base}' (expected {' or '.join(BASES)})")
    split_q = None
    if split_by:
        split_q = study.question(split_by)
        if split_q is None:
            from ..survey.errors import suggest

            raise ValueError(f"no question '{split_by}' in the study{suggest(split_by, [q.id for _, _, q in study.questions()])}")
        if not isinstance(split_q, SPLIT_TYPES):
            names = ", ".join(qid for qid, _ in split_candidates(study))
            raise ValueError(f"cannot split by '{split_by}', a {split_q.type} question: choose one with a single answer ({names})")
    records = sessions.records
    counted = [r for r in records if r.status == "completed"] if base == "completed" else records
    outcomes = Counter(r.status for r in records)
    return Report(
        study_id=study.id,
        title=text(study.settings.title, language),
        language=language,
        source=sessions.source,
        base=base,
        include_test=sessions.include_test,
        n=len(counted),
        outcomes=[(STATUS_LABELS.get(status, status), outcomes[status]) for status in STATUS_LABELS if outcomes[status]],
        withdrawn=sessions.withdrawn,
        screen_outs=sorted(Counter(r.reason or "unknown" for r in records if r.status == "screened_out").items(), key=lambda kv: (-kv[1], kv[0])),
        quotas=quota_cells(study, records, language),
        questions=[question_result(q, [r.answers.get(q.id) for r in counted if q.id in r.answers], language) for _, _, q in study.questions()],
        clips=[clip_result(step, counted, split_q, language, bin_ms) for step in study.screening.steps if isinstance(step, ClipStep) and step.dial],
        split_by=split_q.id if split_q else None,
        split_title=neutral(text(split_q.text, language)) if split_q else None,
        bin_ms=bin_ms,
    )


# -- questions ---------------------------------------------------------------


def _percent(count: int, n: int) -> float:
    return 100.0 * count / n if n else 0.0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bars(pairs: list[tuple[Any, str]], counts: Counter, n: int) -> list[Bar]:
    return [Bar(code, label, counts[code], _percent(counts[code], n)) for code, label in pairs]


def question_result(q: Any, values: list[Any], language: str) -> QuestionResult:
    """The distribution of one question's stored answers (``SEALED`` ones are counted apart)."""
    sealed = sum(1 for v in values if v is SEALED)
    values = [v for v in values if v is not SEALED and v is not None]
    result = QuestionResult(q.id, q.type, neutral(text(q.text, language)), len(values), sealed)
    specials = [(s.code, text(s.label, language)) for s in q.special]
    numbers = [v for v in values if _number(v)]
    if isinstance(q, (SingleChoice, ImageChoice)):
        result.bars = _bars([(o.code, text(o.label, language)) for o in q.options] + specials, Counter(values), len(values))
    elif isinstance(q, MultipleChoice):
        chosen = Counter(code for v in values if isinstance(v, list) for code in set(v))
        result.bars = _bars([(o.code, text(o.label, language)) for o in q.options], chosen, len(values))
        result.note = "% of those who answered; several choices each"
    elif isinstance(q, Ranking):
        first = Counter(v[0] for v in values if isinstance(v, list) and v)
        result.bars = _bars([(o.code, text(o.label, language)) for o in q.options], first, len(values))
        ranks = {o.code: [v.index(o.code) + 1 for v in values if isinstance(v, list) and o.code in v] for o in q.options}
        means = ", ".join(f"{text(o.label, language)} {statistics.fmean(ranks[o.code]):.2f}" for o in q.options if ranks[o.code])
        result.note = f"bars: ranked first; mean rank: {means}" if means else "bars: ranked first"
    elif isinstance(q, (Rating, NPS)):
        low, high = (1, q.points) if isinstance(q, Rating) else (0, 10)
        labels = [text(label, language) for label in q.labels] if isinstance(q, Rating) and q.labels else None
        pairs = []
        for point in range(low, high + 1):
            label = labels[point - low] if labels else str(point)
            if not labels and point == low and q.low_label:
                label += f" ({text(q.low_label, language)})"
            if not labels and point == high and q.high_label:
                label += f" ({text(q.high_label, language)})"
            pairs.append((point, label))
        result.bars = _bars(pairs + specials, Counter(values), len(values))
        _centre(result, numbers)
        result.specials = len(values) - len(numbers)
        if isinstance(q, NPS) and numbers:
            detractors = sum(1 for v in numbers if v <= 6)
            promoters = sum(1 for v in numbers if v >= 9)
            result.nps_parts = (detractors, len(numbers) - detractors - promoters, promoters)
            result.nps = _percent(promoters, len(numbers)) - _percent(detractors, len(numbers))
    elif isinstance(q, (Slider, Numeric)):
        low = q.min if q.min is not None else (min(numbers) if numbers else None)
        high = q.max if q.max is not None else (max(numbers) if numbers else None)
        if numbers:
            result.histogram = histogram(numbers, low, high)
        _centre(result, numbers)
        result.specials = len(values) - len(numbers)
        if specials:
            result.bars = _bars(specials, Counter(values), len(values))
    elif isinstance(q, Matrix):
        scale = [(o.code, text(o.label, language)) for o in q.scale] + specials
        for row in q.rows:
            answers = [v[str(row.code)] for v in values if isinstance(v, dict) and v.get(str(row.code)) is not None]
            result.rows.append((text(row.label, language), _bars(scale, Counter(answers), len(answers))))
    elif isinstance(q, (OpenText, DateQuestion)):
        result.note = "open answers are not charted" if isinstance(q, OpenText) else (f"from {min(values)} to {max(values)}" if values else "")
    return result


def _centre(result: QuestionResult, numbers: list[float]) -> None:
    if numbers:
        result.mean = statistics.fmean(numbers)
        result.median = statistics.median(numbers)


def histogram(values: list[float], low: float, high: float, bins: int = 10) -> Histogram:
    """Counts of ``values`` in equal bins from ``low`` to ``high`` (one bin per whole number when they are
    whole numbers spanning at most 20); the last bin includes ``high``; values outside are put in the end bins."""
    if all(float(v).is_integer() for v in values) and float(low).is_integer() and float(high).is_integer() and high - low <= 20:
        edges = [low - 0.5 + k for k in range(int(high - low) + 2)]
        labels = [f"{low + k:g}" for k in range(len(edges) - 1)]
    else:
        if high <= low:
            low, high = low - 0.5, low + 0.5
        width = (high - low) / bins
        edges = [low + k * width for k in range(bins + 1)]
        labels = [f"{edges[k]:g}–{edges[k + 1]:g}" for k in range(bins)]
    counts = [0] * (len(edges) - 1)
    width = edges[1] - edges[0]
    for v in values:
        k = int((v - edges[0]) // width)
        counts[min(max(k, 0), len(counts) - 1)] += 1
    return Histogram(edges, counts, labels)


# -- outcomes and quotas ---------------------------------------------------------


def quota_cells(study: Study, records: list[SessionRecord], language: str | None = None) -> list[QuotaCell]:
    """Each quota cell's count of the sessions that count toward it (``survey/quota_rules.py``: completed,
    never a test session; sealed answers are left out of the conditions), named by its options' labels."""
    lang = language or study.settings.languages[0]
    counted = [{k: v for k, v in r.answers.items() if v is not SEALED} for r in records if quota_rules.counts(r.status, r.is_test)]
    found = quota_rules.cell_counts(study.quota_cells(), counted)
    return [
        QuotaCell(cell, found[cell], quota.target, cell_label(study, quota.id, combo, lang))
        for quota in study.config.study.quotas
        for cell, _, combo in quota.combinations()
    ]


def cell_label(study: Study, quota_id: str, combo: dict[str, Any], lang: str) -> str:
    """``gender_age: Woman × 18 to 34``: a quota cell by the labels of its options (their codes where a question has none)."""
    if not combo:
        return quota_id
    parts = []
    for name, code in combo.items():
        q = study.question(name)
        options = {o.code: o.label for o in getattr(q, "options", None) or []}
        parts.append(neutral(text(options[code], lang)) if code in options else f"{name}={code}")
    return f"{quota_id}: " + " × ".join(parts)