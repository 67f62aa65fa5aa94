"""The consent's document: the engine's consent facts laid out in the app's words, for every front end.

The Textual consent screen shows it as Markdown (``strong`` marks the heading ``**so**``); the plain
line-by-line mode prints it as it is, the heading unmarked, so a screen reader reads no asterisks.
"""

from __future__ import annotations

from typing import Callable

from .survey.consent import ConsentFacts
from .words import word


def consent_markdown(facts: ConsentFacts) -> str:
    """The consent as the Textual screen's Markdown."""
    return consent_document(facts, strong=lambda heading: f"**{heading}**")


def consent_document(facts: ConsentFacts, *, strong: Callable[[str], str] = str) -> str:
    """The study's text, then what is collected as a list under its heading, then the local privacy notice."""
    lang = facts.language
    parts = [facts.text]
    if facts.categories:
        parts.append(f"{strong(word('we_collect', lang))}\n\n" + "\n".join(f"- {word('category_' + c, lang)}" for c in facts.categories))
    if facts.notice:
        parts.append(facts.notice)
    return "\n\n".join(parts)
