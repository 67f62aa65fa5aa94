"""The ``preview-tui`` command.

    preview-tui [--study DIR]          run the study (default: the current directory)
    preview-tui validate [PATH]        check a study directory or one file
    preview-tui validate --walk        ... and explore every branch, reporting coverage
    preview-tui doctor                 check this station: libVLC, display, database

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
    parser.add_argument("--study", type=Path, default=Path("."), metavar="DIR", help="the study directory (default: the current directory)")
    parser.add_argument("--database", metavar="FILE", help="the station's SQLite file (default: config.yaml, else the per-user data directory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the study (the default)")
    validate = sub.add_parser("validate", help="check a study directory or one study file")
    validate.add_argument("path", nargs="?", type=Path, help="a study directory or a .yaml file (default: --study)")
    validate.add_argument("--walk", action="store_true", help="also explore every branch with a bot and report coverage and dead ends")
    sub.add_parser("doctor", help="check this station: libVLC, display, database")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return validate(args.path or args.study, walk=args.walk)
        if args.command == "doctor":
            return doctor(args.study, args.database)
        return run(args.study, args.database)
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


def run(study_dir: Path, database: str | None) -> int:
    from .survey.errors import StudyError
    from .survey.study import load_study

    try:
        study = load_study(study_dir)
    except StudyError as exc:
        _print_problems(exc)
        print(f"The study in {study_dir} cannot be run: {len(exc.problems)} problem(s) found. `preview-tui validate` checks it.", file=sys.stderr)
        return EXIT_PROBLEMS
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

    pictures = any(isinstance(q, ImageChoice) for _, _, q in study.questions())
    if pictures or any(isinstance(step, StoryboardStep) for step in study.screening.steps):
        from .ui.storyboard import image_widget_class

        image_widget_class(settings.images)  # the terminal query must happen before Textual owns stdin

    app = build_app(settings=settings, study=study, store=Store(db_file), player_factory=player_factory(settings))
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code


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
