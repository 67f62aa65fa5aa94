import shutil
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def demo_study(tmp_path) -> Path:
    """A copy of the demo study that a test may change."""
    root = tmp_path / "study"
    root.mkdir()
    for part in ("screens", "surveys", "media"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "config.yaml", root / "config.yaml")
    return root


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster of its own for the whole test run, stopped at the end."""
    from pg import remove_cluster, start_cluster

    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield cluster
    remove_cluster(cluster)


@pytest.fixture
async def central_url(pg_cluster, request):
    """A fresh, empty central database for one test."""
    import re

    from pg import create_database

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return await create_database(pg_cluster, name)
