"""What the commands share: exit codes, one-line reasons, the study and station file they work on, progress bars."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..visible import visible

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def say(message: str) -> None:
    """A one-line reason on standard error, as every command gives it."""
    print(visible(f"preview-tui: {message}"), file=sys.stderr)


def print_problems(error) -> None:
    for problem in error.problems:
        print(visible(problem), file=sys.stderr)


def load(study_dir: Path):
    """The study in ``study_dir`` (not checked again when unchanged since it last loaded clean), or None after printing its problems."""
    from ..survey.cache import load as load_kept
    from ..survey.errors import StudyError

    try:
        return load_kept(study_dir)
    except StudyError as exc:
        print_problems(exc)
        say(f"the study in {study_dir} has problems; `preview-tui validate` checks it.")
        return None


def setup_logging() -> None:
    from ..files import private_file
    from ..settings import log_file

    logging.basicConfig(filename=private_file(log_file()), level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def prepare(db_file: Path) -> bool:
    """Check, create or upgrade the station file before use; False after saying why (one line) it cannot be used."""
    from ..db.migrate import upgrade
    from ..db.station_file import StationFileError

    try:
        upgrade(db_file)
    except StationFileError as exc:
        say(str(exc))
        return False
    except Exception as exc:  # any failure to prepare the file ends here with a reason, not a traceback
        from ..db.store import describe_failure

        say(f"cannot open the station database {db_file}: {describe_failure(exc)}")
        return False
    return True


def named_database(database: str) -> Path:
    """A station file named on the command line: relative to where the command runs."""
    from ..settings import database_path

    return database_path(None, Path.cwd(), database)


def station_database(study_dir: Path, database: str | None, study=None) -> Path | None:
    """The station file for ``--database`` or the study's settings; None (after saying why) when there is none."""
    from ..settings import database_path

    if database:
        return named_database(database)
    study = study or load(study_dir)
    if study is None:
        return None
    return database_path(study.config.station, study.root)


def existing_station_database(study_dir: Path, database: str | None, nothing: str = "") -> Path | None:
    """``station_database`` when that file exists; None (after saying why, and ``nothing`` after it) otherwise."""
    db_file = station_database(study_dir, database)
    if db_file is not None and not db_file.is_file():
        say(f"no station database at {db_file}{nothing}")
        return None
    return db_file


def private_key(path: Path | None):
    """The research team's private key from ``path`` (None without one); SealKeyError says why it cannot be used."""
    if path is None:
        return None
    from ..seal import load_private_key

    return load_private_key(path)


def run_with_progress(work, label: str, show: bool, *, transient: bool, describe: Callable[[str], str] = lambda what: what) -> Any:
    """``asyncio.run(work(on_progress))``, with a progress bar titled ``label`` (then ``describe(what)``) when ``show``."""
    import asyncio

    if not show:
        return asyncio.run(work(None))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=transient)
    task = bar.add_task(label, total=None)

    def on_progress(done: int, total: int, what: str) -> None:
        bar.update(task, completed=done, total=total or None, description=describe(what) or label)

    with bar:
        return asyncio.run(work(on_progress))


def listed(heading: str, paths) -> int:
    """``heading``, then each file written on a line of its own; the command's success."""
    print(heading)
    for path in paths:
        print(f"  {path}")
    return EXIT_OK
