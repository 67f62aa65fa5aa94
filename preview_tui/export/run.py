"""One export: read a study's eligible sessions, make the rows, write each format asked for.

Files written to ``out_dir`` (``<id>`` is the study's id):

- ``csv``: ``<id>.csv`` (one row per participant), ``<id>_events.csv`` (every
  event of the screening and questionnaires, one per row) and ``<id>_dial.csv``
  (every dial sample, one per row), and ``<id>_recordings.csv`` (every recording's file, when the study records);
- ``json``: ``<id>.json`` (the variables with their labels and codes, and one
  object per participant);
- ``sav``: ``<id>.sav`` (SPSS); ``dta``: ``<id>.dta`` (Stata 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..files import private_dir, private_file
from ..survey.schema import ClipStep, StoryboardStep
from ..survey.study import Study
from ..db import sessions as records
from ..db.reader import Source
from . import flags, writers
from .variables import Layout, layout
from . import recordings

FORMATS = ("csv", "json", "sav", "dta")
Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass
class ExportReport:
    sessions: int = 0
    variables: int = 0
    files: list[Path] = field(default_factory=list)
    events: int = 0
    dial_samples: int = 0


def make_rows(plan: Layout, sessions: list[records.SessionRecord], progress: Progress | None = None) -> list[list[Any]]:
    """One row per session, in the layout's order of variables."""
    rows = []
    total = len(sessions)
    every = max(1, total // 100)
    for i, rec in enumerate(sessions, 1):
        rows.append(plan.row(rec))
        if progress is not None and (i % every == 0 or i == total):
            progress(i, total, "Coding answers")
    return rows


async def export(
    study: Study,
    source: Source,
    out_dir: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    language: str | None = None,
    private_key: Any = None,
    progress: Progress | None = None,
    spreadsheet: bool = False,
) -> ExportReport:
    """Export ``study``'s data from ``source`` to ``out_dir`` in ``formats``; labels in ``language``.

    Sealed answers are opened with ``private_key`` (``seal.load_private_key``); without it they export as the "sealed" code.
    ``spreadsheet``: the wide CSV for a spreadsheet in ``language``'s locale (see ``writers.write_csv``).
    """
    language = language or study.settings.languages[0]
    if language not in study.settings.languages:
        raise ValueError(f"the study has no language '{language}' (it has: {', '.join(study.settings.languages)})")
    plan = layout(study)
    report = ExportReport(variables=len(plan.names))
    stimuli = {step.id for step in study.screening.steps if isinstance(step, (ClipStep, StoryboardStep))}
    async with source.connect() as conn:
        await records.check_study(conn, study.id)
        sessions = await records.read_sessions(conn, study.id, private_key=private_key, step_ids=stimuli, flags=bool(flags.checks(study)), progress=progress)
        report.sessions = len(sessions)
        rows = make_rows(plan, sessions, progress)
        del sessions
        private_dir(out_dir)  # only once there is something to write
        if "csv" in formats:
            report.files.append(_write(out_dir / f"{study.id}.csv", lambda p: writers.write_csv(p, plan, rows, language if spreadsheet else None), progress))
            report.events = await _long(conn, out_dir / f"{study.id}_events.csv", records.EVENT_COLUMNS, records.stream_events(conn, study.id), "events", report, progress)
            report.dial_samples = await _long(conn, out_dir / f"{study.id}_dial.csv", records.DIAL_COLUMNS, records.stream_dial(conn, study.id), "dial samples", report, progress)
            if recordings.asked(study):
                await _long(conn, out_dir / f"{study.id}_recordings.csv", recordings.COLUMNS, recordings.stream(conn, study.id), "recordings", report, progress)
    if "json" in formats:
        report.files.append(_write(out_dir / f"{study.id}.json", lambda p: writers.write_json(p, plan, rows, language), progress))
    if "sav" in formats:
        report.files.append(_write(out_dir / f"{study.id}.sav", lambda p: writers.write_sav(p, plan, rows, language), progress))
    if "dta" in formats:
        report.files.append(_write(out_dir / f"{study.id}.dta", lambda p: writers.write_dta(p, plan, rows, language), progress))
    return report


def _write(path: Path, write: Callable[[Path], None], progress: Progress | None) -> Path:
    """Write to a temporary name, then rename: a failed export never leaves half a file under the real name."""
    if progress is not None:
        progress(0, 1, f"Writing {path.name}")
    partial = private_file(path.with_name(path.name + ".partial"))  # 0600 before any data goes in; writers keep the mode
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(1, 1, f"Wrote {path.name}")
    return path


async def _long(conn: Any, path: Path, columns: tuple[str, ...], batches, what: str, report: ExportReport, progress: Progress | None) -> int:
    partial = private_file(path.with_name(path.name + ".partial"))

    def on_batch(done: int) -> None:
        if progress is not None:
            progress(done, 0, f"Writing {what}")

    try:
        written = await writers.write_long_csv(partial, columns, batches, on_batch)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    report.files.append(path)
    return written
