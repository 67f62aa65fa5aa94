"""Load a study directory and check it as a whole.

A study directory holds ``config.yaml``, ``screens/*.yaml``, ``surveys/*.yaml``
and ``media/``. Every file is read and checked (each on its own here, then
together in ``study_checks.py``), and every problem found in any of them is
reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from .errors import Located, StudyError, display_path
from .limits import study_files
from .media import MediaPathError, media_path
from .paths import other_key
from .schema import Config, Page, Screening, Survey, SurveyStep
from .sealing import SealingPlan
from .study_checks import StudyChecker
from .yamlfile import Document, read_document, validate

__all__ = ["Study", "StudyError", "check_file", "load_study", "other_key", "text"]  # other_key: importers take it from here too


@dataclass
class Study:
    root: Path
    config: Config
    screening: Screening
    surveys: dict[str, Survey]
    warnings: list[Located] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # condition key (condition_key.py) -> "file:line:col"
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
    checker = StudyChecker(config, config_doc, screenings, surveys, root, problems, warnings)
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
