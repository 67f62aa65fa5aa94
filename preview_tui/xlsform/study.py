"""The study folder an imported form becomes: ``config.yaml``, ``screens/main.yaml``, ``surveys/<id>.yaml`` and ``media/``.

An XLSForm says nothing of consent, thanks, screen-outs or refusals, which every study has: the
folder gets plain texts for them in each of the form's languages, marked in ``config.yaml`` for the
researcher to review before a session runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..files import private_dir, write_private

HEADER = "# Imported from {form} by `preview-tui import`.\n# Review the consent, thanks and screen-out texts below before running a session.\n"
STANDARD = {
    "consent": {
        "en": "Thank you for taking part. We store your answers for this research only. You may stop at any time. Do you agree to take part?",
        "fr": "Merci de votre participation. Nous enregistrons vos réponses pour cette recherche uniquement. Vous pouvez arrêter à tout moment. Acceptez-vous de participer ?",
        "de": "Vielen Dank für Ihre Teilnahme. Wir speichern Ihre Antworten nur für diese Forschung. Sie können jederzeit aufhören. Sind Sie einverstanden teilzunehmen?",
    },
    "thanks": {"en": "Thank you! Your answers have been saved.", "fr": "Merci ! Vos réponses ont été enregistrées.", "de": "Vielen Dank! Ihre Antworten wurden gespeichert."},
    "screened_out": {"en": "Thank you for your interest. We will stop here.", "fr": "Merci de votre intérêt. Nous allons nous arrêter ici.", "de": "Vielen Dank für Ihr Interesse. Wir hören hier auf."},
    "declined": {"en": "No problem, thank you for your time.", "fr": "Aucun problème, merci pour votre temps.", "de": "Kein Problem, vielen Dank für Ihre Zeit."},
}


class _Plain(yaml.SafeDumper):
    """Each text written out where it is used (a page split in two repeats its title), never as a YAML alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def study_files(study_id: str, title: Any, version: str, languages: list[str], pages: list[dict[str, Any]], choices: dict[str, list]) -> dict[str, dict[str, Any]]:
    """The files of the study, by path within its folder, as data."""
    standard = {key: {lang: texts[lang] for lang in languages} for key, texts in STANDARD.items()}
    config = {
        "study": {
            "id": study_id,
            "title": title,
            "languages": languages,
            "screening": "main",
            "consent": {"version": version, "text": standard["consent"]},
            "thanks": standard["thanks"],
            "screened_out": standard["screened_out"],
            "declined": standard["declined"],
        }
    }
    screening = {"id": "main", "steps": [{"type": "survey", "survey": study_id}]}
    survey: dict[str, Any] = {"id": study_id, "title": title}
    if choices:
        survey["choices"] = choices
    survey["pages"] = pages
    return {"config.yaml": config, "screens/main.yaml": screening, f"surveys/{study_id}.yaml": survey}


def write_study(out: Path, files: dict[str, dict[str, Any]], form_name: str) -> None:
    """Write the folder (made if missing; refused by the caller when it already holds files)."""
    for folder in ("screens", "surveys", "media"):
        private_dir(out / folder)
    for relative, data in files.items():
        text = yaml.dump(data, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=100)
        header = HEADER.format(form=form_name) if relative == "config.yaml" else ""
        write_private(out / relative, (header + text).encode("utf-8"))
