"""The dial's mean traces: each clip with a dial, on a fixed grid of its time, overall and split by one answer.

A participant's dial counts with the first play of the clip that has samples
(a replay is a second exposure); within a bin (``bin_ms``, 500 ms by default)
their samples are averaged first, so every participant weighs the same. Each
bin then has the mean across participants and a band of ±1 standard deviation
(the sample SD, n - 1; none with fewer than two participants).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from ..db.sessions import SessionRecord
from ..seal import SEALED
from ..survey.schema import NPS, ClipStep, Rating
from ..survey.study import text

NO_ANSWER = "No answer"


@dataclass
class Trace:
    label: str
    n: int  # participants with dial samples
    times: list[float]  # each bin's start, in seconds of the clip
    mean: list[float | None]
    sd: list[float | None]  # None where fewer than 2 participants
    count: list[int]  # participants with a value in each bin

    def points(self) -> list[tuple[float, float, float | None]]:
        """(time, mean, sd) of the bins that have a value."""
        return [(t, mu, s) for t, mu, s in zip(self.times, self.mean, self.sd) if mu is not None]


@dataclass
class ClipResult:
    id: str
    title: str
    overall: Trace
    split: list[Trace]
    viewers: int  # sessions of the base with a recorded exposure of the clip
    completed: int
    mean_watched: float | None


def session_bins(samples: list[tuple[int, int, int]], bin_ms: int) -> dict[int, float]:
    """One participant's mean dial value in each bin of the first play that has samples."""
    if not samples:
        return {}
    first = min(play for play, _, _ in samples)
    by_bin: dict[int, list[int]] = {}
    for play, media_ms, value in samples:
        if play == first and media_ms >= 0:
            by_bin.setdefault(media_ms // bin_ms, []).append(value)
    return {k: statistics.fmean(v) for k, v in by_bin.items()}


def trace(label: str, participants: list[dict[int, float]], nbins: int, bin_ms: int) -> Trace:
    means: list[float | None] = []
    sds: list[float | None] = []
    counts: list[int] = []
    for k in range(nbins):
        values = [p[k] for p in participants if k in p]
        counts.append(len(values))
        means.append(statistics.fmean(values) if values else None)
        sds.append(statistics.stdev(values) if len(values) >= 2 else None)
    return Trace(label, len(participants), [k * bin_ms / 1000 for k in range(nbins)], means, sds, counts)


def _split_groups(q: Any, language: str) -> list[tuple[Any, str]]:
    if isinstance(q, (Rating, NPS)):
        low, high = (1, q.points) if isinstance(q, Rating) else (0, 10)
        labels = [text(label, language) for label in q.labels] if isinstance(q, Rating) and q.labels else None
        pairs = [(p, labels[p - low] if labels else str(p)) for p in range(low, high + 1)]
    else:
        pairs = [(o.code, text(o.label, language)) for o in q.options]
    return pairs + [(s.code, text(s.label, language)) for s in q.special]


def clip_result(step: ClipStep, records: list[SessionRecord], split_q: Any, language: str, bin_ms: int) -> ClipResult:
    binned = [(r, session_bins(r.dial.get(step.id, []), bin_ms)) for r in records]
    binned = [(r, b) for r, b in binned if b]
    nbins = max((max(b) for _, b in binned), default=-1) + 1
    overall = trace("All", [b for _, b in binned], nbins, bin_ms)
    split: list[Trace] = []
    if split_q is not None:
        for code, label in _split_groups(split_q, language) + [(SEALED, "Sealed (not opened)"), (None, NO_ANSWER)]:
            members = [b for r, b in binned if _same(r.answers.get(split_q.id), code)]
            if members:
                split.append(trace(label, members, nbins, bin_ms))
    watched = [r.exposure[step.id] for r in records if step.id in r.exposure]
    percents = [seen.percent for seen in watched if seen.percent is not None]
    return ClipResult(step.id, text(step.title, language), overall, split, len(watched), sum(1 for seen in watched if seen.completed), statistics.fmean(percents) if percents else None)


def _same(value: Any, code: Any) -> bool:
    if value is SEALED or code is SEALED:
        return value is code
    return value == code
