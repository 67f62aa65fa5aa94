"""Where each page and each condition the runner reports is written, for the walker's report."""

from __future__ import annotations

from typing import Any, Iterable

from .condition_key import condition_key
from .paths import pages_in
from .yamlfile import Document


def places(surveys: Iterable[tuple[Document, Any]], config: Any, config_doc: Document) -> dict[str, str]:
    """Condition key (``condition_key.py``) -> ``file:line:col`` for the surveys used and the study's quotas."""
    found: dict[str, str] = {}

    def place(doc: Document, path: tuple) -> str:
        line, col = doc.where(path)
        return f"{doc.file}:{line}:{col}"

    for doc, survey in surveys:
        for b, block in enumerate(survey.blocks):
            if block.show_if:
                found[condition_key("block", block.id, "show_if")] = place(doc, ("blocks", b, "show_if"))
        for at, _, page in pages_in(survey):
            found[condition_key("page", page.id)] = place(doc, at + ("id",))
            if page.show_if:
                found[condition_key("page", page.id, "show_if")] = place(doc, at + ("show_if",))
            for i in range(len(page.screen_out)):
                found[condition_key("page", page.id, "screen_out", i)] = place(doc, at + ("screen_out", i, "when"))
            for q, question in enumerate(page.questions):
                if question.show_if:
                    found[condition_key("question", question.id, "show_if")] = place(doc, at + ("questions", q, "show_if"))
                for i in range(len(question.screen_out)):
                    found[condition_key("question", question.id, "screen_out", i)] = place(doc, at + ("questions", q, "screen_out", i, "when"))
    for i, quota in enumerate(config.study.quotas):
        for cell, _ in quota.cells():
            found[condition_key("quota", cell)] = place(config_doc, ("study", "quotas", i, "when" if quota.cross is None else "cross"))
    return found
