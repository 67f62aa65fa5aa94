"""What every reader of a store (exports, the report) agrees on: where it is, and which sessions count.

A store is a station's SQLite file or, named by URL, the central PostgreSQL
database; both have the tables of ``models.py``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Select, select

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
