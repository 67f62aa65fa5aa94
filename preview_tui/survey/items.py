"""The steps a runner walks a participant through, as the interface is handed them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .schema import Block, ClipStep, Page, StoryboardStep

Outcome = Literal["completed", "screened_out", "declined"]
UNDER_AGE = "under_age"  # the screen-out reason of a participant below the minimum age


@dataclass(frozen=True)
class LanguageItem:
    languages: tuple[str, ...]
    kind: str = "language"


@dataclass(frozen=True)
class ConsentItem:
    version: str
    minimum_age: int = 18  # the participant confirms this age when agreeing
    rewards: bool = False  # the rewards programme is offered alongside, as a separate opt-in
    kind: str = "consent"


@dataclass(frozen=True)
class PageItem:
    survey_id: str
    page: Page
    block: Block | None = None
    kind: str = "page"


@dataclass(frozen=True)
class StoryboardItem:
    step: StoryboardStep
    kind: str = "storyboard"


@dataclass(frozen=True)
class ClipItem:
    step: ClipStep
    kind: str = "clip"


@dataclass(frozen=True)
class EndItem:
    outcome: Outcome
    reason: str | None = None
    kind: str = "end"


Item = LanguageItem | ConsentItem | PageItem | StoryboardItem | ClipItem | EndItem


def item_name(item: Item) -> str:
    """The id a researcher knows a step by: its page's or its stimulus's id, an end's reason, else ''."""
    if isinstance(item, PageItem):
        return item.page.id
    if isinstance(item, (StoryboardItem, ClipItem)):
        return item.step.id
    return getattr(item, "reason", None) or ""
