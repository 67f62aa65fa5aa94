"""Load a study directory and check it as a whole.

A study directory holds ``config.yaml``, ``screens/*.yaml``, ``surveys/*.yaml``
and ``media/``. Every file is read and checked, and every problem found in
any of them is reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from .errors import Located, StudyError, display_path, suggest
from .expr import parse, type_problems
from .kinds import Kinds, answer_kinds
from .media import MediaPathError, media_path
from .paths import conditions_in, node_at, other_key, pages_in, texts_in
from .pipe import references
from . import sealing
from .sealing import SealingPlan
from .schema import (
    CHOICE_TYPES,
    ClipStep,
    ImageChoice,
    Matrix,
    MultipleChoice,
    Ranking,
    Config,
    Page,
    Screening,
    StoryboardStep,
    Survey,
    SurveyStep,
)
from .limits import study_files
from .yamlfile import Document, read_document, validate


PARTICIPANT_FIELDS = ("participant.language", "participant.code", "participant.seat")


@dataclass
class Study:
    root: Path
    config: Config
    screening: Screening
    surveys: dict[str, Survey]
    warnings: list[Located] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # "page:<id>", "question:<id>:show_if"... -> "file:line:col"
    sealing: SealingPlan = field(default_factory=lambda: SealingPlan(frozenset(), frozenset(), None))  # what is sealed (sealing.py)
    _by_id: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def settings(self):
        return self.config.study

    @property
    def id(self) -> str:
        return self.config.study.id

    def media(self, name: str) -> Path | None:
        """The media file to open for ``name``; None when it would lie outside the study's media/ (never opened)."""
        try:
            return media_path(self.root, name)
        except MediaPathError:
            return None

    def questions(self) -> Iterator[tuple[Survey, Page, Any]]:
        for step in self.screening.steps:
            if isinstance(step, SurveyStep):
                survey = self.surveys[step.survey]
                for page in survey.all_pages():
                    for q in page.questions:
                        yield survey, page, q

    def quota_cells(self) -> list[tuple[str, str, Any]]:
        """(cell id, condition, quota) for every cell of every quota."""
        return [(cell, when, quota) for quota in self.config.study.quotas for cell, when in quota.cells()]

    def question(self, question_id: str) -> Any:
        """The question with this id, or None."""
        if self._by_id is None:
            self._by_id = {q.id: q for _, _, q in self.questions()}
        return self._by_id.get(question_id)


