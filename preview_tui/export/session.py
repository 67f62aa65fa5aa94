"""The session's own variables and its randomised orders.

First the session's variables (id, participant code, station, room, seat, language, status,
screen-out reason, consent version and hash, rewards opt-in, start, end, duration), then one
text variable per randomised order (``order_stimuli``, ``order_blocks_<survey>``,
``order_pages_<block>``, ``order_questions_<page>``, ``order_options_<question>``,
``order_rows_<question>``: the codes in the order shown, separated by spaces).
"""

from __future__ import annotations

from typing import Any

from ..survey.schema import Matrix, SurveyStep
from .context import Context
from .model import DATETIME, NUMERIC, TEXT, Group, Variable
from ..db.sessions import SessionRecord


def session(ctx: Context) -> list[Group]:
    """The session's own variables, one group."""
    text_columns = ("participant_code", "station", "room", "seat", "language", "status", "outcome_reason", "consent_version", "consent_hash")
    variables = [Variable("session_id", TEXT, ctx.words("session_id"))]
    variables += [Variable(name, TEXT, ctx.words(name)) for name in text_columns]
    yes_no = {1: ctx.words("yes"), 0: ctx.words("no")}
    variables.append(Variable("rewards_opt_in", NUMERIC, ctx.words("rewards_joined"), values=yes_no))
    variables += [Variable(name, DATETIME, ctx.words(name)) for name in ("consented_at", "started_at", "ended_at")]
    variables.append(Variable("duration_seconds", NUMERIC, ctx.words("duration_seconds")))

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


def orders(ctx: Context) -> list[Group]:
    """One text variable per order the study randomises (none when it randomises nothing)."""
    keys: list[tuple[str, str, str]] = []  # (key in the record, what, of)
    if ctx.study.screening.stimulus_order is not None:
        keys.append(("stimuli", "stimuli", ""))
    for step in ctx.study.screening.steps:
        if not isinstance(step, SurveyStep):
            continue
        survey = ctx.study.surveys[step.survey]
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
            variables.append(Variable("order_stimuli", TEXT, ctx.words("order_stimuli"), source="order", question="stimuli"))
        else:
            same = {lang: what for lang in ctx.languages}, {lang: of for lang in ctx.languages}
            variables.append(Variable(f"order_{what}_{of}", TEXT, ctx.words("order", what=same[0], of=same[1]), source="order", question=of))
    record_keys = [key for key, _, _ in keys]

    def fill(rec: SessionRecord) -> list[Any]:
        orders = rec.orders
        return [" ".join(map(str, orders[key])) if key in orders else None for key in record_keys]

    return [Group(variables, fill)] if variables else []
