"""What every reader of a store (exports, the report) agrees on: where it is, and which sessions count.

A store is a station's SQLite file or, named by URL, the central PostgreSQL
database; both have the tables of ``models.py``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import Select, String, Text, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from . import models as m


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names a database server (postgresql://...) rather than a station file."""
    return isinstance(location, str) and "://" in location


def eligible_sessions(study_id: str, *, include_test: bool = False) -> Select:
    """The ids of a study's sessions that may be counted or exported.

    Never a withdrawn participant's: their rows are erased, but a session with a
    tombstone is left out all the same, so an erasure that has not yet reached a
    database never leaks. Pilot (test) sessions only with ``include_test``.
    """
    sessions, tombstones = m.Session.__table__, m.Tombstone.__table__
    query = select(sessions.c.id).where(sessions.c.study_id == study_id, sessions.c.id.not_in(select(tombstones.c.session_id)))
    return query if include_test else query.where(sessions.c.is_test.is_(False))


class json_text(FunctionElement):
    """A text column as a JSON string literal (SQLite ``json_quote``, PostgreSQL ``to_json``)."""

    type = Text()
    inherit_cache = True


@compiles(json_text, "sqlite")
def _json_text_sqlite(element, compiler, **kw):
    return f"json_quote({compiler.process(element.clauses, **kw)})"


@compiles(json_text)
def _json_text(element, compiler, **kw):
    return f"CAST(to_json({compiler.process(element.clauses, **kw)}) AS TEXT)"


def answers_by_session(ids: Select) -> Select:
    """Per session of ``ids``: its id as text, and all its answers as the text of one JSON object.

    The database builds the object from the stored values' own text, so the
    caller decodes one JSON document per session instead of one per answer;
    the values decode exactly as each answer's own JSON would.
    """
    answers = m.Answer.__table__
    pair = json_text(answers.c.question_id) + ":" + func.coalesce(cast(answers.c.value, Text), "null")
    joined = "{" + func.aggregate_strings(pair, ",") + "}"
    return select(cast(answers.c.session_id, String), joined).where(answers.c.session_id.in_(ids)).group_by(answers.c.session_id)


def session_keys(session_id: uuid.UUID) -> tuple[str, str]:
    """The texts a session's id reads as when cast to text: SQLite's 32 hex digits, PostgreSQL's hyphenated form."""
    return session_id.hex, str(session_id)
