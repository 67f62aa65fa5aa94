import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def demo_study(tmp_path) -> Path:
    """A copy of the demo study that a test may change."""
    return copy_demo(tmp_path / "study")


def copy_demo(root: Path) -> Path:
    """The demo study's files alone (its screenings, questionnaires, media and config) copied to ``root``."""
    root.mkdir()
    for part in ("screens", "surveys", "media"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "config.yaml", root / "config.yaml")
    return root


def own_key_pair(study: Path) -> str:
    """Seal a copied study's sensitive answers with a key pair of the test's own; returns the private key's text.

    The demo's own private key was not kept, so nothing the demo seals can be opened without this.
    """
    from preview_tui import seal

    public, private = seal.generate()
    config = study / "config.yaml"
    text, count = re.subn(r'public_key: "[^"]+"', f'public_key: "{public}"', config.read_text())
    assert count == 1, "the study's config.yaml has no sealing public key to replace"
    config.write_text(text)
    return private


def until(predicate, timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it is true (True) or ``timeout`` seconds have passed (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


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
