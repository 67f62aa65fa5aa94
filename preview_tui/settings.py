"""Where the station keeps its files, and how to make its player from the settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .playback.base import Player
    from .survey.schema import StationSettings

APP_NAME = "preview-tui"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def log_file() -> Path:
    """The app's log: ``preview-tui.log`` in the per-user log directory (``~/.local/state/preview-tui/log/`` on Linux)."""
    return log_dir() / "preview-tui.log"


def database_path(settings: StationSettings | None, study_root: Path, override: str | None = None) -> Path:
    """``--database``, then ``PREVIEW_TUI_DATABASE``, then config.yaml, then the per-user data directory."""
    chosen = override or os.environ.get("PREVIEW_TUI_DATABASE") or (settings.database if settings is not None else None)
    if chosen:
        path = Path(chosen).expanduser()
        return path if path.is_absolute() else (study_root / path)
    return data_dir() / "station.sqlite"


def player_factory(settings: StationSettings):
    """A function that makes the station's player (libVLC) when the first clip needs it."""
    playback = settings.playback

    def make() -> Player:
        from .playback.base import PlayerUnavailable

        if playback.player == "none":
            raise PlayerUnavailable("playback is turned off in config.yaml (station.playback.player: none)")
        from .playback.probe import make_player

        from .files import private_file

        vlc_log = private_file(log_dir() / "vlc.log")  # libVLC appends to it; created 0600 here, not by fopen
        return make_player(video=playback.video, audio=playback.audio, fullscreen=playback.fullscreen, volume=playback.volume, log_file=vlc_log)

    return make
