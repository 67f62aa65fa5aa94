"""The variables of a study's exports, derived from the study itself.

Every export (CSV, JSON, SPSS, Stata) and the codebook take their variables
from ``layout(study)``, so their names always match. What a question becomes:

- single choice, image choice: one numeric variable, the option's code (string
  codes are numbered 1, 2, ... in the order written; the codebook lists them);
- multi: one 0/1 variable per option, ``<question>_<code>``;
- ranking: one variable per option, ``<question>_<code>``, its rank (1 = first);
- matrix: one variable per row, ``<question>_<row>``, the scale's code;
- rating, NPS, slider, numeric: one numeric variable; text and date: one text
  variable (dates as YYYY-MM-DD);
- an option with ``other: true``: also ``<question>_specify``, the text typed;
- a page's calculation: one variable (0/1 for a condition, else its number or text).

Before the questions come the session's variables (id, participant code,
station, room, seat, language, status, screen-out reason, consent version and
hash, rewards opt-in, start, end, duration) and one text variable per
randomised order (``order_stimuli``, ``order_blocks_<survey>``,
``order_pages_<block>``, ``order_questions_<page>``, ``order_options_<question>``,
``order_rows_<question>``: the codes in the order shown, separated by spaces).
A clip adds ``<clip>_outcome``, ``_watched``, ``_completed``, ``_plays`` and,
with the dial, ``_dial_mean``; a storyboard adds ``<storyboard>_seconds``.

Missing values. A numeric variable holds negative codes for why it has no
answer, declared as missing in SPSS and Stata (see ``Codes``): screened out
before the question, not shown (its condition was false), sealed (a sensitive
answer the export could not open) and the question's own special answers
("Don't know", "Prefer not to say"), numbered study-wide. A question shown but
left empty, or not reached in an unfinished session, is system-missing (empty).
Text variables hold the same codes as text ("-98").

Names are at most 32 characters (Stata's limit), unique regardless of case,
never a reserved word of SPSS or Stata; a question keeps its id as its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..db.sessions import SessionRecord
from ..seal import SEALED
from ..survey.expr import NUMBER_FUNCTIONS, parse
from ..survey.pipe import neutral
from ..survey.schema import (
    CHOICE_TYPES,
    NPS,
    ClipStep,
    DateQuestion,
    ImageChoice,
    Matrix,
    MultipleChoice,
    Numeric,
    OpenText,
    Ranking,
    Rating,
    SingleChoice,
    Slider,
    StoryboardStep,
    SurveyStep,
)
from ..survey.study import Study, other_key
from . import flags
from .words import all_languages

NUMERIC, TEXT, DATETIME = "numeric", "text", "datetime"
MAX_NAME = 32
# Words SPSS or Stata do not accept as variable names (compared in lower case).
RESERVED = frozenset(
    "all and by eq ge gt le lt ne not or to with byte double float if in int long str strl using _all _b _coef _cons _n _pi _pred _rc _se _skip _weight".split()
)
MAX_SPECIALS = 17  # codes left in a band of 20 after screened out, not shown and sealed


class ExportError(Exception):
    """An export that cannot be made; the message is one line for the researcher."""


@dataclass(frozen=True)
class Codes:
    """The missing-value codes of one study: a band of 20 negative numbers below every valid value.

    The band is -99 to -80 unless the study declares valid values that low (a
    slider from -100, an option coded -90): then -999 to -980, and so on.
    ``screened_out`` is the band's lowest code, then ``not_shown``, ``sealed``,
    and the special answers in the order the study first uses them. In Stata
    they are extended missing values: screened out ``.z``, not shown ``.y``,
    sealed ``.x``, special answers ``.a``, ``.b``, ...
    """

    base: int
    specials: dict[str, int]
    special_labels: dict[str, dict[str, str]]

    @property
    def screened_out(self) -> int:
        return -self.base

    @property
    def not_shown(self) -> int:
        return -self.base + 1

    @property
    def sealed(self) -> int:
        return -self.base + 2

    @property
    def band(self) -> tuple[int, int]:
        return -self.base, -self.base + 2 + MAX_SPECIALS

    def stata_letter(self, code: int) -> str:
        offset = code + self.base
        return {0: "z", 1: "y", 2: "x"}.get(offset) or chr(ord("a") + offset - 3)

    def labels(self, code: int, languages: list[str]) -> dict[str, str]:
        for key, number in (("screened_out", self.screened_out), ("not_shown", self.not_shown), ("sealed", self.sealed)):
            if code == number:
                return all_languages(key, languages)
        name = next(n for n, c in self.specials.items() if c == code)
        return self.special_labels[name]


@dataclass
class Variable:
    name: str
    kind: str  # NUMERIC, TEXT or DATETIME
    label: dict[str, str]  # by language
    values: dict[int | float, dict[str, str]] = field(default_factory=dict)  # value labels (missing codes included), by language
    missing: tuple[int, ...] = ()  # the missing-value codes it can hold
    source: str = "session"  # session, order, question, specify, calculation, clip, storyboard
    question: str | None = None  # the question, calculation or step it comes from
    question_type: str | None = None
    survey: str | None = None
    page: str | None = None
    shown_if: tuple[str, ...] = ()  # the conditions (block, page, question) that show it
    sensitive: str | None = None
    stored: dict[int, Any] = field(default_factory=dict)  # number -> code as stored, where they differ
    categorical: bool | None = None  # its valid values are labelled categories; None: whether any valid value has a label

    @property
    def is_categorical(self) -> bool:
        """A number whose valid values are categories with labels (not a count, a measure, or a scale with labelled ends)."""
        if self.kind != NUMERIC:
            return False
        if self.categorical is not None:
            return self.categorical
        return any(code not in self.missing for code in self.values)

    @property
    def level(self) -> str:
        """The measurement level SPSS is told: ratings and ranks ordinal, labelled categories nominal, other numbers scale."""
        if self.kind != NUMERIC:
            return "nominal"
        if self.question_type in ("rating", "ranking"):
            return "ordinal"
        return "nominal" if self.is_categorical else "scale"

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or next(iter(self.label.values()), "")

    def value_labels_in(self, lang: str) -> dict[int | float, str]:
        return {code: texts.get(lang) or texts.get("en") or next(iter(texts.values()), "") for code, texts in self.values.items()}


Fill = Callable[[SessionRecord], list[Any]]


@dataclass
class Group:
    """Variables filled together from one session (the columns of one question, say)."""

    variables: list[Variable]
    fill: Fill


@dataclass
class Layout:
    study: Study
    codes: Codes
    groups: list[Group]

    @property
    def variables(self) -> list[Variable]:
        return [v for g in self.groups for v in g.variables]

    @property
    def names(self) -> list[str]:
        return [v.name for g in self.groups for v in g.variables]

    def row(self, record: SessionRecord) -> list[Any]:
        out: list[Any] = []
        for group in self.groups:
            try:
                out.extend(group.fill(record))
            except (TypeError, ValueError, KeyError) as exc:  # a stored value of a shape the question never takes
                raise ExportError(f"session {record.id.hex}: the stored data for '{group.variables[0].question}' cannot be read ({exc}); was the study changed after these data were collected?") from None
        return out


def layout(study: Study) -> Layout:
    """Every variable of the study's exports, in order, with how each is filled from a session."""
    languages = list(study.settings.languages)
    codes = _codes(study, languages)
    build = _Builder(study, languages, codes)
    groups = build.session() + build.orders()
    for step in study.screening.steps:
        if isinstance(step, SurveyStep):
            groups += build.survey(study.surveys[step.survey])
        elif isinstance(step, ClipStep):
            groups += build.clip(step)
        elif isinstance(step, StoryboardStep):
            groups += build.storyboard(step)
    quality = flags.layout(study, languages)  # the data-quality flags, last (flags.py)
    groups += [Group([Variable(c.name, NUMERIC if c.numeric else TEXT, c.label, source="quality", question=c.kind) for c in quality.columns], quality.fill)] if quality.columns else []
    _name(groups)
    return Layout(study, codes, groups)


