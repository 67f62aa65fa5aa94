"""Per-user settings of whoever runs the station (today: the moderator's theme), apart from any study.

They live in ``settings.json`` in the per-user config directory (``~/.config/preview-tui/`` on
Linux); ``PREVIEW_TUI_SETTINGS`` names another file (tests point it at a temporary one). A missing
or unreadable file gives the defaults: a broken settings file never stops a station.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from .settings import APP_NAME

log = logging.getLogger(__name__)


def prefs_path() -> Path:
    chosen = os.environ.get("PREVIEW_TUI_SETTINGS")
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "settings.json"


def load(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("per-user settings %s not read: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def save(path: Path | None, **values: Any) -> None:
    """Merge ``values`` into the file (written whole, then renamed into place)."""
    if path is None:
        return
    data = {**load(path), **values}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("per-user settings %s not written: %s", path, exc)
