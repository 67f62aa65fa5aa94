"""The station's own records: the audit chain, invitation codes, the moderator PIN and the sealing keys."""

from __future__ import annotations

import sys
from pathlib import Path

from ..visible import visible
from .common import EXIT_OK, EXIT_PROBLEMS, existing_station_database, named_database, prepare, print_problems, say


def audit_verify(study_dir: Path, database: str | None, central: str | None = None) -> int:
    from ..db.audit import verify

    db_file = existing_station_database(study_dir, database)
    if db_file is None:
        return EXIT_PROBLEMS
    import sqlite3

    try:
        report = verify(db_file)
    except sqlite3.DatabaseError as exc:
        say(f"cannot read {db_file}: {exc}")
        return EXIT_PROBLEMS
    problems = [f"{db_file}: {p}" for p in report.problems]
    if report.ok:
        print(f"{db_file}: the audit chain holds ({report.entries} entries) and every stored answer matches it.")
    if central:
        anchored = audit_anchors(db_file, central)
        if anchored is None:
            return EXIT_PROBLEMS
        problems += anchored
    for problem in problems:
        print(visible(problem))
    if problems:
        print(f"{len(problems)} problem(s): the file was changed outside preview-tui.")
        return EXIT_PROBLEMS
    return EXIT_OK


def audit_anchors(db_file: Path, url: str) -> list[str] | None:
    """What the central database received of this station's chain that the file no longer holds; None (after saying why) when it cannot be asked."""
    import asyncio

    from ..sync.anchors import check_station
    from ..sync.engine import check_url
    from ..sync.errors import SyncError, describe

    try:
        parsed = check_url(url)
        report = asyncio.run(check_station(db_file, url))
    except SyncError as exc:
        say(str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - a reason, never a traceback
        say(f"cannot check the chain against the central database: {describe(exc, f'{parsed.host}:{parsed.port or 5432}/{parsed.database}', parsed.username, parsed.database)}")
        return None
    if report.ok and report.anchors:
        print(f"{report.station}: the chain extends all {report.anchors} head(s) and {report.entries} entries it sent to the central database.")
    elif report.ok:
        print(f"{report.station}: the central database has nothing of this chain (never synced): only the file's own chain was checked.")
    return report.problems


def invite(study_dir: Path, database: str | None, file: Path) -> int:
    import asyncio

    from ..db.store import Store, describe_failure
    from ..survey.errors import StudyError
    from ..survey.study import load_study

    try:
        study = load_study(study_dir)
    except StudyError as exc:
        print_problems(exc)
        return EXIT_PROBLEMS
    try:
        lines = sys.stdin.read().splitlines() if str(file) == "-" else file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        say(f"cannot read {file}: {exc}")
        return EXIT_PROBLEMS
    codes = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    too_long = [c for c in codes if len(c) > 64]
    if too_long:
        say(f"{len(too_long)} code(s) longer than 64 characters, e.g. {visible(too_long[0][:20])}…; nothing imported")
        return EXIT_PROBLEMS
    from ..settings import database_path

    db_file = named_database(database) if database else database_path(study.config.station, study.root)

    async def run_import() -> tuple[int, int]:
        async with Store(db_file) as store:
            return await store.import_invitations(study.id, codes)

    if not prepare(db_file):
        return EXIT_PROBLEMS
    try:
        added, known = asyncio.run(run_import())
    except Exception as exc:  # a reason for the moderator, not a traceback
        say(f"cannot import into {db_file}: {describe_failure(exc)}")
        return EXIT_PROBLEMS
    print(f"{added} invitation code(s) added for study '{study.id}'" + (f"; {known} were already there" if known else "") + ".")
    return EXIT_OK


def keys_generate(out: Path, name: str, study_dir: Path) -> int:
    """Write a new key pair; print the public key's line for config.yaml."""
    import re

    from ..seal import write_key_pair

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        say(f"'{name}' cannot name a key file: use letters, digits, '-', '_' or '.'")
        return EXIT_PROBLEMS
    target = out.expanduser().resolve()
    for folder in {study_dir.resolve(), Path.cwd().resolve()}:
        if (folder / "config.yaml").is_file() and (target == folder or folder in target.parents):
            say(f"{out} is inside the study folder {folder}: the private key must never travel with the study; choose a folder of the research team's")
            return EXIT_PROBLEMS
    try:
        private_file, public_file, public = write_key_pair(target, name)
    except FileExistsError:
        say(f"{target / (name + '.private-key')} already exists; nothing written (a key pair is never overwritten)")
        return EXIT_PROBLEMS
    except OSError as exc:
        say(f"cannot write the key pair in {target}: {exc.strerror or exc}")
        return EXIT_PROBLEMS
    print(f"Private key: {private_file} (mode 0600). Keep it with the research team, never on a station; exports open sealed answers with it.")
    print(f"Public key: {public_file}. Put it in the study's config.yaml:")
    print()
    print("  sealing:            # under study:")
    print(f'    public_key: "{public}"')
    return EXIT_OK


def make_pin() -> int:
    """Ask for the PIN twice (or read it, and optionally the same again, from standard input) and print the line for config.yaml."""
    from ..pin import hash_pin

    if sys.stdin.isatty():
        import getpass

        pin = getpass.getpass("New moderator PIN: ")
        again = getpass.getpass("The same PIN again: ")
    else:  # a pipe: the PIN on its first line, and on a second line (if any) the same PIN again
        lines = sys.stdin.read(4096).splitlines()
        pin = lines[0] if lines else ""
        again = lines[1] if len(lines) > 1 else pin
    if again != pin:
        say("the two PINs differ; nothing made")
        return EXIT_PROBLEMS
    if len(pin) < 4 or len(pin) > 64:
        say("a PIN has 4 to 64 characters")
        return EXIT_PROBLEMS
    print(f'  moderator_pin: "{hash_pin(pin)}"   # under station: in config.yaml')
    return EXIT_OK


def pin_unlock(study_dir: Path, database: str | None) -> int:
    """Lift the PIN's lockout on this station (and start the count of wrong PINs again); an audit entry says so."""
    import asyncio

    from ..db.audit import PIN_UNLOCKED
    from ..db.store import Store, describe_failure

    db_file = existing_station_database(study_dir, database, ": nothing to unlock")
    if db_file is None:
        return EXIT_PROBLEMS
    if not prepare(db_file):
        return EXIT_PROBLEMS

    async def unlock():
        async with Store(db_file) as store:
            state = await store.pin_state()
            await store.record_pin(PIN_UNLOCKED, "preview-tui pin --unlock")
            return state

    try:
        state = asyncio.run(unlock())
    except Exception as exc:  # a reason for the moderator, not a traceback
        say(f"cannot unlock the PIN in {db_file}: {describe_failure(exc)}")
        return EXIT_PROBLEMS
    if state.locked:
        when = state.last_failure.astimezone().strftime("%Y-%m-%d %H:%M") if state.last_failure else "?"
        print(f"The moderator PIN of {db_file} was locked after {state.failures} wrong PINs (the last at {when}); it is unlocked.")
    else:
        print(f"The moderator PIN of {db_file} was not locked ({state.failures} wrong PIN(s) in a row); the count starts again.")
    return EXIT_OK
