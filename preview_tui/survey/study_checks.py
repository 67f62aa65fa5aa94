"""The checks of a study that need more than one file: references, ids, codes, translations, media."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from . import sealing
from .errors import suggest
from .media import MediaPathError, media_path
from .paths import other_key, pages_in, texts_in
from .places import places
from .quality_checks import attention_problems
from .sealing import SealingPlan
from .schema import CHOICE_TYPES, ClipStep, ImageChoice, Matrix, MultipleChoice, Page, Ranking, Screening, StoryboardStep, Survey, SurveyStep
from .study_expressions import ExpressionChecks
from .yamlfile import Document


class StudyChecker(ExpressionChecks):
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
        self.kinds = None

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
        self.places = places((self.surveys[sid] for sid in self.used), self.config, self.config_doc)
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
            if getattr(question, "type", None) == "recording" and "audio_visual" not in listed:
                doc, path = self.question_ids[qid]
                self.problems.append(doc.error(path[:-1] + ("type",), f"recording question '{qid}' records the participant, but the consent's categories (study.consent.categories in config.yaml) do not list 'audio_visual': participants must be told before they are recorded"))
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
                self.problems += attention_problems(doc, qat, question)
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
        for kind in ("options", "rows", "scale", "special"):
            items = getattr(question, kind, None) or []
            codes = [o.code for o in items]
            for o, code in enumerate(codes):
                if code in codes[:o]:
                    self.problems.append(doc.error(at + (kind, o, "code"), f"duplicate {'option' if kind != 'special' else 'special'} code {code!r}"))
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
