"""The study's data leaving the station: ``sync`` to the central database, ``export``, ``codebook`` and ``report``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..visible import visible
from .common import EXIT_OK, EXIT_PROBLEMS, listed, load, named_database, prepare, print_problems, run_with_progress, say
from .common import private_key as read_private_key


def sync(study_dir: Path, database: str | None, central: str | None, *, progress: bool = True) -> int:
    """Send the station's new records to the central database, with a progress bar; a reason on failure."""
    import os

    from ..settings import database_path
    from ..sync.engine import ENV_URL, central_url

    settings = None
    url = central or os.environ.get(ENV_URL)
    if database and url:
        db_file = named_database(database)
    else:
        from ..survey.errors import StudyError
        from ..survey.study import load_study

        try:
            study = load_study(study_dir)
        except StudyError as exc:
            print_problems(exc)
            say(f"the study in {study_dir} has problems, so its settings cannot be read; `preview-tui validate` checks it.")
            return EXIT_PROBLEMS
        settings = study.config.station
        db_file = named_database(database) if database else database_path(settings, study.root)
        url = url or central_url(settings.central_database)
    if not url:
        say(f"no central database is set: put its address in config.yaml (station.central_database: postgresql://user:password@host:5432/db) or in {ENV_URL}.")
        return EXIT_PROBLEMS
    if not db_file.is_file():
        say(f"no station database at {db_file}: nothing to send.")
        return EXIT_PROBLEMS

    if not prepare(db_file):
        return EXIT_PROBLEMS
    from ..sync.engine import SyncError, Syncer

    try:

        def work(on_progress):
            return Syncer(db_file, url, progress=on_progress, station_name=settings.name if settings else None).run()

        report = run_with_progress(work, "Syncing", progress, transient=False, describe=lambda table: f"Syncing {table}".rstrip())
    except SyncError as exc:
        say(f"sync failed: {exc.explain(console=False)}")
        return EXIT_PROBLEMS
    print(visible(report.summary()))
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def export(study_dir: Path, database: str | None, central: str | None, out: Path, *, formats: list[str] | None, language: str | None, private_key: Path | None = None, progress: bool = True, spreadsheet: bool = False) -> int:
    """Write the study's eligible sessions from the station file or the central database; a reason on failure."""
    study = load(study_dir)
    if study is None:
        return EXIT_PROBLEMS
    if language and language not in study.settings.languages:
        say(f"the study has no language '{language}' (it has: {', '.join(study.settings.languages)})")
        return EXIT_PROBLEMS
    from ..db.reader import SealedAnswerError, Source, SourceError
    from ..export.run import FORMATS, export as run_export
    from ..export.variables import ExportError
    from ..seal import SealKeyError
    from ..settings import database_path

    try:
        key = read_private_key(private_key)
    except SealKeyError as exc:
        say(str(exc))
        return EXIT_PROBLEMS

    if central:
        source = Source(central)
    else:  # --database is relative to where the command runs, like the other commands' --database
        source = Source(named_database(database) if database else database_path(study.config.station, study.root))
    try:
        report = run_with_progress(
            lambda on_progress: run_export(study, source, out, formats=tuple(formats or FORMATS), language=language, private_key=key, progress=on_progress, spreadsheet=spreadsheet),
            "Exporting", progress, transient=True,
        )
    except (SourceError, ExportError, SealedAnswerError) as exc:
        say(str(exc))
        return EXIT_PROBLEMS
    except OSError as exc:
        say(f"cannot write the export to {out}: {exc.strerror or exc}")
        return EXIT_PROBLEMS
    return listed(f"Exported {report.sessions} participant(s) x {report.variables} variables of study '{study.id}' from {source}:", report.files)


def codebook(study_dir: Path, out: Path, *, formats: list[str] | None) -> int:
    study = load(study_dir)
    if study is None:
        return EXIT_PROBLEMS
    from ..export.codebook import write_codebook
    from ..export.variables import ExportError

    try:
        written = write_codebook(study, out, tuple(formats or ("md", "csv")))
    except ExportError as exc:
        say(str(exc))
        return EXIT_PROBLEMS
    except OSError as exc:
        say(f"cannot write the codebook to {out}: {exc.strerror or exc}")
        return EXIT_PROBLEMS
    return listed(f"Codebook of study '{study.id}':", written)


def report(study_dir: Path, database: str | None, *, split_by: str | None, language: str | None, out: Path | None, private_key: Path | None, include_test: bool, all_sessions: bool) -> int:
    """The study's results from a station file or the central database: printed, or written to a file."""
    from ..report import SourceError, build_report, read_sessions
    from ..db.reading import is_url
    from ..seal import SealError, SealKeyError
    from ..settings import database_path

    study = load(study_dir)
    if study is None:
        return EXIT_PROBLEMS
    if database:  # a file named on the command line is relative to where the command runs
        source = database if is_url(database) else named_database(database)
    else:
        source = database_path(study.config.station, study.root)
    try:
        sessions = read_sessions(source, study.id, include_test=include_test, private_key=read_private_key(private_key))
        results = build_report(study, sessions, language=language, split_by=split_by, base="all" if all_sessions else "completed")
    except (SourceError, SealKeyError, SealError, ValueError) as exc:
        say(str(exc))
        return EXIT_PROBLEMS
    if out is not None:
        from ..report.files import ReportFileError, write_report

        try:
            write_report(results, out)
        except ReportFileError as exc:
            say(str(exc))
            return EXIT_PROBLEMS
        print(f"Report of {results.n} session(s) written to {out}." + (" It includes test data." if include_test else ""))
        return EXIT_OK
    import shutil

    from ..report.terminal import render_text

    width = max(60, min(shutil.get_terminal_size((100, 40)).columns, 160))
    sys.stdout.write(render_text(results, width=width, colour=sys.stdout.isatty()))
    return EXIT_OK
