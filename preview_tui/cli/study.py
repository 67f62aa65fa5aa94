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


def run(study_dirs: list[Path], database: str | None) -> int:
    from ..survey.errors import StudyError
    from ..survey.study import load_study

    studies = []
    for study_dir in study_dirs:
        try:
            studies.append(load_study(study_dir))
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

    settings = study.config.station
    db_file = named_database(database) if database else database_path(settings, study.root)
    if not prepare(db_file):
        return EXIT_PROBLEMS
    setup_logging()
    from ..survey.schema import ImageChoice, StoryboardStep
    from ..ui.app import build_app

    pictures = any(isinstance(q, ImageChoice) for one in studies for _, _, q in one.questions())
    if pictures or any(isinstance(step, StoryboardStep) for one in studies for step in one.screening.steps):
        from ..ui.storyboard import image_widget_class

        image_widget_class(settings.images)  # the terminal query must happen before Textual owns stdin

    from ..prefs import prefs_path

    app = build_app(settings=settings, study=study, store=Store(db_file), player_factory=player_factory(settings), more_studies=studies[1:], prefs=prefs_path())
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code
