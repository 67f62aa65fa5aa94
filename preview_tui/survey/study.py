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
from .expr import parse
from .schema import (
    LANGUAGES,
    ClipStep,
    Config,
    Page,
    Screening,
    StoryboardStep,
    Survey,
    SurveyStep,
)
from .yamlfile import Document, read_document, validate

PARTICIPANT_FIELDS = ("participant.language", "participant.code", "participant.seat")


@dataclass
class Study:
    root: Path
    config: Config
    screening: Screening
    surveys: dict[str, Survey]
    warnings: list[Located] = field(default_factory=list)

    @property
    def settings(self):
        return self.config.study

    @property
    def id(self) -> str:
        return self.config.study.id

    def media(self, name: str) -> Path:
        return self.root / "media" / name

    def questions(self) -> Iterator[tuple[Survey, Page, Any]]:
        for step in self.screening.steps:
            if isinstance(step, SurveyStep):
                survey = self.surveys[step.survey]
                for page in survey.pages:
                    for q in page.questions:
                        yield survey, page, q


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
    config_doc, config = _read(root / "config.yaml", Config, problems)
    screenings = _read_dir(root / "screens", Screening, problems)
    surveys = _read_dir(root / "surveys", Survey, problems)
    if config is None:
        raise StudyError(problems)
    warnings: list[Located] = []
    checker = _Checker(config, config_doc, screenings, surveys, root, problems, warnings)
    screening = checker.run()
    if problems or screening is None:
        raise StudyError(problems)
    return Study(root, config, screening, {sid: s for sid, (_, s) in surveys.items()}, warnings)


def check_file(path: Path) -> None:
    """Check one study file on its own (its shape and expressions, no cross-file references)."""
    kind = Config if path.name == "config.yaml" else Screening if path.parent.name == "screens" else Survey
    if kind is Survey and path.parent.name != "surveys":
        raise StudyError([Located(display_path(path), 1, 1, "not a study file: expected config.yaml, screens/*.yaml or surveys/*.yaml")])
    problems: list[Located] = []
    _read(path, kind, problems)
    if problems:
        raise StudyError(problems)


def _read(path: Path, model: type[BaseModel], problems: list[Located]) -> tuple[Document | None, Any]:
    try:
        doc = read_document(path)
        return doc, validate(doc, model)
    except StudyError as exc:
        problems.extend(exc.problems)
        return None, None


def _read_dir(folder: Path, model: type[BaseModel], problems: list[Located]) -> dict[str, tuple[Document, Any]]:
    found: dict[str, tuple[Document, Any]] = {}
    if not folder.is_dir():
        problems.append(Located(display_path(folder), 1, 1, "folder missing"))
        return found
    for path in sorted(folder.glob("*.y*ml")):
        doc, item = _read(path, model, problems)
        if item is None:
            continue
        if item.id in found:
            other = found[item.id][0].file
            problems.append(doc.error(("id",), f"duplicate id '{item.id}' (also in {other})"))
            continue
        found[item.id] = (doc, item)
    return found


