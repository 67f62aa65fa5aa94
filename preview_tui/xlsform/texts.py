"""An XLSForm's texts as a study's: ``label::French (fr)`` columns become ``{fr: ...}``, ``${name}`` becomes ``{name}``.

A translation column is named by the language's code in brackets (``English (en)``), or by the
language's name alone (``English``, ``Français``, ``Deutsch``). The study's languages are the ones
the form is written in, the settings' ``default_language`` first. Labels with no language column
(a plain ``label``) are one text for every language; beside translated labels they count as the
``default_language``. A language the app does not offer is reported.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from ..survey.schema_base import LANGUAGES

_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$")
_NAMES = {"english": "en", "french": "fr", "français": "fr", "francais": "fr", "german": "de", "deutsch": "de"}
_PIPED = re.compile(r"\$\{([^}]*)\}")
DEFAULT = "default"  # pyxform's key for a text without a language


def language_code(column: str) -> str | None:
    """``"French (fr)"`` → ``"fr"``; None when the column names no language the app offers."""
    match = _CODE.search(column)
    code = match.group(1).lower() if match else _NAMES.get(column.strip().lower())
    return code if code in LANGUAGES else None


class Texts:
    """Converts the form's texts, knowing its languages; ``unknown`` (``unknown_default``) are the languages of the
    columns (of the settings' default) that the app does not offer.

    ``default_language`` (from the settings) names the language of texts without one, and goes first.
    """

    def __init__(self, keys: Iterable[str], default_language: str | None):
        keys = set(keys)
        named = default_language if default_language and default_language != DEFAULT else None
        self.default = language_code(named) if named else None
        self.unknown = sorted({k for k in keys if k != DEFAULT and language_code(k) is None})
        self.unknown_default = named if named and self.default is None else None
        found = {language_code(k) for k in keys if k != DEFAULT} - {None}
        if self.default is not None and (DEFAULT in keys or not found):
            found.add(self.default)
        ordered = sorted(found, key=LANGUAGES.index)
        if self.default in ordered:
            ordered.remove(self.default)
            ordered.insert(0, self.default)
        self.languages: list[str] = ordered or ["en"]

    def text(self, value: Any, piped: set[str] | None = None) -> Any:
        """A study text (one string, or one per language); the names it pipes are added to ``piped``.

        Raises ValueError with the reason when a language is missing or cannot be told.
        """
        if isinstance(value, str):
            return pipe(value, piped)
        by_language: dict[str, str] = {}
        for key, text in value.items():
            if key == DEFAULT:
                if self.default is None and len(value) > 1:
                    raise ValueError("a text without a language beside translated ones: name its language (label::English (en)) or set default_language in the settings")
                if self.default is None:
                    return pipe(text, piped)
                key = self.default
            code = language_code(key)
            if code is None:
                continue  # reported once for the whole form, as self.unknown
            by_language.setdefault(code, pipe(text, piped))
        missing = [code for code in self.languages if not by_language.get(code)]
        if missing:
            raise ValueError(f"no text in {', '.join(missing)} (the form's languages are {', '.join(self.languages)})")
        return {code: by_language[code] for code in self.languages}


def pipe(text: str, piped: set[str] | None = None) -> str:
    """``${name}`` as the study's ``{name}``; braces of the text itself are doubled so they stay text."""
    parts = _PIPED.split(str(text))
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            name = part.strip()
            if piped is not None:
                piped.add(name)
            out.append("{" + name + "}")
        else:
            out.append(part.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def joined(first: Any, second: Any) -> Any:
    """Two texts as one, a blank line between them, language by language."""
    if first is None or second is None:
        return second if first is None else first
    if isinstance(first, str) and isinstance(second, str):
        return f"{first}\n\n{second}"
    languages = first.keys() if isinstance(first, dict) else second.keys()
    pick = lambda t, lang: t if isinstance(t, str) else t[lang]  # noqa: E731
    return {lang: f"{pick(first, lang)}\n\n{pick(second, lang)}" for lang in languages}


def language_keys(node: Any) -> set[str]:
    """Every language key of every translated text in the form's structure."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("label", "hint", "jr:constraintMsg", "jr:requiredMsg", "guidance_hint") and isinstance(value, dict):
                    found.update(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found
