import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    """Every contract of pyproject.toml: the layers below the screens never import textual, no package has an
    import cycle (imports inside functions count), the screens never import SQLAlchemy, and the exports and the report
    never import SQLAlchemy or a database driver (they read through db/)."""
    lint = Path(__import__("sys").executable).with_name("lint-imports")
    out = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "KEPT" in out.stdout
