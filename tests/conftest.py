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
