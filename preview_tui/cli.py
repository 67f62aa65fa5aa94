"""The ``preview-tui`` command.

    preview-tui [--study DIR]...       run the study (default: the current directory); several
                                       --study options put several studies on the station
    preview-tui validate [PATH]        check a study directory or one file
    preview-tui validate --walk        ... and explore every branch, reporting coverage
    preview-tui doctor                 check this station: libVLC, display, database
    preview-tui audit verify           check the station's hash-chained audit log (--central URL: against what it sent)
    preview-tui invite FILE            import single-use invitation codes (one per line)
    preview-tui pin                    make the moderator PIN's hash for config.yaml
    preview-tui pin --unlock           lift the PIN's lockout after too many wrong PINs
    preview-tui sync                   send what the station has not yet sent to the central database
    preview-tui export                 write the study's data as CSV, JSON, SPSS .sav and Stata .dta
    preview-tui codebook               write the study's data dictionary (Markdown and CSV)
    preview-tui keys generate --out DIR   make the key pair that seals sensitive answers
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
from .visible import visible

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
    verify = audit_sub.add_parser("verify", help="check that the hash chain holds and every answer matches it")
    verify.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    verify.add_argument("--central", metavar="URL", help="also check that the chain still extends every head this station sent to the central database")
    invite = sub.add_parser("invite", help="import single-use invitation codes for the study")
    invite.add_argument("file", type=Path, help="a text file with one code per line ('-' reads standard input)")
    invite.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    pin = sub.add_parser("pin", help="make the moderator PIN's hash for config.yaml (station.moderator_pin), or --unlock it")
    pin.add_argument("--unlock", action="store_true", help="lift the lockout after too many wrong PINs on this station (recorded in the audit log)")
    pin.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    sync = sub.add_parser("sync", help="send what this station has not yet sent to the central PostgreSQL database")
    sync.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    sync.add_argument("--central", metavar="URL", help="the central database (default: PREVIEW_TUI_CENTRAL_DATABASE, else station.central_database in config.yaml)")
    sync.add_argument("--no-progress", action="store_true", help="no progress bar, only the summary")
    export = sub.add_parser("export", help="write the study's data for SPSS, Stata, R and spreadsheets (test sessions and withdrawn participants left out)")
    export.add_argument("--database", metavar="FILE", default=argparse.SUPPRESS)
    export.add_argument("--central", metavar="URL", help="read the central PostgreSQL database instead of the station file (postgresql://user:password@host:5432/db)")
    export.add_argument("--format", "-f", dest="formats", action="append", choices=("csv", "json", "sav", "dta"), help="csv, json, sav (SPSS) or dta (Stata); repeat it for several (default: all four)")
    export.add_argument("--language", metavar="LANG", help="the language of the labels (default: the study's first language)")
    export.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR", help="the folder to write to (default: exports)")
    export.add_argument("--private-key", type=Path, metavar="FILE", help="the research team's private key (from `preview-tui keys generate`): sealed answers are opened; without it they are exported as the 'sealed' code")
    export.add_argument("--no-progress", action="store_true", help="no progress bar, only the summary")
    codebook = sub.add_parser("codebook", help="write the study's data dictionary: every exported variable, its texts, codes and conditions")
    codebook.add_argument("--format", "-f", dest="formats", action="append", choices=("md", "csv"), help="md or csv; repeat it for both (default: both)")
    codebook.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR", help="the folder to write to (default: exports)")
    report = sub.add_parser("report", help="the study's results: charts in the terminal, or a PNG, SVG or HTML file to share")
    report.add_argument("--study", type=Path, action="append", metavar="DIR", default=argparse.SUPPRESS, help="the study directory (default: the current directory)")
    report.add_argument("--db", "--database", dest="database", metavar="FILE_OR_URL", default=argparse.SUPPRESS, help="a station's SQLite file, or the central database as postgresql://user:password@host:5432/db (default: this station's file)")
    report.add_argument("--central", metavar="URL", help="read the central PostgreSQL database instead of the station file")
    report.add_argument("--split-by", metavar="QUESTION", help="split the dial traces by the answer to this question (e.g. age_band)")
    report.add_argument("--language", metavar="LANG", help="the language of the questions and answer labels (default: the study's first)")
    report.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE (.html, .png or .svg) instead of printing it")
    report.add_argument("--private-key", type=Path, metavar="FILE", help="the research team's private key: sealed answers are opened and counted; without it they are counted as sealed")
    report.add_argument("--include-test", action="store_true", help="count pilot (test) sessions too; every output then says so")
    report.add_argument("--all-sessions", action="store_true", help="chart the answers of every session, not only the completed ones")
    keys = sub.add_parser("keys", help="the key pair that seals sensitive answers")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    generate = keys_sub.add_parser("generate", help="make a key pair: the private key file stays with the research team, the public key goes in config.yaml")
    generate.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write NAME.private-key (mode 0600) and NAME.public-key; never the study folder")
    generate.add_argument("--name", default="sealing", help="the files' name (default: sealing)")
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
            return audit_verify(args.study, args.database, args.central)
        if args.command == "invite":
            return invite(args.study, args.database, args.file)
        if args.command == "pin":
            return pin_unlock(args.study, args.database) if args.unlock else make_pin()
        if args.command == "keys":
            return keys_generate(args.out, args.name, args.study)
        if args.command == "sync":
            return sync(args.study, args.database, args.central, progress=not args.no_progress)
        if args.command == "report":
            return report(args.study, args.central or args.database, split_by=args.split_by, language=args.language, out=args.out, private_key=args.private_key, include_test=args.include_test, all_sessions=args.all_sessions)
        if args.command == "export":
            return export(args.study, args.database, args.central, args.out, formats=args.formats, language=args.language, private_key=args.private_key, progress=not args.no_progress)
        if args.command == "codebook":
            return codebook(args.study, args.out, formats=args.formats)
        return run(studies, args.database)
    except KeyboardInterrupt:
        return 130


def _print_problems(error) -> None:
    for problem in error.problems:
        print(visible(problem), file=sys.stderr)


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
        print(visible(warning), file=sys.stderr)
    if study.warnings:
        print(f"{len(study.warnings)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{path}: study '{study.id}' is valid ({sum(1 for _ in study.questions())} questions).")
    if walk:
        from .survey.walk import walk as explore

        report = explore(study)
        for line in report.lines():
            print(visible(f"walk: {line}"))
        if report.dead_ends or report.page_coverage < 1.0 or report.truncated:
            return EXIT_PROBLEMS
    return EXIT_OK


def _setup_logging() -> None:
    from .files import private_file
    from .settings import log_file

    logging.basicConfig(filename=private_file(log_file()), level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _prepare(db_file: Path) -> bool:
    """Check, create or upgrade the station file before use; False after saying why (one line) it cannot be used."""
    from .db.migrate import upgrade
    from .db.station_file import StationFileError
    from .db.store import describe_failure

    try:
        upgrade(db_file)
    except StationFileError as exc:
        print(f"preview-tui: {exc}", file=sys.stderr)
        return False
    except Exception as exc:  # any failure to prepare the file ends here with a reason, not a traceback
        print(f"preview-tui: cannot open the station database {db_file}: {describe_failure(exc)}", file=sys.stderr)
        return False
    return True


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
    from .db.store import Store
    from .settings import database_path, player_factory

    settings = study.config.station
    db_file = database_path(settings, study.root, database)
    if not _prepare(db_file):
        return EXIT_PROBLEMS
    _setup_logging()
    from .survey.schema import ImageChoice, StoryboardStep
    from .ui.app import build_app

    pictures = any(isinstance(q, ImageChoice) for one in studies for _, _, q in one.questions())
    if pictures or any(isinstance(step, StoryboardStep) for one in studies for step in one.screening.steps):
        from .ui.storyboard import image_widget_class

        image_widget_class(settings.images)  # the terminal query must happen before Textual owns stdin

    from .prefs import prefs_path

    app = build_app(settings=settings, study=study, store=Store(db_file), player_factory=player_factory(settings), more_studies=studies[1:], prefs=prefs_path())
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


def _existing_station_database(study_dir: Path, database: str | None, nothing: str = "") -> Path | None:
    """``_station_database`` when that file exists; None (after saying why, and ``nothing`` after it) otherwise."""
    db_file = _station_database(study_dir, database)
    if db_file is not None and not db_file.is_file():
        print(f"preview-tui: no station database at {db_file}{nothing}", file=sys.stderr)
        return None
    return db_file


def audit_verify(study_dir: Path, database: str | None, central: str | None = None) -> int:
    from .db.audit import verify

    db_file = _existing_station_database(study_dir, database)
    if db_file is None:
        return EXIT_PROBLEMS
    import sqlite3

    try:
        report = verify(db_file)
    except sqlite3.DatabaseError as exc:
        print(f"preview-tui: cannot read {db_file}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    problems = [f"{db_file}: {p}" for p in report.problems]
    if report.ok:
        print(f"{db_file}: the audit chain holds ({report.entries} entries) and every stored answer matches it.")
    if central:
        anchored = _audit_anchors(db_file, central)
        if anchored is None:
            return EXIT_PROBLEMS
        problems += anchored
    for problem in problems:
        print(visible(problem))
    if problems:
        print(f"{len(problems)} problem(s): the file was changed outside preview-tui.")
        return EXIT_PROBLEMS
    return EXIT_OK


def _audit_anchors(db_file: Path, url: str) -> list[str] | None:
    """What the central database received of this station's chain that the file no longer holds; None (after saying why) when it cannot be asked."""
    import asyncio

    from .sync.anchors import check_station
    from .sync.engine import check_url
    from .sync.errors import SyncError, describe

    try:
        parsed = check_url(url)
        report = asyncio.run(check_station(db_file, url))
    except SyncError as exc:
        print(f"preview-tui: {exc}", file=sys.stderr)
        return None
    except Exception as exc:  # noqa: BLE001 - a reason, never a traceback
        print(f"preview-tui: cannot check the chain against the central database: {describe(exc, f'{parsed.host}:{parsed.port or 5432}/{parsed.database}', parsed.username, parsed.database)}", file=sys.stderr)
        return None
    if report.ok and report.anchors:
        print(f"{report.station}: the chain extends all {report.anchors} head(s) and {report.entries} entries it sent to the central database.")
    elif report.ok:
        print(f"{report.station}: the central database has nothing of this chain (never synced): only the file's own chain was checked.")
    return report.problems


