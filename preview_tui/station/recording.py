"""One participant's answer to a ``recording`` question, whatever front end shows it.

``Take`` runs a recording on a :class:`playback.capture.Capture`, lets the
participant play it back (the plain file in the work folder), and then either
throws it away (record again) or keeps it: sealed with the session's key,
written durably and its row stored (``db/recordings.py``) before the answer
naming it is returned for the page. Without a camera or microphone the answer
is ``NOT_AVAILABLE``, with the reason for the participant and the moderator.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

from ..db import recordings
from ..playback.capture import AvCapture, Capture, CaptureUnavailable, found_devices, synthetic_sources
from ..survey.answers import NOT_AVAILABLE

ENV_SOURCE = "PREVIEW_TUI_CAPTURE"  # "test": FFmpeg's synthetic camera and microphone instead of the station's devices


def make_capture() -> Capture:
    """The station's capture: its devices, or the synthetic ones when ``PREVIEW_TUI_CAPTURE=test``."""
    return AvCapture(synthetic_sources() if os.environ.get(ENV_SOURCE) == "test" else found_devices())


def missing(capture: Capture, video: bool) -> str | None:
    """Why ``capture`` cannot record (no camera, no microphone), or None."""
    sources = getattr(capture, "sources", None)
    if sources is None:
        return None
    lacking = [what for what, source in (("camera", sources.camera if video else True), ("microphone", sources.microphone)) if source is None]
    return f"no {' and no '.join(lacking)} on this station" if lacking else None


class Take:
    """Recordings of one question in one session, until one is kept."""

    def __init__(self, store, session_id: uuid.UUID, sealer, question, capture: Capture) -> None:
        self.store, self.session_id, self.sealer, self.question, self.capture = store, session_id, sealer, question, capture
        self.plain: Path | None = None  # the recording to play back, until kept or thrown away
        self.seconds = 0.0
        self.problem: str | None = missing(capture, question.video)

    def start(self) -> None:
        """Record into a new plain file; CaptureUnavailable when a device cannot be opened."""
        self.discard()
        self.plain = recordings.work_file(self.store.path, self.session_id, self.question.id, self.question.video)
        try:
            self.capture.start(self.plain, self.question.video, self.question.max_seconds)
        except CaptureUnavailable as exc:
            self.problem = str(exc)
            self.discard()
            raise

    async def stop(self) -> float:
        """End the recording (or wait for its end after max_seconds); the seconds recorded."""
        self.seconds = await asyncio.to_thread(self.capture.stop)
        if self.capture.state == "failed":
            self.problem = self.capture.error or "the recording failed"
        return self.seconds

    def discard(self) -> None:
        """Throw the plain recording away (record again, or the participant left the question)."""
        if self.plain is not None:
            recordings.discard(self.plain)
            self.plain = None

    async def keep(self) -> dict[str, Any]:
        """Seal and store the recording; the answer that names it. Raises SealError/OSError/StoreError, keeping nothing new."""
        if self.plain is None:
            raise ValueError("nothing recorded to keep")
        kept = await asyncio.to_thread(recordings.keep, self.store.path, self.plain, self.sealer, self.session_id, self.question.id)
        self.plain = None
        await self.store.save_recording(self.session_id, kept.row(self.question.id, self.seconds, self.question.video))
        return {"file": kept.file_name, "seconds": round(self.seconds, 2), "video": bool(self.question.video)}

    def not_available(self) -> str:
        """The answer when the station cannot record: the question is skipped and recorded as not available."""
        self.discard()
        return NOT_AVAILABLE
