"""How one synced table's rows travel to the central database: column names, and the casts on the server."""

from __future__ import annotations

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
        # The temporary table has the central types, but for booleans (SQLite's 0 and 1, cast on the
        # server). asyncpg's binary COPY takes ids as the station's hex text and integers and reals as
        # they are; only times (text in SQLite) and JSON values SQLite stored as numbers are converted here.
        from sqlalchemy import JSON, Boolean, DateTime

        self.stage_types, self.times, self.json = {}, [], []
        for i, c in enumerate(central_table.columns):
            self.stage_types[c.name] = "integer" if isinstance(c.type, Boolean) else self.types[c.name]
            if isinstance(c.type, DateTime) or isinstance(getattr(c.type, "impl", None), DateTime):
                self.times.append(i)
            elif isinstance(c.type, JSON):
                self.json.append(i)

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


def as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)

