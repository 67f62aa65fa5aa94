"""The ``preview-tui`` command.

    preview-tui [--study DIR]...       run the study (default: the current directory); several
                                       --study options put several studies on the station
    preview-tui validate [PATH]        check a study directory or one file
    preview-tui validate --walk        ... and explore every branch, reporting coverage
    preview-tui doctor                 check this station: libVLC, display, database
    preview-tui audit verify           check the station's hash-chained audit log
    preview-tui invite FILE            import single-use invitation codes (one per line)
    preview-tui pin                    make the moderator PIN's hash for config.yaml
    preview-tui sync                   send what the station has not yet sent to the central database
    preview-tui report                 the study's results: charts in the terminal, or --out FILE
                                       (.html, .png, .svg) to share

Problems in a study are printed as ``file:line:col: message`` and the command
exits with status 1; nothing here prints a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="preview-tui", description="Run moderated audience-research sessions: storyboards, trailer clips and questionnaires.")
    parser.add_argument("--version", action="version", version=f"preview-tui {__version__}")
    parser.add_argument("--study", type=Path, action="append", metavar="DIR", help="a study directory (default: the current directory); repeat it to offer several studies on this station, the first one's station settings apply")
    parser.add_argument("--database", metavar="FILE", help="the station's SQLite file (default: config.yaml, else the per-user data directory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the study (the default)")
    validate = sub.add_parser("validate", help="check a study directory or one study file")
    validate.add_argument("path", nargs="?", type=Path, help="a study directory or a .yaml file (default: --study)")
    validate.add_argument("--walk", action="store_true", help="also explore every branch with a bot and report coverage and dead ends")
    sub.add_parser("doctor", help="check this station: libVLC, display, database")
    audit = sub.add_parser("audit", help="the station's audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", help="check that the hash chain holds and every answer matches it").add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    invite = sub.add_parser("invite", help="import single-use invitation codes for the study")
    invite.add_argument("file", type=Path, help="a text file with one code per line ('-' reads standard input)")
    invite.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    sub.add_parser("pin", help="make the moderator PIN's hash for config.yaml (station.moderator_pin)")
    sync = sub.add_parser("sync", help="send what this station has not yet sent to the central PostgreSQL database")
    sync.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    sync.add_argument("--central", metavar="URL", help="the central database (default: PREVIEW_TUI_CENTRAL_DATABASE, else station.central_database in config.yaml)")
    sync.add_argument("--no-progress", action="store_true", help="no progress bar, only the summary")
    report = sub.add_parser("report", help="the study's results: charts in the terminal, or a PNG, SVG or HTML file to share")
    report.add_argument("--study", type=Path, action="append", metavar="DIR", default=argparse.SUPPRESS, help="the study directory (default: the current directory)")
    report.add_argument("--db", "--database", dest="database", metavar="FILE_OR_URL", default=argparse.SUPPRESS, help="a station's SQLite file, or the central database as postgresql://user:password@host:5432/db (default: this station's file)")
    report.add_argument("--split-by", metavar="QUESTION", help="split the dial traces by the answer to this question (e.g. age_band)")
    report.add_argument("--language", metavar="LANG", help="the language of the questions and answer labels (default: the study's first)")
    report.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE (.html, .png or .svg) instead of printing it")
    report.add_argument("--include-test", action="store_true", help="count pilot (test) sessions too; every output then says so")
    report.add_argument("--all-sessions", action="store_true", help="chart the answers of every session, not only the completed ones")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    studies = args.study or [Path(".")]
    args.study = studies[0]
    try:
        if args.command == "validate":
            return validate(args.path or args.study, walk=args.walk)
        if args.command == "doctor":
            return doctor(args.study, args.database)
        if args.command == "audit":
            return audit_verify(args.study, args.database)
        if args.command == "invite":
            return invite(args.study, args.database, args.file)
        if args.command == "pin":
            return make_pin()
        if args.command == "sync":
            return sync(args.study, args.database, args.central, progress=not args.no_progress)
        if args.command == "report":
            return report(args.study, args.database, split_by=args.split_by, language=args.language, out=args.out, include_test=args.include_test, all_sessions=args.all_sessions)
        return run(studies, args.database)
    except KeyboardInterrupt:
        return 130


def _print_problems(error) -> None:
    for problem in error.problems:
        print(problem, file=sys.stderr)


def validate(path: Path, *, walk: bool = False) -> int:
    from .survey.errors import StudyError
    from .survey.study import check_file, load_study

    try:
        if path.is_file():
            check_file(path)
            print(f"{path}: ok")
            return EXIT_OK
        study = load_study(path)
    except StudyError as exc:
        _print_problems(exc)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in study.warnings:
        print(warning, file=sys.stderr)
    if study.warnings:
        print(f"{len(study.warnings)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{path}: study '{study.id}' is valid ({sum(1 for _ in study.questions())} questions).")
    if walk:
        from .survey.walk import walk as explore

        report = explore(study)
        for line in report.lines():
            print(f"walk: {line}")
        if report.dead_ends or report.page_coverage < 1.0 or report.truncated:
            return EXIT_PROBLEMS
    return EXIT_OK


def _setup_logging() -> None:
    from .settings import log_dir

    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=folder / "preview-tui.log", level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def run(study_dirs: list[Path], database: str | None) -> int:
    from .survey.errors import StudyError
    from .survey.study import load_study

    studies = []
    for study_dir in study_dirs:
        try:
            studies.append(load_study(study_dir))
        except StudyError as exc:
            _print_problems(exc)
            print(f"The study in {study_dir} cannot be run: {len(exc.problems)} problem(s) found. `preview-tui validate` checks it.", file=sys.stderr)
            return EXIT_PROBLEMS
    ids = [s.id for s in studies]
    if len(set(ids)) != len(ids):
        print(f"preview-tui: two --study directories hold the same study id ({', '.join(sorted({i for i in ids if ids.count(i) > 1}))})", file=sys.stderr)
        return EXIT_PROBLEMS
    study = studies[0]
    from .db.migrate import upgrade
    from .db.store import Store, describe_failure
    from .settings import database_path, player_factory

    settings = study.config.station
    db_file = database_path(settings, study.root, database)
    try:
        upgrade(db_file)
    except Exception as exc:  # any failure to prepare the file ends here with a reason, not a traceback
        print(f"preview-tui: cannot open the station database {db_file}: {describe_failure(exc)}", file=sys.stderr)
        return EXIT_PROBLEMS
    _setup_logging()
    from .survey.schema import ImageChoice, StoryboardStep
    from .ui.app import build_app

    pictures = any(isinstance(q, ImageChoice) for one in studies for _, _, q in one.questions())
    if pictures or any(isinstance(step, StoryboardStep) for one in studies for step in one.screening.steps):
        from .ui.storyboard import image_widget_class

        image_widget_class(settings.images)  # the terminal query must happen before Textual owns stdin

    app = build_app(settings=settings, study=study, store=Store(db_file), player_factory=player_factory(settings), more_studies=studies[1:])
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code


def _station_database(study_dir: Path, database: str | None) -> Path | None:
    """The station file for ``--database`` or the study's settings; None (after saying why) when there is none."""
    from .settings import database_path
    from .survey.errors import StudyError
    from .survey.study import load_study

    if database:
        return database_path(None, Path.cwd(), database)
    try:
        study = load_study(study_dir)
    except StudyError as exc:
        _print_problems(exc)
        return None
    return database_path(study.config.station, study.root)


