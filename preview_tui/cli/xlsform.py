"""``import``: a study folder made from an XLSForm workbook, then checked as ``validate`` checks it."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from ..visible import visible
from .common import EXIT_PROBLEMS, say


def import_command(form: Path, out: Path) -> int:
    from ..xlsform import ImportFailed, import_form

    if not form.is_file():
        say(f"{form}: no such file")
        return EXIT_PROBLEMS
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        say(f"{out} already exists and is not an empty folder: give a new folder with --out")
        return EXIT_PROBLEMS
    try:
        report = import_form(form, out, shown_as=str(form))
    except ImportFailed as exc:
        _said(exc.report.notes, "note: ")
        _said(exc.report.problems, "")
        print(f"{len(set(exc.report.problems))} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    _said(report.notes, "note: ")
    from .study import validate

    return validate(out)


def _said(items, prefix: str) -> None:
    for item in sorted(set(items)):
        print(visible(str(replace(item, message=prefix + item.message))), file=sys.stderr)
