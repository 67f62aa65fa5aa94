"""The recordings of a study's eligible sessions, listed by file name (``<id>_recordings.csv``).

The files themselves stay sealed where they are (the station's recordings
folder, or the central ``recording_chunks``); this list says which file holds
which participant's answer to which question, and lets a researcher check a
file against its SHA-256 once assembled. The rows are read by ``db.sessions``.
"""

from __future__ import annotations

from typing import Any

from ..db.sessions import RECORDING_COLUMNS as COLUMNS, stream_recordings as stream

__all__ = ["COLUMNS", "asked", "stream"]


def asked(study: Any) -> bool:
    """Whether the study has a recording question (only then is the list written)."""
    return any(q.type == "recording" for _, _, q in study.questions())
