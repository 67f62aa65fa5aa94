"""What the consent screen tells a participant, as facts the interface lays out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from .study import Study, text


@dataclass(frozen=True)
class ConsentFacts:
    """The consent in one participant's language: the study's text, the kinds of data it collects (codes of
    ``schema.DataCategory``), the privacy notice of the station's jurisdiction and the rewards programme's text
    ("" when there is none), with the consent's version."""

    version: str
    language: str
    text: str
    categories: tuple[str, ...]
    notice: str
    rewards: str

    def digest(self) -> str:
        """SHA-256 of everything the participant is told, as stored with their consent."""
        return hashlib.sha256(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def consent_facts(study: Study, lang: str) -> ConsentFacts:
    settings = study.settings
    notice: Any = settings.notices.get(study.config.station.jurisdiction or "")
    rewards = settings.rewards.text if settings.rewards else None
    return ConsentFacts(
        settings.consent.version,
        lang,
        text(settings.consent.text, lang).strip(),
        tuple(settings.consent.categories),
        text(notice, lang).strip(),
        text(rewards, lang).strip(),
    )
