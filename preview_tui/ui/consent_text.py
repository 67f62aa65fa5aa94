"""The consent screen's document: the engine's consent facts laid out as Markdown in the app's words."""

from __future__ import annotations

from ..survey.consent import ConsentFacts
from ..words import word


def consent_markdown(facts: ConsentFacts) -> str:
    """The study's text, then what is collected as a list under its heading, then the local privacy notice."""
    lang = facts.language
    parts = [facts.text]
    if facts.categories:
        parts.append(f"**{word('we_collect', lang)}**\n\n" + "\n".join(f"- {word('category_' + c, lang)}" for c in facts.categories))
    if facts.notice:
        parts.append(facts.notice)
    return "\n\n".join(parts)