def audit_verify(study_dir: Path, database: str | None) -> int:
    from .db.audit import verify

    db_file = _station_database(study_dir, database)
    if db_file is None:
        return EXIT_PROBLEMS
    if not db_file.is_file():
        print(f"preview-tui: no station database at {db_file}", file=sys.stderr)
        return EXIT_PROBLEMS
    import sqlite3

    try:
        report = verify(db_file)
    except sqlite3.DatabaseError as exc:
        print(f"preview-tui: cannot read {db_file}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if report.ok:
        print(f"{db_file}: the audit chain holds ({report.entries} entries) and every stored answer matches it.")
        return EXIT_OK
    for problem in report.problems:
        print(f"{db_file}: {problem}")
    print(f"{len(report.problems)} problem(s): the file was changed outside preview-tui.")
    return EXIT_PROBLEMS


def invite(study_dir: Path, database: str | None, file: Path) -> int:
    import asyncio

    from .db.migrate import upgrade
    from .db.store import Store, describe_failure
    from .survey.errors import StudyError
    from .survey.study import load_study

    try:
        study = load_study(study_dir)
    except StudyError as exc:
        _print_problems(exc)
        return EXIT_PROBLEMS
    try:
        lines = sys.stdin.read().splitlines() if str(file) == "-" else file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"preview-tui: cannot read {file}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    codes = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    too_long = [c for c in codes if len(c) > 64]
    if too_long:
        print(f"preview-tui: {len(too_long)} code(s) longer than 64 characters, e.g. {too_long[0][:20]}…; nothing imported", file=sys.stderr)
        return EXIT_PROBLEMS
    from .settings import database_path

    db_file = database_path(study.config.station, study.root, database)

    async def run_import() -> tuple[int, int]:
        async with Store(db_file) as store:
            return await store.import_invitations(study.id, codes)

    try:
        upgrade(db_file)
        added, known = asyncio.run(run_import())
    except Exception as exc:  # a reason for the moderator, not a traceback
        print(f"preview-tui: cannot import into {db_file}: {describe_failure(exc)}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{added} invitation code(s) added for study '{study.id}'" + (f"; {known} were already there" if known else "") + ".")
    return EXIT_OK


def sync(study_dir: Path, database: str | None, central: str | None, *, progress: bool = True) -> int:
    """Send the station's new records to the central database, with a progress bar; a reason on failure."""
    import asyncio
    import os

    from .settings import database_path
    from .sync.engine import ENV_URL, central_url

    settings = None
    url = central or os.environ.get(ENV_URL)
    if database and url:
        db_file = database_path(None, Path.cwd(), database)
    else:
        from .survey.errors import StudyError
        from .survey.study import load_study

        try:
            study = load_study(study_dir)
        except StudyError as exc:
            _print_problems(exc)
            print(f"preview-tui: the study in {study_dir} has problems, so its settings cannot be read; `preview-tui validate` checks it.", file=sys.stderr)
            return EXIT_PROBLEMS
        settings = study.config.station
        db_file = database_path(settings, study.root, database)
        url = url or central_url(settings.central_database)
    if not url:
        print(f"preview-tui: no central database is set: put its address in config.yaml (station.central_database: postgresql+asyncpg://user:password@host:5432/db) or in {ENV_URL}.", file=sys.stderr)
        return EXIT_PROBLEMS
    if not db_file.is_file():
        print(f"preview-tui: no station database at {db_file}: nothing to send.", file=sys.stderr)
        return EXIT_PROBLEMS

    from .db.migrate import upgrade
    from .db.store import describe_failure

    try:
        upgrade(db_file)
    except Exception as exc:  # a reason, not a traceback
        print(f"preview-tui: cannot open the station database {db_file}: {describe_failure(exc)}", file=sys.stderr)
        return EXIT_PROBLEMS

    from .sync.engine import SyncError, Syncer

    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False)
        task = bar.add_task("Syncing", total=None)

        def on_progress(done: int, total: int, table: str) -> None:
            bar.update(task, completed=done, total=total or 1, description=f"Syncing {table}".rstrip())

    try:
        syncer = Syncer(db_file, url, progress=on_progress if bar else None, station_name=settings.name if settings else None)
        if bar:
            with bar:
                report = asyncio.run(syncer.run())
        else:
            report = asyncio.run(syncer.run())
    except SyncError as exc:
        print(f"preview-tui: sync failed: {exc.explain()}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(report.summary())
    return EXIT_PROBLEMS if report.conflicts or report.rejected else EXIT_OK


def report(study_dir: Path, database: str | None, *, split_by: str | None, language: str | None, out: Path | None, include_test: bool, all_sessions: bool) -> int:
    """The study's results from a station file or the central database: printed, or written to a file."""
    from .report import ReportSourceError, build_report, read_sessions
    from .report.source import is_url
    from .settings import database_path
    from .survey.errors import StudyError
    from .survey.study import load_study

    try:
        study = load_study(study_dir)
    except StudyError as exc:
        _print_problems(exc)
        print(f"preview-tui: the study in {study_dir} has problems; `preview-tui validate` checks it.", file=sys.stderr)
        return EXIT_PROBLEMS
    if database:  # a file named on the command line is relative to where the command runs
        source = database if is_url(database) else database_path(study.config.station, Path.cwd(), database)
    else:
        source = database_path(study.config.station, study.root)
    try:
        sessions = read_sessions(source, study.id, include_test=include_test)
        results = build_report(study, sessions, language=language, split_by=split_by, base="all" if all_sessions else "completed")
    except (ReportSourceError, ValueError) as exc:
        print(f"preview-tui: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if out is not None:
        from .report.files import ReportFileError, write_report

        try:
            write_report(results, out)
        except ReportFileError as exc:
            print(f"preview-tui: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"Report of {results.n} session(s) written to {out}." + (" It includes test data." if include_test else ""))
        return EXIT_OK
    import shutil

    from .report.terminal import render_text

    width = max(60, min(shutil.get_terminal_size((100, 40)).columns, 160))
    sys.stdout.write(render_text(results, width=width, colour=sys.stdout.isatty()))
    return EXIT_OK


def make_pin() -> int:
    """Ask for the PIN twice (or read it from standard input) and print the line for config.yaml."""
    from .pin import hash_pin

    if sys.stdin.isatty():
        import getpass

        pin = getpass.getpass("New moderator PIN: ")
        if getpass.getpass("The same PIN again: ") != pin:
            print("preview-tui: the two PINs differ; nothing made", file=sys.stderr)
            return EXIT_PROBLEMS
    else:
        pin = sys.stdin.readline().rstrip("\n")
    if len(pin) < 4 or len(pin) > 64:
        print("preview-tui: a PIN has 4 to 64 characters", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f'  moderator_pin: "{hash_pin(pin)}"   # under station: in config.yaml')
    return EXIT_OK


def doctor(study_dir: Path, database: str | None) -> int:
    from .playback.probe import doctor_lines

    checks = list(doctor_lines())
    from .survey.errors import StudyError
    from .survey.study import load_study

    try:
        study = load_study(study_dir)
        checks.append((True, f"study '{study.id}' in {study_dir} is valid"))
        from .settings import database_path

        db_file = database_path(study.config.station, study.root, database)
        checks.append((_writable(db_file.parent), f"station database: {db_file}"))
    except StudyError as exc:
        checks.append((False, f"study in {study_dir}: {len(exc.problems)} problem(s); run `preview-tui validate {study_dir}`"))
    for ok, line in checks:
        print(f"{'ok ' if ok else 'NO '} {line}")
    return EXIT_OK if all(ok for ok, _ in checks) else EXIT_PROBLEMS


def _writable(folder: Path) -> bool:
    """Whether the database can be created in ``folder``: the nearest existing folder must be writable."""
    import os

    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
