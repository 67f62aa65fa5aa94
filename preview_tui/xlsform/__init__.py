"""XLSForm import: an ODK/Kobo form workbook (``survey``, ``choices``, ``settings``) as a study folder.

``import_form(FORM.xlsx, DIR)`` reads the form with pyxform (``read``), turns its groups and
questions into pages (``pages``, ``questions``), its ``label::Language (xx)`` columns into the
study's languages (``texts``), its ``relevant`` and ``constraint`` expressions into the study's own
expression language and bounds (``xpath``, ``translate``), and writes the folder (``study``).

Nothing is dropped silently. What cannot be imported (a type the app does not ask, such as
geopoint, image or calculate; an expression without a counterpart; a default answer; a choice
filter) is a problem, ``FORM.xlsx:sheet:row: why``, and then no folder is written: a study that
quietly lost a constraint or a condition would collect other data than the form it came from. What
the app does itself (metadata such as start, end, deviceid) or what only shapes a device's screen
(appearance, settings such as instance_name) is left out with a note, said on standard error.
Nothing here imports Textual.
"""

from __future__ import annotations

from pathlib import Path

from .pages import Pages, safe_id
from .problems import FormProblem, ImportFailed, Report
from .read import read_form
from .study import study_files, write_study
from .texts import Texts, language_keys

__all__ = ["FormProblem", "ImportFailed", "Report", "import_form"]

_SETTINGS_USED = {"form_title", "form_id", "version", "default_language", "name", "id_string"}
_SETTINGS_REFUSED = {"public_key": "encrypting submissions with public_key cannot be imported: mark sensitive questions and give the study a sealing key instead"}


def import_form(form_path: Path, out: Path, shown_as: str | None = None) -> Report:
    """Write the study of the form in ``form_path`` to ``out``; raise ImportFailed listing every problem.

    ``shown_as`` is the form's name in the problems (default: the path as given).
    """
    report = Report(shown_as or str(form_path))
    form = read_form(Path(form_path), report)
    structure = form.structure
    texts = Texts(language_keys(structure), structure.get("default_language"))
    if texts.unknown:
        report.error("survey", 1, f"the language(s) {', '.join(texts.unknown)} are not among the app's: English (en), French (fr), German (de)")
    if texts.unknown_default:
        report.error("settings", 2, f"default_language {texts.unknown_default} is not among the app's languages: English (en), French (fr), German (de)")
    builder = Pages(form, texts, report)
    pages = builder.build()
    for key, value in form.settings.items():
        if key in _SETTINGS_REFUSED:
            report.error("settings", 2, _SETTINGS_REFUSED[key])
        elif key not in _SETTINGS_USED and value:
            report.note("settings", 2, f"'{key}' is left out: it has no meaning for a study")
    if not pages and not report.problems:
        report.error("survey", 1, "the form has no question the study can ask")
    if report.problems:
        raise ImportFailed(report)
    study_id = safe_id(structure.get("id_string") or structure.get("name") or "form")[:64]
    version = str(form.settings.get("version") or "1")[:64]
    title = structure.get("title") or study_id
    write_study(Path(out), study_files(study_id, title, version, texts.languages, pages, builder.choices), Path(form_path).name)
    return report
