"""How one synced table's rows travel to the central database: column names, and the casts on the server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import tables as t


class Columns:
    """How one synced table's rows travel: column names, and the casts on the server."""

    def __init__(self, spec: t.SyncedTable, central_table):
        from sqlalchemy.dialects import postgresql

        dialect = postgresql.dialect()
        self.spec = spec
        self.name = spec.name
        self.station_cols = [c.name for c in central_table.columns if c.name != "origin_station"]
        self.all_cols = self.station_cols + ["origin_station"]
        self.types = {c.name: c.type.compile(dialect=dialect) for c in central_table.columns}
        self.pk = t.primary_key(spec.name)
        self.pk_type = self.types[self.pk]
        self.key_cols = [c.name for c in central_table.primary_key.columns]
        self.has_revision = "revision" in self.types
        # asyncpg's binary COPY takes ids as the station's hex text, and integers, reals and text as
        # SQLite returns them; times (text in SQLite), booleans (0 and 1) and JSON values SQLite
        # stored as numbers are converted here (``central_rows``).
        from sqlalchemy import JSON, Boolean, DateTime

        self.times, self.json, self.booleans = [], [], []
        for i, c in enumerate(central_table.columns):
            if isinstance(c.type, DateTime) or isinstance(getattr(c.type, "impl", None), DateTime):
                self.times.append(i)
            elif isinstance(c.type, JSON):
                self.json.append(i)
            elif isinstance(c.type, Boolean):
                self.booleans.append(i)

    def central_rows(self, station_rows: list[tuple], origin: str) -> list[list]:
        """The station's rows (``station_cols``, as SQLite returns them) as COPY records of ``all_cols``."""
        times, jsons, booleans = self.times, self.json, self.booleans
        rows = []
        for r in station_rows:  # a hundred thousand rows are usual: the common cases are written out
            row = [*r, origin]
            for i in times:
                if row[i] is not None:
                    row[i] = utc_time(row[i])
            for i in jsons:
                if row[i].__class__ is not str:
                    row[i] = as_text(row[i])
            for i in booleans:
                if row[i].__class__ is int:  # as PostgreSQL casts an integer; anything else is left for the centre to refuse
                    row[i] = row[i] != 0
            rows.append(row)
        return rows

    def cast(self, col: str, alias: str = "s") -> str:
        return f'CAST({alias}."{col}" AS {self.types[col]})'

    def select_cast(self) -> str:
        return ", ".join(f'{self.cast(c)} AS "{c}"' for c in self.all_cols)

    def join_on(self) -> str:
        return " AND ".join(f'c."{k}" = {self.cast(k)}' for k in self.key_cols)

    def cols(self) -> str:
        return ", ".join(f'"{c}"' for c in self.all_cols)

    def row(self, alias: str) -> str:
        return "ROW(" + ", ".join(f'{alias}."{c}"' for c in self.all_cols) + ")"

    def row_cast(self) -> str:
        return "ROW(" + ", ".join(self.cast(c) for c in self.all_cols) + ")"


def utc_time(value: str) -> datetime:
    """A time as the station stores it (UTC, without a zone) as an aware datetime."""
    try:
        return datetime.fromisoformat(value + "+00:00")  # several times faster than parsing, then replace(tzinfo=UTC)
    except ValueError:  # written with a zone of its own: the station's times are UTC whatever it says
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


def as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)

