"""The variables of a study's exports, derived from the study itself.

Every export (CSV, JSON, SPSS, Stata) and the codebook take their variables
from ``layout(study)``, so their names always match. In order:

- the session's own variables and one per randomised order (``session``);
- then step by step: a questionnaire's questions (``questions``) and each page's
  calculations (``calculations``), a clip's or a storyboard's variables (``stimuli``).

Numeric variables hold negative codes for why they have no answer (``missing``,
``model.Codes``). Names are at most 32 characters, unique regardless of case and
never a reserved word of SPSS or Stata (``naming``); a question keeps its id as its name.
"""

from __future__ import annotations

from typing import Any

from ..survey.schema import CHOICE_TYPES, ClipStep, StoryboardStep, SurveyStep
from ..survey.study import Study
from . import flags
from .calculations import calculation
from .context import Context
from .missing import codes
from .model import DATETIME, NUMERIC, TEXT, Codes, ExportError, Group, Layout, Variable
from .naming import name
from .questions import question, specify
from .session import orders, session
from .stimuli import clip, storyboard

__all__ = ["DATETIME", "NUMERIC", "TEXT", "Codes", "ExportError", "Group", "Layout", "Variable", "layout"]


def layout(study: Study) -> Layout:
    """Every variable of the study's exports, in order, with how each is filled from a session."""
    languages = list(study.settings.languages)
    ctx = Context(study, languages, codes(study, languages))
    groups = session(ctx) + orders(ctx)
    for step in study.screening.steps:
        if isinstance(step, SurveyStep):
            groups += _survey(ctx, study.surveys[step.survey])
        elif isinstance(step, ClipStep):
            groups += clip(ctx, step)
        elif isinstance(step, StoryboardStep):
            groups += storyboard(ctx, step)
    quality = flags.layout(study, languages)  # the data-quality flags, last (flags.py)
    groups += [Group([Variable(c.name, NUMERIC if c.numeric else TEXT, c.label, source="quality", question=c.kind) for c in quality.columns], quality.fill)] if quality.columns else []
    name(groups)
    return Layout(study, ctx.codes, groups)


def _survey(ctx: Context, survey: Any) -> list[Group]:
    """A questionnaire's variables, page by page: each question (and its "Other" text), then the page's calculations."""
    groups: list[Group] = []
    for block in survey.all_blocks():
        for page in block.pages:
            conditions = tuple(c for c in (block.show_if, page.show_if) if c)
            for q in page.questions:
                shown_if = conditions + ((q.show_if,) if q.show_if else ())
                groups.append(question(ctx, survey.id, page.id, q, shown_if))
                if isinstance(q, CHOICE_TYPES) and any(o.other for o in q.options):
                    groups.append(specify(ctx, survey.id, page.id, q, shown_if))
            for calc in page.calculate:
                groups.append(calculation(ctx, survey.id, page.id, calc, conditions))
    return groups
