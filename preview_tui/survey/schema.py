"""The shape of a study's files, as pydantic models.

``config.yaml`` holds the study and the station's settings, ``screens/*.yaml``
the screening (its ordered steps) and ``surveys/*.yaml`` the questionnaires.
Unknown keys are errors (a misspelt key must not be silently ignored).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .expr import parse

LANGUAGES = ("en", "fr", "de")
Lang = Literal["en", "fr", "de"]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]
# A participant-facing text: one string for every language, or one per language.
Text = Union[str, dict[Lang, str]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_expr(value: str | None) -> str | None:
    if value is not None:
        parse(value)  # an ExprError (a ValueError) carries the column for the located message
    return value


Condition = Annotated[str, Field(description="an expression in the study's expression language")]


class ScreenOut(Strict):
    when: Condition
    reason: Ident = Field(description="the reason code stored with the screened-out session")

    _when = field_validator("when")(_check_expr)


class Option(Strict):
    code: int | Ident
    label: Text


class QuestionBase(Strict):
    id: Ident
    text: Text
    help: Text | None = None
    required: bool = True
    show_if: Condition | None = None
    screen_out: list[ScreenOut] = []

    _show_if = field_validator("show_if")(_check_expr)


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)


class MultipleChoice(QuestionBase):
    type: Literal["multi"]
    options: list[Option] = Field(min_length=2)
    min_selected: int = Field(0, ge=0)
    max_selected: int | None = Field(None, ge=1)


class Rating(QuestionBase):
    type: Literal["rating"]
    points: int = Field(5, ge=2, le=11)
    low_label: Text | None = None
    high_label: Text | None = None


class OpenText(QuestionBase):
    type: Literal["text"]
    long: bool = False
    max_length: int = Field(2000, ge=1, le=20000)


Question = Annotated[Union[SingleChoice, MultipleChoice, Rating, OpenText], Field(discriminator="type")]
QUESTION_TYPES = ("single", "multi", "rating", "text")


class Page(Strict):
    id: Ident
    title: Text | None = None
    questions: list[Question] = Field(min_length=1)
    show_if: Condition | None = None
    screen_out: list[ScreenOut] = []

    _show_if = field_validator("show_if")(_check_expr)


class Survey(Strict):
    """One questionnaire (``surveys/<id>.yaml``)."""

    id: Ident
    title: Text | None = None
    pages: list[Page] = Field(min_length=1)


class Frame(Strict):
    image: str = Field(description="file name under media/")
    caption: Text | None = None


class SurveyStep(Strict):
    type: Literal["survey"]
    survey: Ident = Field(description="the id of a questionnaire in surveys/")


class StoryboardStep(Strict):
    type: Literal["storyboard"]
    id: Ident
    title: Text | None = None
    frames: list[Frame] = Field(min_length=1)


class ClipStep(Strict):
    type: Literal["clip"]
    id: Ident
    title: Text
    file: str = Field(description="file name under media/")
    instructions: Text | None = None


Step = Annotated[Union[SurveyStep, StoryboardStep, ClipStep], Field(discriminator="type")]
STEP_TYPES = ("survey", "storyboard", "clip")


class Screening(Strict):
    """A screening (``screens/<id>.yaml``): the ordered steps a participant goes through."""

    id: Ident
    title: Text | None = None
    steps: list[Step] = Field(min_length=1)


class Consent(Strict):
    version: str = Field(min_length=1)
    text: Text


class StudySettings(Strict):
    id: Ident
    title: Text
    languages: list[Lang] = Field(min_length=1)
    screening: Ident = Field(description="the id of the screening in screens/ that participants go through")
    consent: Consent
    welcome: Text | None = None
    thanks: Text
    screened_out: Text
    declined: Text
    invitations: bool = Field(False, description="participant codes must be single-use invitation codes imported with `preview-tui invite`")

    @field_validator("languages")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a language is listed twice")
        return v


class PlaybackSettings(Strict):
    video: Literal["auto", "window", "headless"] = "auto"
    audio: Literal["auto", "default", "dummy"] = "auto"
    fullscreen: bool = False
    volume: int | None = Field(None, ge=0, le=100)
    player: Literal["vlc", "none"] = "vlc"


class StationSettings(Strict):
    name: str = "station"
    room: str = Field("", max_length=32, description="the room label stored with each session; the moderator can change it")
    database: str | None = Field(None, description="path of the station's SQLite file; default: the per-user data directory")
    central_database: str | None = Field(None, description="the central PostgreSQL database that `preview-tui sync` sends to, as postgresql+asyncpg://user:password@host:port/db; PREVIEW_TUI_CENTRAL_DATABASE overrides it")
    images: Literal["auto", "kitty", "sixel", "halfcell", "unicode"] = "auto"
    end_screen_seconds: float = Field(8.0, ge=0, le=600)
    playback: PlaybackSettings = PlaybackSettings()
    kiosk: bool = Field(False, description="participants cannot leave the flow; the moderator's key (F12) asks for the PIN")
    moderator_pin: str | None = Field(None, description="the moderator PIN's hash, made by `preview-tui pin`")
    idle_timeout: float = Field(0, ge=0, le=86400, description="seconds without a key before the participant is asked if they are still there (0: never)")
    idle_warning: float = Field(30, ge=1, le=600, description="seconds the question stays before the session is saved as abandoned")

    @field_validator("moderator_pin")
    @classmethod
    def _pin_hash(cls, v: str | None) -> str | None:
        from ..pin import is_pin_hash

        if v is not None and not is_pin_hash(v):
            raise ValueError("not a PIN hash: make one with `preview-tui pin` and paste the line it prints")
        return v

    @model_validator(mode="after")
    def _kiosk_needs_pin(self) -> "StationSettings":
        if self.kiosk and not self.moderator_pin:
            raise ValueError("kiosk mode needs moderator_pin (make one with `preview-tui pin`)")
        return self


class Config(Strict):
    """``config.yaml``: the study and this station's settings."""

    study: StudySettings
    station: StationSettings = StationSettings()


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names valid at ``loc`` inside ``model`` (best effort, for suggestions)."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for m in current:
            if isinstance(part, str) and part in m.model_fields:
                nxt.extend(_models_in(m.model_fields[part].annotation))
            else:  # a union tag: keep the member whose type literal matches
                nxt.extend(x for x in [m] if _tag_of(x) == part)
        if nxt:
            current = nxt
    names: list[str] = []
    for m in current:
        names.extend(n for n in m.model_fields if n not in names)
    return names


def _tag_of(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("type")
    args = typing.get_args(field.annotation) if field else ()
    return args[0] if args else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found