def invite(study_dir: Path, database: str | None, file: Path) -> int:
    import asyncio

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
        print(f"preview-tui: {len(too_long)} code(s) longer than 64 characters, e.g. {visible(too_long[0][:20])}…; nothing imported", file=sys.stderr)
        return EXIT_PROBLEMS
    from .settings import database_path

    db_file = database_path(study.config.station, study.root, database)

    async def run_import() -> tuple[int, int]:
        async with Store(db_file) as store:
            return await store.import_invitations(study.id, codes)

    if not _prepare(db_file):
        return EXIT_PROBLEMS
    try:
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

    if not _prepare(db_file):
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
        print(visible(f"preview-tui: sync failed: {exc.explain()}"), file=sys.stderr)
        return EXIT_PROBLEMS
    print(visible(report.summary()))
    return EXIT_PROBLEMS if report.conflicts or report.rejected else EXIT_OK


def _load(study_dir: Path):
    """The study in ``study_dir``, or None after printing its problems."""
    from .survey.errors import StudyError
    from .survey.study import load_study

    try:
        return load_study(study_dir)
    except StudyError as exc:
        _print_problems(exc)
        print(f"preview-tui: the study in {study_dir} has problems; `preview-tui validate` checks it.", file=sys.stderr)
        return None


def export(study_dir: Path, database: str | None, central: str | None, out: Path, *, formats: list[str] | None, language: str | None, private_key: Path | None = None, progress: bool = True) -> int:
    """Write the study's eligible sessions from the station file or the central database; a reason on failure."""
    import asyncio

    study = _load(study_dir)
    if study is None:
        return EXIT_PROBLEMS
    if language and language not in study.settings.languages:
        print(f"preview-tui: the study has no language '{language}' (it has: {', '.join(study.settings.languages)})", file=sys.stderr)
        return EXIT_PROBLEMS
    from .export.records import SealedAnswerError, Source, SourceError
    from .export.run import FORMATS, export as run_export
    from .export.variables import ExportError
    from .seal import SealKeyError
    from .settings import database_path

    try:
        key = _private_key(private_key)
    except SealKeyError as exc:
        print(f"preview-tui: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS

    if central:
        source = Source(central)
    else:  # --database is relative to where the command runs, like the other commands' --database
        source = Source(database_path(None, Path.cwd(), database) if database else database_path(study.config.station, study.root))
    bar = on_progress = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
        task = bar.add_task("Exporting", total=None)

        def on_progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total or None, description=what)

    work = run_export(study, source, out, formats=tuple(formats or FORMATS), language=language, private_key=key, progress=on_progress)
    try:
        if bar:
            with bar:
                report = asyncio.run(work)
        else:
            report = asyncio.run(work)
    except (SourceError, ExportError, SealedAnswerError) as exc:
        print(f"preview-tui: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"preview-tui: cannot write the export to {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Exported {report.sessions} participant(s) x {report.variables} variables of study '{study.id}' from {source}:")
    for path in report.files:
        print(f"  {path}")
    return EXIT_OK


def codebook(study_dir: Path, out: Path, *, formats: list[str] | None) -> int:
    study = _load(study_dir)
    if study is None:
        return EXIT_PROBLEMS
    from .export.codebook import write_codebook
    from .export.variables import ExportError

    try:
        written = write_codebook(study, out, tuple(formats or ("md", "csv")))
    except ExportError as exc:
        print(f"preview-tui: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"preview-tui: cannot write the codebook to {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Codebook of study '{study.id}':")
    for path in written:
        print(f"  {path}")
def _private_key(path: Path | None):
    """The research team's private key from ``path`` (None without one); SealKeyError says why it cannot be used."""
    if path is None:
        return None
    from .seal import load_private_key

    return load_private_key(path)


def report(study_dir: Path, database: str | None, *, split_by: str | None, language: str | None, out: Path | None, private_key: Path | None, include_test: bool, all_sessions: bool) -> int:
    """The study's results from a station file or the central database: printed, or written to a file."""
    from .report import ReportSourceError, build_report, read_sessions
    from .db.reading import is_url
    from .seal import SealError, SealKeyError
    from .settings import database_path

    study = _load(study_dir)
    if study is None:
        return EXIT_PROBLEMS
    if database:  # a file named on the command line is relative to where the command runs
        source = database if is_url(database) else database_path(study.config.station, Path.cwd(), database)
    else:
        source = database_path(study.config.station, study.root)
    try:
        sessions = read_sessions(source, study.id, include_test=include_test, private_key=_private_key(private_key))
        results = build_report(study, sessions, language=language, split_by=split_by, base="all" if all_sessions else "completed")
    except (ReportSourceError, SealKeyError, SealError, ValueError) as exc:
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


def keys_generate(out: Path, name: str, study_dir: Path) -> int:
    """Write a new key pair; print the public key's line for config.yaml."""
    import re

    from .seal import write_key_pair

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        print(f"preview-tui: '{name}' cannot name a key file: use letters, digits, '-', '_' or '.'", file=sys.stderr)
        return EXIT_PROBLEMS
    target = out.expanduser().resolve()
    for folder in {study_dir.resolve(), Path.cwd().resolve()}:
        if (folder / "config.yaml").is_file() and (target == folder or folder in target.parents):
            print(f"preview-tui: {out} is inside the study folder {folder}: the private key must never travel with the study; choose a folder of the research team's", file=sys.stderr)
            return EXIT_PROBLEMS
    try:
        private_file, public_file, public = write_key_pair(target, name)
    except FileExistsError:
        print(f"preview-tui: {target / (name + '.private-key')} already exists; nothing written (a key pair is never overwritten)", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"preview-tui: cannot write the key pair in {target}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Private key: {private_file} (mode 0600). Keep it with the research team, never on a station; exports open sealed answers with it.")
    print(f"Public key: {public_file}. Put it in the study's config.yaml:")
    print()
    print("  sealing:            # under study:")
    print(f'    public_key: "{public}"')
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


def pin_unlock(study_dir: Path, database: str | None) -> int:
    """Lift the PIN's lockout on this station (and start the count of wrong PINs again); an audit entry says so."""
    import asyncio

    from .db.audit import PIN_UNLOCKED
    from .db.store import Store, describe_failure

    db_file = _existing_station_database(study_dir, database, ": nothing to unlock")
    if db_file is None:
        return EXIT_PROBLEMS
    if not _prepare(db_file):
        return EXIT_PROBLEMS

    async def unlock():
        async with Store(db_file) as store:
            state = await store.pin_state()
            await store.record_pin(PIN_UNLOCKED, "preview-tui pin --unlock")
            return state

    try:
        state = asyncio.run(unlock())
    except Exception as exc:  # a reason for the moderator, not a traceback
        print(f"preview-tui: cannot unlock the PIN in {db_file}: {describe_failure(exc)}", file=sys.stderr)
        return EXIT_PROBLEMS
    if state.locked:
        when = state.last_failure.astimezone().strftime("%Y-%m-%d %H:%M") if state.last_failure else "?"
        print(f"The moderator PIN of {db_file} was locked after {state.failures} wrong PINs (the last at {when}); it is unlocked.")
    else:
        print(f"The moderator PIN of {db_file} was not locked ({state.failures} wrong PIN(s) in a row); the count starts again.")
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
        checks.append(_station_file_check(db_file))
    except StudyError as exc:
        checks.append((False, f"study in {study_dir}: {len(exc.problems)} problem(s); run `preview-tui validate {study_dir}`"))
    from .settings import log_dir

    checks.append((True, f"logs: {log_dir()} (preview-tui.log, and vlc.log for libVLC)"))
    for ok, line in checks:
        print(f"{'ok ' if ok else 'NO '} {line}")
    return EXIT_OK if all(ok for ok, _ in checks) else EXIT_PROBLEMS


def _station_file_check(db_file: Path) -> tuple[bool, str]:
    """Whether the station file can be used (or created), checked without writing to it."""
    from .db.migrate import HEAD
    from .db.station_file import StationFileError, check

    try:
        check(db_file, int(HEAD))
    except StationFileError as exc:
        return False, f"station database: {exc}"
    if not db_file.exists():
        return True, f"station database: {db_file} (not created yet)"
    if db_file.stat().st_mode & 0o077:  # made by an earlier version, or changed since
        return False, f"station database: {db_file} can be read by other users: chmod 600 {db_file}"
    return True, f"station database: {db_file}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