# -- codes -----------------------------------------------------------------------


def _lowest_valid(study: Study) -> float:
    """The lowest value the study declares valid anywhere (option codes, scales, slider and numeric minimums)."""
    low = 0.0
    for _, _, q in study.questions():
        for item in (getattr(q, "options", None) or []) + (getattr(q, "scale", None) or []):
            if isinstance(item.code, int):
                low = min(low, item.code)
        if isinstance(q, (Slider, Numeric)) and q.min is not None:
            low = min(low, q.min)
    return low


def _codes(study: Study, languages: list[str]) -> Codes:
    specials: dict[str, int] = {}
    labels: dict[str, dict[str, str]] = {}
    base = 99
    while -base + 2 + MAX_SPECIALS >= _lowest_valid(study):
        base = base * 10 + 9
    for _, _, q in study.questions():
        for s in q.special:
            if s.code not in specials:
                if len(specials) == MAX_SPECIALS:
                    raise ExportError(f"the study uses more than {MAX_SPECIALS} different special answer codes; exports can declare {MAX_SPECIALS} as missing values")
                specials[s.code] = -base + 3 + len(specials)
                labels[s.code] = _texts(s.label, languages)
    return Codes(base, specials, labels)


def _texts(value: Any, languages: list[str]) -> dict[str, str]:
    """A study text as {language: text} (one string serves every language), piped names shown as ``[name]``."""
    if value is None:
        return {lang: "" for lang in languages}
    if isinstance(value, str):
        return {lang: neutral(value) for lang in languages}
    return {lang: neutral(value.get(lang) or value.get("en") or next(iter(value.values()), "")) for lang in languages}


