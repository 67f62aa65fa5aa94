"""The variables of the stimuli: a clip's outcome, how much was watched, plays and the dial; a storyboard's time.

A clip adds ``<clip>_outcome``, ``_watched``, ``_completed``, ``_plays`` and, with the dial,
``_dial_mean``; a storyboard adds ``<storyboard>_seconds``. A step the session never reached is
"screened out" after a screen-out, else system-missing.
"""

from __future__ import annotations

from typing import Any

from ..survey.schema import ClipStep, StoryboardStep
from .context import Context
from .model import NUMERIC, Group, Variable
from ..db.sessions import SessionRecord


def clip(ctx: Context, step: ClipStep) -> list[Group]:
    title = ctx.texts(step.title)
    missing = (ctx.codes.screened_out,)
    miss = ctx.missing_labels(missing)
    outcome_values = {1: ctx.words("clip_shown"), 2: ctx.words("clip_skipped"), 3: ctx.words("clip_not_shown"), **miss}
    common = {"source": "clip", "question": step.id, "missing": missing}
    variables = [
        Variable(f"{step.id}_outcome", NUMERIC, ctx.words("outcome", step=title), values=outcome_values, **common),
        Variable(f"{step.id}_watched", NUMERIC, ctx.words("watched", step=title), values=dict(miss), **common),
        Variable(f"{step.id}_completed", NUMERIC, ctx.words("completed", step=title), values={1: ctx.words("yes"), 0: ctx.words("no"), **miss}, **common),
        Variable(f"{step.id}_plays", NUMERIC, ctx.words("plays", step=title), values=dict(miss), **common),
    ]
    if step.dial:
        variables.append(Variable(f"{step.id}_dial_mean", NUMERIC, ctx.words("dial_mean", step=title), values=dict(miss), **common))
    outcomes = {"clip_shown": 1, "clip_skipped": 2, "clip_not_shown": 3}
    width, screened_out, dial = len(variables), ctx.codes.screened_out, bool(step.dial)

    def fill(rec: SessionRecord) -> list[Any]:
        if step.id not in rec.reached:
            return [screened_out if rec.status == "screened_out" else None] * width
        percent, completed, plays = rec.exposure.get(step.id, (None, None, 0))
        out = [outcomes.get(rec.outcomes.get(step.id)), percent, None if completed is None else int(completed), plays]
        if dial:
            out.append(rec.dial_mean.get(step.id))
        return out

    return [Group(variables, fill)]


def storyboard(ctx: Context, step: StoryboardStep) -> list[Group]:
    title = ctx.texts(step.title or step.id)
    missing = (ctx.codes.screened_out,)
    variable = Variable(f"{step.id}_seconds", NUMERIC, ctx.words("seconds", step=title), values=ctx.missing_labels(missing), missing=missing, source="storyboard", question=step.id)
    screened_out = ctx.codes.screened_out

    def fill(rec: SessionRecord) -> list[Any]:
        if step.id not in rec.reached:
            return [screened_out if rec.status == "screened_out" else None]
        ms = rec.dwell_ms.get(step.id)
        return [None if ms is None else round(ms / 1000, 3)]

    return [Group([variable], fill)]
