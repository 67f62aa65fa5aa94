"""What every builder of variables shares: the study, its languages and codes, and labels in each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..survey.pipe import neutral
from ..survey.study import Study
from ..words import all_languages
from .model import Codes


def texts(value: Any, languages: list[str]) -> dict[str, str]:
    """A study text as {language: text} (one string serves every language), piped names shown as ``[name]``."""
    if value is None:
        return {lang: "" for lang in languages}
    if isinstance(value, str):
        return {lang: neutral(value) for lang in languages}
    return {lang: neutral(value.get(lang) or value.get("en") or next(iter(value.values()), "")) for lang in languages}


def joined(a: dict[str, str], b: dict[str, str], sep: str = " - ") -> dict[str, str]:
    return {lang: f"{a[lang]}{sep}{b[lang]}" for lang in a}


@dataclass(frozen=True)
class Context:
    study: Study
    languages: list[str]
    codes: Codes

    def texts(self, value: Any) -> dict[str, str]:
        return texts(value, self.languages)

    def words(self, key: str, **values: dict[str, str]) -> dict[str, str]:
        return all_languages(key, self.languages, **values)

    def missing_labels(self, missing: tuple[int, ...]) -> dict[int | float, dict[str, str]]:
        return {code: self.codes.labels(code, self.languages) for code in missing}
