"""``validate`` and running the app: the study as the loader sees it, then as a participant does."""

from __future__ import annotations

import sys
from pathlib import Path

from ..visible import visible
from .common import EXIT_OK, EXIT_PROBLEMS, named_database, prepare, print_problems, say, setup_logging


def validate(path: Path, *, walk: bool = False) -> int:
    from ..survey.errors import StudyError
    from ..survey.study import check_file, load_study

    try:
        if path.is_file():
            check_file(path)
            print(f"{path}: ok")
            return EXIT_OK
        study = load_study(path)
    except StudyError as exc:
        print_problems(exc)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in study.warnings:
        print(visible(warning), file=sys.stderr)
    if study.warnings:
        print(f"{len(study.warnings)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{path}: study '{study.id}' is valid ({sum(1 for _ in study.questions())} questions).")
    if walk:
        from ..survey.walk import walk as explore

        report = explore(study)
        for line in report.lines():
            print(visible(f"walk: {line}"))
        if report.dead_ends or report.page_coverage < 1.0 or report.truncated:
            return EXIT_PROBLEMS
    return EXIT_OK


def run(study_dirs: list[Path], database: str | None, *, plain: bool = False) -> int:
    """Run the station app on these studies (the first one shown); ``plain`` (or ``station.interface: plain``):
    the line-by-line front end, which has no console to draw early.

    A study whose files are as they were when it last loaded clean is not checked again (``survey.cache``):
    then the console is drawn from what was kept of it, and the engine, the store and the study itself
    are loaded in a thread behind it. A changed study is checked first, and its problems end the command.
    """
    from ..survey.cache import read_facts, study_key

    keys = [study_key(d) for d in study_dirs]
    console = [read_facts(k) for k in keys]

    plain = plain or bool(console[0] and console[0].interface == "plain")
    if not plain and all(console) and not console[0].kiosk and len({f.id for f in console}) == len(console):
        return _run_kept(study_dirs, keys, console, database)  # a kiosk shows its welcome first: loaded before it
    return _run_checked(study_dirs, keys, database, plain=plain)


def _run_checked(study_dirs: list[Path], keys: list[str | None], database: str | None, *, plain: bool = False) -> int:
    from ..survey.cache import load as load_kept
    from ..survey.errors import StudyError

    studies = []
    for study_dir, key in zip(study_dirs, keys):
        try:
            studies.append(load_kept(study_dir, key))
        except StudyError as exc:
            print_problems(exc)
            print(f"The study in {study_dir} cannot be run: {len(exc.problems)} problem(s) found. `preview-tui validate` checks it.", file=sys.stderr)
            return EXIT_PROBLEMS
    ids = [s.id for s in studies]
    if len(set(ids)) != len(ids):
        say(f"two --study directories hold the same study id ({', '.join(sorted({i for i in ids if ids.count(i) > 1}))})")
        return EXIT_PROBLEMS
    study = studies[0]
    from ..db.store import Store
    from ..settings import database_path, player_factory
    from ..survey.cache import facts_of

    settings = study.config.station
    db_file = named_database(database) if database else database_path(settings, study.root)
    if not prepare(db_file):
        return EXIT_PROBLEMS
    setup_logging()
    if plain or settings.interface == "plain":
        from ..plain import run_station

        return run_station(studies, db_file)
    _ask_terminal(settings.images, any(facts_of(one).pictures for one in studies))
    from ..prefs import prefs_path
    from ..ui.app import build_app

    app = build_app(settings=settings, study=study, store=Store(db_file), player_factory=player_factory(settings), more_studies=studies[1:], prefs=prefs_path())
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code


def _run_kept(study_dirs: list[Path], keys: list[str], console: list, database: str | None) -> int:
    from ..settings import database_path

    db_file = named_database(database) if database else database_path(console[0], Path(study_dirs[0]))
    if not prepare(db_file):
        return EXIT_PROBLEMS
    _ask_terminal(console[0].images, any(f.pictures for f in console))


    def start():
        """In the loader thread, once the console is drawn: the studies, the store and the station."""
        setup_logging()
        from ..db.store import Store
        from ..settings import player_factory
        from ..station import Station
        from ..survey.cache import load as load_kept

        studies = [load_kept(study_dir, key) for study_dir, key in zip(study_dirs, keys)]
        settings = studies[0].config.station
        station = Station(settings=settings, study=studies[0], store=Store(db_file), more_studies=studies[1:])
        return station, player_factory(settings)

    from ..prefs import prefs_path
    from ..ui.app import build_app_later


    app = build_app_later(console=console, start=start, prefs=prefs_path())

    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code


def _ask_terminal(images: str, pictures: bool) -> None:
    """Learn the terminal's image protocol before Textual owns stdin (``ui.image_support``), when a picture is shown."""
    if pictures:
        from ..ui.image_support import ask_before_run

        ask_before_run(images)