def text(value: Any, lang: str) -> str:
    """A participant-facing text in ``lang`` (falls back to English, then any language)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


def load_study(root: Path) -> Study:
    """Read and check the study in ``root``; raise StudyError listing every problem."""
    root = Path(root)
    problems: list[Located] = []
    if not root.is_dir():
        raise StudyError([Located(display_path(root), 1, 1, "not a study directory")])
    files = study_files(root, ("screens", "surveys"))
    config_doc, config = _read(root / "config.yaml", Config, problems)
    broken: set[str] = set()  # ids of files that did not load: references to them are not reported again
    screenings = _read_dir(root / "screens", files["screens"], Screening, problems, broken)
    surveys = _read_dir(root / "surveys", files["surveys"], Survey, problems, broken)
    if config is None:
        raise StudyError(problems)
    warnings: list[Located] = []
    checker = _Checker(config, config_doc, screenings, surveys, root, problems, warnings)
    checker.broken = broken
    screening = checker.run()
    if problems or screening is None:
        raise StudyError(problems)
    return Study(root, config, screening, {sid: s for sid, (_, s) in surveys.items()}, warnings, checker.places, checker.sealing)


def check_file(path: Path) -> None:
    """Check one study file on its own (its shape and expressions, no cross-file references)."""
    kind = Config if path.name == "config.yaml" else Screening if path.parent.name == "screens" else Survey
    if kind is Survey and path.parent.name != "surveys":
        raise StudyError([Located(display_path(path), 1, 1, "not a study file: expected config.yaml, screens/*.yaml or surveys/*.yaml")])
    problems: list[Located] = []
    _read(path, kind, problems)
    if problems:
        raise StudyError(problems)


def _read(path: Path, model: type[BaseModel], problems: list[Located], broken: set[str] | None = None) -> tuple[Document | None, Any]:
    """The file's document and model; on failure (None, None), and its id (its name's, when it cannot be read) added to ``broken``."""
    doc = None
    try:
        doc = read_document(path)
        return doc, validate(doc, model)
    except StudyError as exc:
        problems.extend(exc.problems)
        if broken is not None:
            named = doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str)
            broken.add(doc.data["id"] if named else path.stem)
        return None, None


def _read_dir(folder: Path, paths: list[Path], model: type[BaseModel], problems: list[Located], broken: set[str] | None = None) -> dict[str, tuple[Document, Any]]:
    found: dict[str, tuple[Document, Any]] = {}
    if not folder.is_dir():
        problems.append(Located(display_path(folder), 1, 1, "folder missing"))
        return found
    for path in paths:
        doc, item = _read(path, model, problems, broken)
        if item is None:
            continue
        if item.id in found:
            other = found[item.id][0].file
            problems.append(doc.error(("id",), f"duplicate id '{item.id}' (also in {other})"))
            continue
        found[item.id] = (doc, item)
    return found


class _Checker:
    """Checks that need more than one file: references, ids, translations, media, quotas."""

    def __init__(self, config, config_doc, screenings, surveys, root, problems, warnings):
        self.config, self.config_doc = config, config_doc
        self.screenings, self.surveys = screenings, surveys
        self.root, self.problems, self.warnings = root, problems, warnings
        self.languages = list(config.study.languages)
        self.question_ids: dict[str, tuple[Document, tuple]] = {}
        self.questions: dict[str, Any] = {}
        self.order: dict[str, int] = {}  # every answer key (questions, 'specify' texts, calculations) in study order
        self.used: list[str] = []  # surveys in the order the screening uses them
        self.broken: set[str] = set()
        self.places: dict[str, str] = {}
        self.sealing: SealingPlan | None = None
        self.kinds: Kinds | None = None

    def run(self) -> Screening | None:
        self._texts(self.config_doc, self.config, ())
        sid = self.config.study.screening
        if sid not in self.screenings:
            if sid in self.broken:
                return None
            self.problems.append(self.config_doc.error(("study", "screening"), f"no screening with id '{sid}' in screens/{suggest(sid, self.screenings)}"))
            return None
        doc, screening = self.screenings[sid]
        self._texts(doc, screening, ())
        used = self.used
        step_ids: dict[str, Any] = {}
        for i, step in enumerate(screening.steps):
            at = ("steps", i)
            if isinstance(step, SurveyStep):
                if step.survey not in self.surveys:
                    if step.survey in self.broken:
                        continue
                    self.problems.append(doc.error(at + ("survey",), f"no survey with id '{step.survey}' in surveys/{suggest(step.survey, self.surveys)}"))
                elif step.survey in used:
                    self.problems.append(doc.error(at + ("survey",), f"survey '{step.survey}' is used twice in this screening"))
                else:
                    used.append(step.survey)
                    self._survey(*self.surveys[step.survey])
            else:
                if step.id in step_ids:
                    self.problems.append(doc.error(at + ("id",), f"duplicate step id '{step.id}'"))
                step_ids[step.id] = step
                if isinstance(step, StoryboardStep):
                    for j, frame in enumerate(step.frames):
                        self._media(doc, at + ("frames", j, "image"), frame.image)
                elif isinstance(step, ClipStep):
                    self._media(doc, at + ("file",), step.file)
        if screening.stimulus_order is not None:
            for j, name in enumerate(screening.stimulus_order.steps):
                if name not in step_ids:
                    self.problems.append(doc.error(("stimulus_order", "steps", j), f"no storyboard or clip step with id '{name}'{suggest(name, step_ids)}"))
        for survey_id, (sdoc, _) in self.surveys.items():
            if survey_id not in used:
                self.warnings.append(sdoc.error(("id",), f"survey '{survey_id}' is not used by screening '{sid}'"))
        self._expressions()
        self._quotas()
        self._places()
        self._consent()
        self.sealing = sealing.check(self)
        return screening

    def _consent(self) -> None:
        """The consent lists every sensitive category a question carries; the station's jurisdiction has its notice."""
        listed = set(self.config.study.consent.categories)
        for qid, question in self.questions.items():
            category = getattr(question, "sensitive", None)
            if category and category not in listed:
                doc, path = self.question_ids[qid]
                self.problems.append(doc.error(path[:-1] + ("sensitive",), f"sensitive category '{category}' is not listed in the consent's categories (study.consent.categories in config.yaml): participants must be told before they answer"))
        notices = self.config.study.notices
        place = self.config.station.jurisdiction
        if notices and place and place not in notices:
            self.problems.append(self.config_doc.error(("station", "jurisdiction"), f"no privacy notice for jurisdiction '{place}' in study.notices{suggest(place, notices)}"))

    def _resolve(self, doc: Document, survey: Survey) -> Survey:
        """The survey with every ``options_from``/``scale_from`` replaced by the named list from ``choices``."""
        used: set[str] = set()

        def options(name: str, path: tuple) -> list | None:
            if name in survey.choices:
                used.add(name)
                return list(survey.choices[name])
            self.problems.append(doc.error(path, f"no option list '{name}' in this survey's choices{suggest(name, survey.choices)}"))
            return None

        def question(q: Any, at: tuple) -> Any:
            update = {}
            if getattr(q, "options_from", None) and (found := options(q.options_from, at + ("options_from",))):
                update["options"] = found
            if getattr(q, "scale_from", None) and (found := options(q.scale_from, at + ("scale_from",))):
                update["scale"] = found
            return q.model_copy(update=update) if update else q

        def page(p: Page, at: tuple) -> Page:
            return p.model_copy(update={"questions": [question(q, at + ("questions", i)) for i, q in enumerate(p.questions)]})

        if survey.blocks:
            blocks = [b.model_copy(update={"pages": [page(p, ("blocks", i, "pages", j)) for j, p in enumerate(b.pages)]}) for i, b in enumerate(survey.blocks)]
            resolved = survey.model_copy(update={"blocks": blocks})
        else:
            resolved = survey.model_copy(update={"pages": [page(p, ("pages", i)) for i, p in enumerate(survey.pages)]})
        for name in survey.choices:
            if name not in used:
                self.warnings.append(doc.error(("choices", name), f"option list '{name}' is never used", key=True))
        return resolved

    def _survey(self, doc: Document, survey: Survey) -> None:
        survey = self._resolve(doc, survey)
        self.surveys[survey.id] = (doc, survey)
        self._texts(doc, survey, ())
        page_ids: set[str] = set()
        block_ids = {b.id for b in survey.blocks}
        for j, name in enumerate(survey.anchored_blocks):
            if name not in block_ids:
                self.problems.append(doc.error(("anchored_blocks", j), f"no block with id '{name}'{suggest(name, block_ids)}"))
        for at, _, page in pages_in(survey):
            if page.id in page_ids:
                self.problems.append(doc.error(at + ("id",), f"duplicate page id '{page.id}'"))
            page_ids.add(page.id)
            for q, question in enumerate(page.questions):
                qat = at + ("questions", q)
                if question.id in self.question_ids:
                    first = self.question_ids[question.id]
                    line, col = first[0].where(first[1])
                    self.problems.append(doc.error(qat + ("id",), f"duplicate question id '{question.id}' (first at {first[0].file}:{line}:{col})"))
                    continue
                self.question_ids[question.id] = (doc, qat + ("id",))
                self.questions[question.id] = question
                self.order[question.id] = len(self.order)
                self._codes(doc, qat, question)
                if isinstance(question, CHOICE_TYPES) and any(o.other for o in question.options):
                    self.order[other_key(question.id)] = len(self.order)
                if isinstance(question, Matrix):  # each row can be read as grid.row
                    for row in question.rows:
                        self.order[f"{question.id}.{row.code}"] = len(self.order)
            for c, calc in enumerate(page.calculate):
                if calc.id in self.order or calc.id in self.question_ids:
                    self.problems.append(doc.error(at + ("calculate", c, "id"), f"duplicate id '{calc.id}' (a question or calculation has it already)"))
                    continue
                self.question_ids[calc.id] = (doc, at + ("calculate", c, "id"))
                self.order[calc.id] = len(self.order)

    def _codes(self, doc: Document, at: tuple, question: Any) -> None:
        """Option codes are unique; image choices name their images; options fit the question type."""
        for field in ("options", "rows", "scale", "special"):
            items = getattr(question, field, None) or []
            codes = [o.code for o in items]
            for o, code in enumerate(codes):
                if code in codes[:o]:
                    self.problems.append(doc.error(at + (field, o, "code"), f"duplicate {'option' if field != 'special' else 'special'} code {code!r}"))
        for o, option in enumerate(getattr(question, "options", None) or []):
            if isinstance(question, ImageChoice):
                if not option.image:
                    self.problems.append(doc.error(at + ("options", o), "an image choice option needs 'image' (a file under media/)"))
                else:
                    self._media(doc, at + ("options", o, "image"), option.image)
            if option.exclusive and not isinstance(question, MultipleChoice):
                self.problems.append(doc.error(at + ("options", o, "exclusive"), f"'exclusive' only applies to multi questions, not {question.type}"))
        if isinstance(question, MultipleChoice):
            combinable = sum(1 for o in question.options if not o.exclusive)
            if question.min_selected > combinable:
                self.problems.append(doc.error(at + ("min_selected",), f"min_selected is {question.min_selected} but only {combinable} options can be chosen together: nobody can answer this"))
            if question.max_selected is not None and question.max_selected > combinable:
                self.warnings.append(doc.error(at + ("max_selected",), f"max_selected is {question.max_selected} but only {combinable} options can be chosen together"))
        if question.special and isinstance(question, (MultipleChoice, Ranking)):
            self.problems.append(doc.error(at + ("special",), f"a {question.type} question cannot take special codes: add an exclusive option instead"))
        choice_codes = {str(o.code) for o in getattr(question, "options", None) or []}
        for s, special in enumerate(question.special):
            if special.code in choice_codes:
                self.problems.append(doc.error(at + ("special", s, "code"), f"special code '{special.code}' is also an option code"))

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

    def _places(self) -> None:
        """Where each page and each condition the runner reports is written, for the walker's report."""
        def place(doc: Document, path: tuple) -> str:
            line, col = doc.where(path)
            return f"{doc.file}:{line}:{col}"

        for doc, survey in (self.surveys[sid] for sid in self.used):
            if survey.blocks:
                for b, block in enumerate(survey.blocks):
                    if block.show_if:
                        self.places[f"block:{block.id}:show_if"] = place(doc, ("blocks", b, "show_if"))
            for at, _, page in pages_in(survey):
                self.places[f"page:{page.id}"] = place(doc, at + ("id",))
                if page.show_if:
                    self.places[f"page:{page.id}:show_if"] = place(doc, at + ("show_if",))
                for i in range(len(page.screen_out)):
                    self.places[f"page:{page.id}:screen_out:{i}"] = place(doc, at + ("screen_out", i, "when"))
                for q, question in enumerate(page.questions):
                    if question.show_if:
                        self.places[f"question:{question.id}:show_if"] = place(doc, at + ("questions", q, "show_if"))
                    for i in range(len(question.screen_out)):
                        self.places[f"question:{question.id}:screen_out:{i}"] = place(doc, at + ("questions", q, "screen_out", i, "when"))
        for i, quota in enumerate(self.config.study.quotas):
            for cell, _ in quota.cells():
                self.places[f"quota:{cell}"] = place(self.config_doc, ("study", "quotas", i, "when" if quota.cross is None else "cross"))

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

    def _media(self, doc: Document, path: tuple, name: str) -> None:
        try:
            file = media_path(self.root, name)
        except MediaPathError as exc:
            self.problems.append(doc.error(path, str(exc)))
            return
        if not file.is_file():
            self.warnings.append(doc.error(path, f"media file not found: media/{name}"))

    def _texts(self, doc: Document, model: BaseModel, at: tuple) -> None:
        """Every per-language text has all of the study's languages (read from the file's plain data)."""
        for path, value in texts_in(doc.data, at):
            if isinstance(value, dict):
                missing = [lang for lang in self.languages if not value.get(lang)]
                if missing:
                    self.problems.append(doc.error(path, f"missing translation: {', '.join(missing)}"))


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
