"""Dial samples in a real SQLite file, and the migrations matching the models."""

from __future__ import annotations

import asyncio
import time

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from conftest import rows
from preview_tui.db import models as m
from preview_tui.db.migrate import HEAD, current_revision, upgrade
from preview_tui.db.store import Store
from preview_tui.playback.dial import DialSample


def test_migrations_reach_head_and_match_the_models(tmp_path):
    db = tmp_path / "s.sqlite"
    upgrade(db)
    assert current_revision(db) == HEAD
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), m.Base.metadata)
    engine.dispose()
    assert diff == []


def test_dial_batches_are_stored_once_and_quickly(tmp_path):
    db = tmp_path / "s.sqlite"
    upgrade(db)

    async def main():
        async with Store(db) as store:
            sid = await store.create_session(study_id="s", station="x", code="P1")
            samples = [DialSample(i, i * 100, 1000.0 + i / 10, i % 101) for i in range(1800)]  # 3 minutes at 10 Hz
            t0 = time.perf_counter()
            for k in range(0, len(samples), 5):  # half-second batches
                await store.save_dial_samples(sid, "trailer", 1, samples[k : k + 5])
            elapsed = time.perf_counter() - t0
            await store.save_dial_samples(sid, "trailer", 1, samples[:10])  # a batch sent again
            return sid, elapsed, await store.dial_samples(sid, "trailer")

    sid, elapsed, stored = asyncio.run(main())
    assert len(stored) == 1800 and [s.seq for s in stored] == list(range(1800))
    assert stored[7].media_ms == 700 and stored[7].value == 7
    assert rows(db, "select count(distinct play), min(segment), max(segment) from dial_samples") == [(1, 0, 0)]
    assert elapsed < 20  # 360 commits; a regression to row-by-row sessions would show here