def _joined(a: dict[str, str], b: dict[str, str], sep: str = " - ") -> dict[str, str]:
    return {lang: f"{a[lang]}{sep}{b[lang]}" for lang in a}


# -- naming ----------------------------------------------------------------------


def _name(groups: list[Group]) -> None:
    """Make every name valid and unique: questions keep their ids, derived names give way."""
    variables = [v for g in groups for v in g.variables]
    taken: set[str] = set()
    first = [v for v in variables if v.source in ("question", "calculation") and v.name == v.question]
    rest = [v for v in variables if not (v.source in ("question", "calculation") and v.name == v.question)]
    for v in first + rest:
        v.name = _unique(_valid(v.name), taken)
        taken.add(v.name.lower())


def _valid(name: str) -> str:
    name = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
    if not name or not name[0].isalpha():
        name = "v" + name
    if name.lower() in RESERVED:
        name += "_"
    return name[:MAX_NAME]


def _unique(name: str, taken: set[str]) -> str:
    if name.lower() not in taken:
        return name
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = name[: MAX_NAME - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        n += 1


# -- building --------------------------------------------------------------------


class _Builder:
    def __init__(self, study: Study, languages: list[str], codes: Codes):
        self.study, self.languages, self.codes = study, languages, codes

    def missing_labels(self, missing: tuple[int, ...]) -> dict[int | float, dict[str, str]]:
        return {code: self.codes.labels(code, self.languages) for code in missing}

    def words(self, key: str, **values: dict[str, str]) -> dict[str, str]:
        return all_languages(key, self.languages, **values)

    # -- the session's own variables

    def session(self) -> list[Group]:
        text_columns = ("participant_code", "station", "room", "seat", "language", "status", "outcome_reason", "consent_version", "consent_hash")
        variables = [Variable("session_id", TEXT, self.words("session_id"))]
        variables += [Variable(name, TEXT, self.words(name)) for name in text_columns]
        yes_no = {1: self.words("yes"), 0: self.words("no")}
        variables.append(Variable("rewards_opt_in", NUMERIC, self.words("rewards_opt_in"), values=yes_no))
        variables += [Variable(name, DATETIME, self.words(name)) for name in ("consented_at", "started_at", "ended_at")]
        variables.append(Variable("duration_seconds", NUMERIC, self.words("duration_seconds")))

        def fill(rec: SessionRecord) -> list[Any]:
            row = rec.row
            started, ended = row["started_at"], row["ended_at"]
            rewards = row["rewards_opt_in"]
            return (
                [rec.id.hex]
                + [row[name] for name in text_columns]
                + [None if rewards is None else int(rewards), row["consented_at"], started, ended]
                + [None if ended is None else round((ended - started).total_seconds(), 3)]
            )

        return [Group(variables, fill)]

    # -- randomised orders

    def orders(self) -> list[Group]:
        keys: list[tuple[str, str, str]] = []  # (key in the record, what, of)
        if self.study.screening.stimulus_order is not None:
            keys.append(("stimuli", "stimuli", ""))
        for step in self.study.screening.steps:
            if not isinstance(step, SurveyStep):
                continue
            survey = self.study.surveys[step.survey]
            if survey.randomize_blocks:
                keys.append((f"blocks:{survey.id}", "blocks", survey.id))
            for block in survey.blocks:
                if block.randomize:
                    keys.append((f"pages:{block.id}", "pages", block.id))
            for page in survey.all_pages():
                if page.randomize:
                    keys.append((f"questions:{page.id}", "questions", page.id))
                for q in page.questions:
                    if getattr(q, "randomize", False):
                        what = "rows" if isinstance(q, Matrix) else "options"
                        keys.append((f"{what}:{q.id}", what, q.id))
        variables = []
        for key, what, of in keys:
            if what == "stimuli":
                variables.append(Variable("order_stimuli", TEXT, self.words("order_stimuli"), source="order", question="stimuli"))
            else:
                same = {lang: what for lang in self.languages}, {lang: of for lang in self.languages}
                variables.append(Variable(f"order_{what}_{of}", TEXT, self.words("order", what=same[0], of=same[1]), source="order", question=of))
        record_keys = [key for key, _, _ in keys]

        def fill(rec: SessionRecord) -> list[Any]:
            orders = rec.orders
            return [" ".join(map(str, orders[key])) if key in orders else None for key in record_keys]

        return [Group(variables, fill)] if variables else []

    # -- stimuli

    def clip(self, step: ClipStep) -> list[Group]:
        title = _texts(step.title, self.languages)
        missing = (self.codes.screened_out,)
        miss = self.missing_labels(missing)
        outcome_values = {1: self.words("clip_shown"), 2: self.words("clip_skipped"), 3: self.words("clip_not_shown"), **miss}
        common = {"source": "clip", "question": step.id, "missing": missing}
        variables = [
            Variable(f"{step.id}_outcome", NUMERIC, self.words("outcome", step=title), values=outcome_values, **common),
            Variable(f"{step.id}_watched", NUMERIC, self.words("watched", step=title), values=dict(miss), **common),
            Variable(f"{step.id}_completed", NUMERIC, self.words("completed", step=title), values={1: self.words("yes"), 0: self.words("no"), **miss}, **common),
            Variable(f"{step.id}_plays", NUMERIC, self.words("plays", step=title), values=dict(miss), **common),
        ]
        if step.dial:
            variables.append(Variable(f"{step.id}_dial_mean", NUMERIC, self.words("dial_mean", step=title), values=dict(miss), **common))
        outcomes = {"clip_shown": 1, "clip_skipped": 2, "clip_not_shown": 3}
        width, screened_out, dial = len(variables), self.codes.screened_out, bool(step.dial)

        def fill(rec: SessionRecord) -> list[Any]:
            if step.id not in rec.reached:
                return [screened_out if rec.status == "screened_out" else None] * width
            percent, completed, plays = rec.exposure.get(step.id, (None, None, 0))
            out = [outcomes.get(rec.outcomes.get(step.id)), percent, None if completed is None else int(completed), plays]
            if dial:
                out.append(rec.dial_mean.get(step.id))
            return out

        return [Group(variables, fill)]

    def storyboard(self, step: StoryboardStep) -> list[Group]:
        title = _texts(step.title or step.id, self.languages)
        missing = (self.codes.screened_out,)
        variable = Variable(f"{step.id}_seconds", NUMERIC, self.words("seconds", step=title), values=self.missing_labels(missing), missing=missing, source="storyboard", question=step.id)
        screened_out = self.codes.screened_out

        def fill(rec: SessionRecord) -> list[Any]:
            if step.id not in rec.reached:
                return [screened_out if rec.status == "screened_out" else None]
            ms = rec.dwell_ms.get(step.id)
            return [None if ms is None else round(ms / 1000, 3)]

        return [Group([variable], fill)]

    # -- questionnaires

    def survey(self, survey: Any) -> list[Group]:
        groups: list[Group] = []
        for block in survey.all_blocks():
            for page in block.pages:
                conditions = tuple(c for c in (block.show_if, page.show_if) if c)
                for q in page.questions:
                    shown_if = conditions + ((q.show_if,) if q.show_if else ())
                    groups.append(self.question(survey.id, page.id, q, shown_if))
                    if isinstance(q, CHOICE_TYPES) and any(o.other for o in q.options):
                        groups.append(self.specify(survey.id, page.id, q, shown_if))
                for calc in page.calculate:
                    groups.append(self.calculation(survey.id, page.id, calc, conditions))
        return groups

    def absent(self, page_id: str, shown_if: tuple[str, ...], key: str | None = None) -> Callable[[SessionRecord], int | None]:
        """Why a question (or calculation ``key``) has no answer in a session: its code, or None (system-missing).

        A screen-out clears the rest of its page and every later page, even pages left before the
        participant went back: those are "screened out" too.
        """
        exprs = [parse(c) for c in shown_if]
        screened_out, not_shown = self.codes.screened_out, self.codes.not_shown

        def reason(rec: SessionRecord) -> int | None:
            cut = rec.screened if rec.status == "screened_out" else None
            if cut is not None and ((page_id == cut.get("page") and key not in cut.get("asked", ())) or page_id in cut.get("pages", ())):
                return screened_out
            if page_id in rec.pages_left:
                if exprs:
                    env = rec.env()
                    if not all(e.holds(env) for e in exprs):
                        return not_shown
                return None
            if rec.status == "screened_out":
                return screened_out
            if rec.status == "completed":
                return not_shown
            return None

        return reason

    def question(self, survey_id: str, page_id: str, q: Any, shown_if: tuple[str, ...]) -> Group:
        codes = self.codes
        specials = {s.code: codes.specials[s.code] for s in q.special}
        missing = (codes.screened_out, codes.not_shown) + ((codes.sealed,) if q.sensitive else ()) + tuple(specials.values())
        miss = self.missing_labels(missing)
        for s in q.special:  # the question's own words for its special answers
            miss[specials[s.code]] = _texts(s.label, self.languages)
        text = _texts(q.text, self.languages)
        common = dict(source="question", question=q.id, question_type=q.type, survey=survey_id, page=page_id, shown_if=shown_if, sensitive=q.sensitive, missing=missing)
        absent = self.absent(page_id, shown_if, q.id)
        sealed, qid = codes.sealed, q.id
        low, high = codes.band

        def special_or(value: Any) -> int | None:
            if value is SEALED:
                return sealed
            return specials.get(value) if isinstance(value, str) else None

        if isinstance(q, (SingleChoice, ImageChoice)):
            numbers, stored = _numbering(q.options)
            values = {numbers[o.code]: _texts(o.label, self.languages) for o in q.options}
            variable = Variable(q.id, NUMERIC, text, values={**values, **miss}, stored=stored, **common)

            def fill(rec: SessionRecord) -> list[Any]:
                value = rec.answers.get(qid)
                if value is None:
                    return [absent(rec)]
                number = numbers.get(value)
                if number is None:
                    number = special_or(value)
                    if number is None:
                        raise _unknown(rec, qid, value)
                return [number]

            return Group([variable], fill)

        if isinstance(q, (MultipleChoice, Ranking)):
            multi = isinstance(q, MultipleChoice)
            option_codes = [o.code for o in q.options]
            if multi:
                values = {1: self.words("selected"), 0: self.words("not_selected"), **miss}
                variables = [Variable(f"{q.id}_{o.code}", NUMERIC, _joined(text, _texts(o.label, self.languages)), values=dict(values), **common) for o in q.options]
            else:
                rank = self.words("rank")
                variables = [
                    Variable(f"{q.id}_{o.code}", NUMERIC, _joined(text, {lang: f"{_texts(o.label, self.languages)[lang]} ({rank[lang]})" for lang in self.languages}), values=dict(miss), **common)
                    for o in q.options
                ]
            width = len(option_codes)
            known = set(option_codes)

            def fill(rec: SessionRecord) -> list[Any]:
                value = rec.answers.get(qid)
                if value is None:
                    return [absent(rec)] * width
                if not isinstance(value, list):
                    number = special_or(value)
                    if number is None:
                        raise _unknown(rec, qid, value)
                    return [number] * width
                if not known.issuperset(value):
                    raise _unknown(rec, qid, next(v for v in value if v not in known))
                if multi:
                    chosen = set(value)
                    return [1 if c in chosen else 0 for c in option_codes]
                position = {c: i for i, c in enumerate(value, 1)}
                return [position.get(c) for c in option_codes]

            return Group(variables, fill)

        if isinstance(q, Matrix):
            numbers, stored = _numbering(q.scale)
            values = {numbers[o.code]: _texts(o.label, self.languages) for o in q.scale}
            variables = [
                Variable(f"{q.id}_{row.code}", NUMERIC, _joined(text, _texts(row.label, self.languages)), values={**values, **miss}, stored=dict(stored), **common) for row in q.rows
            ]
            row_keys = [str(row.code) for row in q.rows]
            width = len(row_keys)

            def fill(rec: SessionRecord) -> list[Any]:
                value = rec.answers.get(qid)
                if value is None:
                    return [absent(rec)] * width
                if not isinstance(value, dict):
                    number = special_or(value)
                    if number is None:
                        raise _unknown(rec, qid, value)
                    return [number] * width
                out = []
                for key in row_keys:
                    point = value.get(key)
                    if point is None:
                        out.append(None)
                    elif point in numbers:
                        out.append(numbers[point])
                    else:
                        raise _unknown(rec, qid, point)
                return out

            return Group(variables, fill)

        if isinstance(q, (Rating, NPS, Slider, Numeric)):
            labelled = isinstance(q, Rating) and bool(q.labels)  # a label on every point: categories; otherwise the ends of a scale
            variable = Variable(q.id, NUMERIC, text, values={**self.scale_labels(q), **miss}, categorical=labelled, **common)

            def fill(rec: SessionRecord) -> list[Any]:
                value = rec.answers.get(qid)
                if value is None:
                    return [absent(rec)]
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    if low <= value <= high:
                        raise _in_band(rec, qid, value, codes)
                    return [value]
                number = special_or(value)
                if number is None:
                    raise _unknown(rec, qid, value)
                return [number]

            return Group([variable], fill)

        if isinstance(q, (OpenText, DateQuestion)):
            text_missing = {str(code): labels for code, labels in miss.items()}
            variable = Variable(q.id, TEXT, text, values=text_missing, **common)

            def fill(rec: SessionRecord) -> list[Any]:
                value = rec.answers.get(qid)
                if value is None:
                    reason = absent(rec)
                    return [None if reason is None else str(reason)]
                number = special_or(value)
                return [str(number) if number is not None else str(value)]

            return Group([variable], fill)

        raise ExportError(f"question '{q.id}' has a type the export does not know: {q.type}")  # pragma: no cover - every type is handled above

    def scale_labels(self, q: Any) -> dict[int | float, dict[str, str]]:
        if isinstance(q, Rating):
            if q.labels:
                return {i: _texts(label, self.languages) for i, label in enumerate(q.labels, 1)}
            ends = {1: q.low_label, q.points: q.high_label}
        elif isinstance(q, NPS):
            ends = {0: q.low_label, 10: q.high_label}
        elif isinstance(q, Slider):
            ends = {q.min: q.low_label, q.max: q.high_label}
        else:
            return {}
        return {code: _texts(label, self.languages) for code, label in ends.items() if label is not None}

    def specify(self, survey_id: str, page_id: str, q: Any, shown_if: tuple[str, ...]) -> Group:
        base = self.question(survey_id, page_id, q, shown_if).variables[0]
        text_missing = {str(code): labels for code, labels in base.values.items() if code in base.missing}
        variable = Variable(
            f"{q.id}_specify", TEXT, _joined(_texts(q.text, self.languages), self.words("specify")), values=text_missing, missing=base.missing,
            source="specify", question=other_key(q.id), question_type="text", survey=survey_id, page=page_id, shown_if=shown_if, sensitive=q.sensitive,
        )
        key, qid, absent = other_key(q.id), q.id, self.absent(page_id, shown_if, q.id)
        specials = {s.code: self.codes.specials[s.code] for s in q.special}
        sealed = self.codes.sealed

        def fill(rec: SessionRecord) -> list[Any]:
            typed = rec.answers.get(key)
            if typed is SEALED:
                return [str(sealed)]
            if typed is not None:
                return [str(typed)]
            answer = rec.answers.get(qid)
            if answer is None:
                reason = absent(rec)
                return [None if reason is None else str(reason)]
            if answer is SEALED:
                return [str(sealed)]
            number = specials.get(answer) if isinstance(answer, str) else None
            return [None if number is None else str(number)]

        return Group([variable], fill)

    def calculation(self, survey_id: str, page_id: str, calc: Any, shown_if: tuple[str, ...]) -> Group:
        kind = {"number": NUMERIC, "text": TEXT, "yes_no": "boolean"}.get(calc.type) or (NUMERIC if calc.values else _result_kind(calc.value))
        missing = (self.codes.screened_out, self.codes.not_shown)
        miss = self.missing_labels(missing)
        label = _texts(calc.label, self.languages) if calc.label is not None else self.words("calculated", expr={lang: calc.value for lang in self.languages})
        common = dict(source="calculation", question=calc.id, question_type="calculation", survey=survey_id, page=page_id, shown_if=shown_if, missing=missing)
        absent = self.absent(page_id, shown_if, calc.id)
        cid = calc.id
        low, high = self.codes.band
        codes = self.codes
        if kind == TEXT:
            variable = Variable(calc.id, TEXT, label, values={str(c): t for c, t in miss.items()}, **common)
        else:
            values = {1: self.words("yes"), 0: self.words("no")} if kind == "boolean" else {code: _texts(t, self.languages) for code, t in calc.values.items()}
            variable = Variable(calc.id, NUMERIC, label, values={**values, **miss}, categorical=bool(values), **common)

        def fill(rec: SessionRecord) -> list[Any]:
            value = rec.answers.get(cid)
            if value is None:
                reason = absent(rec)
                if kind == TEXT:
                    return [None if reason is None else str(reason)]
                return [reason]
            if kind == TEXT:
                return [value if isinstance(value, str) else _json_text(value)]
            if isinstance(value, bool):
                return [int(value)]
            if isinstance(value, str) and kind == NUMERIC:
                value = _number(value)
            if isinstance(value, (int, float)):
                if low <= value <= high:
                    raise _in_band(rec, cid, value, codes)
                return [value]
            raise ExportError(f"session {rec.id.hex}: the calculation '{cid}' holds {value!r}, not a number; the export cannot code it")

        return Group([variable], fill)


def _numbering(options: list[Any]) -> tuple[dict[Any, int], dict[int, Any]]:
    """Option code -> number: the codes themselves when all are whole numbers, else 1, 2, ... in order
    (and the number -> stored code map, for the codebook)."""
    if all(isinstance(o.code, int) for o in options):
        return {o.code: o.code for o in options}, {}
    numbers = {o.code: i for i, o in enumerate(options, 1)}
    return numbers, {n: code for code, n in numbers.items()}


_BOOLEAN_NODES = frozenset(("compare", "in_", "not_in", "not_", "or_test", "and_test", "true", "false"))
_NUMBER_NODES = frozenset(("sum", "product", "neg", "number"))


def _result_kind(expression: str) -> str:
    """What a calculation holds: "boolean" (a condition), NUMERIC or TEXT (anything else)."""
    return _node_kind(parse(expression).tree)


def _node_kind(tree: Any) -> str:
    kind = getattr(tree, "data", None)
    if kind in _BOOLEAN_NODES:
        return "boolean"
    if kind in _NUMBER_NODES:
        return NUMERIC
    if kind == "call":
        name = str(tree.children[0])
        if name in ("answered", "selected"):
            return "boolean"
        if name in NUMBER_FUNCTIONS:
            return NUMERIC
        if name == "if":  # if(condition, then, else): what both of its results are
            args = tree.children[1].children if len(tree.children) > 1 else []
            results = {_node_kind(child) for child in args[1:] if getattr(child, "data", None) not in ("null", "none")}
            if len(results) == 1:
                return results.pop()
    return TEXT


def _number(text: str) -> Any:
    """A calculation declared a number that came out as text ("2"): the number, or the text unchanged."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _unknown(rec: SessionRecord, qid: str, value: Any) -> ExportError:
    return ExportError(f"session {rec.id.hex}: the answer {value!r} to '{qid}' is not one of the question's codes in the study; was the study changed after these data were collected?")


def _in_band(rec: SessionRecord, qid: str, value: Any, codes: Codes) -> ExportError:
    low, high = codes.band
    return ExportError(
        f"session {rec.id.hex}: the answer {value!r} to '{qid}' lies among the missing-value codes ({low} to {high}); give the question a 'min' so the export can move its codes lower"
    )