class _Checker:
    """Checks that need more than one file: references, ids, translations, media."""

    def __init__(self, config, config_doc, screenings, surveys, root, problems, warnings):
        self.config, self.config_doc = config, config_doc
        self.screenings, self.surveys = screenings, surveys
        self.root, self.problems, self.warnings = root, problems, warnings
        self.languages = list(config.study.languages)
        self.question_ids: dict[str, tuple[Document, tuple]] = {}
        self.used: list[str] = []  # surveys in the order the screening uses them

    def run(self) -> Screening | None:
        self._texts(self.config_doc, self.config, ())
        sid = self.config.study.screening
        if sid not in self.screenings:
            self.problems.append(self.config_doc.error(("study", "screening"), f"no screening with id '{sid}' in screens/{suggest(sid, self.screenings)}"))
            return None
        doc, screening = self.screenings[sid]
        self._texts(doc, screening, ())
        used = self.used
        for i, step in enumerate(screening.steps):
            at = ("steps", i)
            if isinstance(step, SurveyStep):
                if step.survey not in self.surveys:
                    self.problems.append(doc.error(at + ("survey",), f"no survey with id '{step.survey}' in surveys/{suggest(step.survey, self.surveys)}"))
                elif step.survey in used:
                    self.problems.append(doc.error(at + ("survey",), f"survey '{step.survey}' is used twice in this screening"))
                else:
                    used.append(step.survey)
                    self._survey(*self.surveys[step.survey])
            elif isinstance(step, StoryboardStep):
                for j, frame in enumerate(step.frames):
                    self._media(doc, at + ("frames", j, "image"), frame.image)
            elif isinstance(step, ClipStep):
                self._media(doc, at + ("file",), step.file)
        for survey_id, (sdoc, _) in self.surveys.items():
            if survey_id not in used:
                self.warnings.append(sdoc.error(("id",), f"survey '{survey_id}' is not used by screening '{sid}'"))
        self._expressions()
        return screening

    def _survey(self, doc: Document, survey: Survey) -> None:
        self._texts(doc, survey, ())
        page_ids: set[str] = set()
        for p, page in enumerate(survey.pages):
            if page.id in page_ids:
                self.problems.append(doc.error(("pages", p, "id"), f"duplicate page id '{page.id}'"))
            page_ids.add(page.id)
            for q, question in enumerate(page.questions):
                at = ("pages", p, "questions", q)
                if question.id in self.question_ids:
                    first = self.question_ids[question.id]
                    line, col = first[0].where(first[1])
                    self.problems.append(doc.error(at + ("id",), f"duplicate question id '{question.id}' (first at {first[0].file}:{line}:{col})"))
                    continue
                self.question_ids[question.id] = (doc, at + ("id",))
                codes = [o.code for o in getattr(question, "options", [])]
                for o, code in enumerate(codes):
                    if code in codes[:o]:
                        self.problems.append(doc.error(at + ("options", o, "code"), f"duplicate option code {code!r}"))

    def _expressions(self) -> None:
        """Every name in a condition is a participant field or a question answered before it is evaluated.

        ``show_if`` is evaluated before its page is shown, so it may use questions of earlier pages;
        ``screen_out`` is evaluated once its page is answered, so it may use that page's questions too.
        """
        order = {qid: i for i, qid in enumerate(self.question_ids)}
        for doc, survey in (self.surveys[sid] for sid in self.used):
            for p, page in enumerate(survey.pages):
                ids = [q.id for q in page.questions]
                before_page = min(order.get(q, len(order)) for q in ids)
                after_page = max(order.get(q, -1) for q in ids) + 1
                for path, source in _conditions(page, ("pages", p)):
                    limit = after_page if "screen_out" in path else before_page
                    for name in sorted(parse(source).names):
                        if name in PARTICIPANT_FIELDS or name in self._exposure_names():
                            continue
                        if name not in order:
                            known = list(order) + list(PARTICIPANT_FIELDS)
                            self.problems.append(doc.error(path, f"unknown name '{name}' in expression{suggest(name, known)}"))
                        elif order[name] >= limit:
                            self.problems.append(doc.error(path, f"'{name}' is not answered yet where this condition is checked"))

    def _exposure_names(self) -> set[str]:
        """``watched.<clip>`` and ``completed.<clip>`` for each clip of the screening (null until it is over)."""
        clips = [st.id for _, sc in self.screenings.values() for st in sc.steps if isinstance(st, ClipStep)]
        return {f"{kind}.{cid}" for cid in clips for kind in ("watched", "completed")}

    def _media(self, doc: Document, path: tuple, name: str) -> None:
        file = self.root / "media" / name
        if not file.is_file():
            self.warnings.append(doc.error(path, f"media file not found: media/{name}"))

    def _texts(self, doc: Document, model: BaseModel, at: tuple) -> None:
        """Every per-language text has all of the study's languages."""
        for path, value in _walk(model, at):
            if isinstance(value, dict) and value and set(value) <= set(LANGUAGES):
                missing = [lang for lang in self.languages if not value.get(lang)]
                if missing:
                    self.problems.append(doc.error(path, f"missing translation: {', '.join(missing)}"))


def _conditions(page: Page, at: tuple) -> Iterator[tuple[tuple, str]]:
    """(path, expression) for each condition on a page and its questions."""
    if page.show_if:
        yield at + ("show_if",), page.show_if
    for i, rule in enumerate(page.screen_out):
        yield at + ("screen_out", i, "when"), rule.when
    for q, question in enumerate(page.questions):
        if question.show_if:
            yield at + ("questions", q, "show_if"), question.show_if
        for i, rule in enumerate(question.screen_out):
            yield at + ("questions", q, "screen_out", i, "when"), rule.when


def _walk(value: Any, at: tuple) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), at + (name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, at + (i,))
    else:
        yield at, value
