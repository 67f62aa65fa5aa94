"""The back room's live dial trace of the room's shared clip.

It reads the dial samples the seats store (their own stores, the room's file)
for the newest play of the shared clip, keeps every seat's samples of that play
(taken between its start and its end on the room's clock) and builds, on each
refresh, the same :class:`~preview_tui.report.dial.ClipResult` the results
screen draws: mean ±1 SD per bin, the number of seats contributing, and one
trace per group when split by a single-choice answer. When the clip has ended,
the view holds that play's whole trace, as the results screen would show it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..db.room import RoomDb
from ..db.sessions import SessionRecord
from ..report.dial import ClipResult, clip_result
from ..report.numbers import BIN_MS
from ..seal import is_sealed
from ..survey.study import Study


@dataclass
class LivePlay:
    step_id: str
    play: int
    started_mono: float
    ended_mono: float | None = None
    state: str = "starting"
    samples: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # session -> [(0, media_ms, value)]
    last_rowid: int = 0


class LiveTrace:
    def __init__(self, study: Study, room: RoomDb, *, language: str, bin_ms: int = BIN_MS):
        self.study, self.room, self.language, self.bin_ms = study, room, language, bin_ms
        self.play: LivePlay | None = None
        self._seen = 0

    def refresh(self) -> LivePlay | None:
        """Read what is new: the clip log's events and the samples stored since the last refresh."""
        for row in self.room.clip_events(self._seen):
            self._seen = row.seq
            if self.play is None or (row.step_id, row.play) != (self.play.step_id, self.play.play):
                self.play = LivePlay(row.step_id, row.play, row.mono)
            if row.kind in ("playing", "paused"):
                self.play.state = row.kind
            elif row.kind in ("ended", "error", "stopped"):
                self.play.state, self.play.ended_mono = row.kind, row.mono
        play = self.play
        if play is None:
            return None
        for row in self.room.samples(play.step_id, since_mono=play.started_mono, after_rowid=play.last_rowid, until_mono=play.ended_mono):
            play.last_rowid = max(play.last_rowid, row.rowid)
            play.samples.setdefault(row.session_id, []).append((0, row.media_ms, row.value))  # one play per seat: a rejoined seat goes on
        return play

    def result(self, split_by: str | None = None) -> ClipResult | None:
        """The trace as the results screen draws it (``split_by``: a single-choice question's id)."""
        play = self.play
        step = next((s for s in self.study.screening.steps if getattr(s, "id", None) == play.step_id), None) if play is not None else None
        if play is None or step is None:
            return None
        split_q = self.study.question(split_by) if split_by else None
        answers = self._answers(split_q.id, list(play.samples)) if split_q is not None else {}
        records = [
            SessionRecord(id=uuid.UUID(hex=session), row={"status": "in_progress"}, answers={split_q.id: answers[session]} if split_q is not None and session in answers else {}, dial={play.step_id: sorted(samples, key=lambda s: s[1])})
            for session, samples in play.samples.items()
        ]
        return clip_result(step, records, split_q, self.language, self.bin_ms)

    def _answers(self, question_id: str, sessions: list[str]) -> dict[str, Any]:
        found = {}
        for session, raw in self.room.answers_of(question_id, sessions).items():
            value = json.loads(raw) if isinstance(raw, str) else raw
            if not is_sealed(value):
                found[session] = value
        return found
