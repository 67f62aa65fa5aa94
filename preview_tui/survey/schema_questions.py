"""The shape of a questionnaire (``surveys/*.yaml``): its blocks, pages, questions and calculations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from .errors import suggest
from .schema_base import Code, Condition, Ident, ScreenOut, Strict, Text, check_expr
from .schema_quality import Attention

SCALE_LIMIT = 1_000_000  # a slider's ends: wider scales cannot be moved along key by key

SENSITIVE_CATEGORIES = ("ethnic_origin", "political_opinions", "religion", "sexual_orientation", "social_status", "finances")
Sensitive = Literal["ethnic_origin", "political_opinions", "religion", "sexual_orientation", "social_status", "finances"]
# The problems an answer can have; a question's ``messages`` may replace the app's words for any of them.
MESSAGE_KEYS = ("required", "soft_required", "invalid_choice", "min_selected", "max_selected", "exclusive", "out_of_range", "too_short", "too_long", "not_a_number", "not_whole", "not_a_date", "specify", "incomplete")


class Option(Strict):
    code: Code = Field(description="what is stored when this option is chosen")
    label: Text
    anchor: bool = Field(False, description="stays in its place when the options are shuffled (e.g. 'Other' last)")
    exclusive: bool = Field(False, description="(multi) cannot be combined with another option, e.g. 'None of these'")
    other: bool = Field(False, description="asks 'please specify': the text typed is stored with the answer")
    image: str | None = Field(None, description="(image choice) file name under media/")
    attention: Attention | None = Field(None, description="(matrix row) an instructed-response row: the scale's point it asks for")


class Special(Strict):
    """An answer beside the scale, such as "Don't know": stored as its own code, never as missing."""

    code: Ident
    label: Text


class QuestionBase(Strict):
    id: Ident
    text: Text
    help: Text | None = None
    required: bool | Literal["soft"] = Field(True, description="true, false, or soft: warns once, then lets the participant go on")
    show_if: Condition | None = None
    screen_out: list[ScreenOut] = []
    sensitive: Sensitive | None = Field(None, description="the consent text's category of sensitive data; stored with the answer, which is sealed with the study's key")
    sealed: bool = Field(False, description="seal the answer with the study's key without naming a sensitive category (e.g. free text that may reveal one)")
    messages: dict[str, Text] = Field({}, description="the study's own error messages, by problem: " + ", ".join(MESSAGE_KEYS))
    special: list[Special] = Field([], description="answers beside the scale or field, e.g. Don't know / Prefer not to say")

    _show_if = field_validator("show_if")(check_expr)

    @field_validator("messages")
    @classmethod
    def _message_keys(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key in v:
            if key not in MESSAGE_KEYS:
                raise ValueError(f"unknown message '{key}'{suggest(str(key), MESSAGE_KEYS)}; expected one of: {', '.join(MESSAGE_KEYS)}")
        return v


class ChoiceBase(QuestionBase):
    options: list[Option] = Field([], description="the options, in the order written (or name a list with options_from)")
    options_from: Ident | None = Field(None, description="the name of an option list in the survey's choices")
    randomize: bool = Field(False, description="shuffle the options (anchored ones stay in place), seeded per participant")
    attention: Attention | None = Field(None, description="an instructed-response check: the option the question asks for")

    @model_validator(mode="after")
    def _options(self) -> "ChoiceBase":
        if self.options_from is not None and self.options:
            raise ValueError("give either 'options' or 'options_from', not both")
        if self.options_from is None and len(self.options) < 2:
            raise ValueError("a choice question needs at least 2 options (or 'options_from')")
        return self


class SingleChoice(ChoiceBase):
    type: Literal["single"]


class MultipleChoice(ChoiceBase):
    type: Literal["multi"]
    min_selected: int = Field(0, ge=0)
    max_selected: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> "MultipleChoice":
        if self.max_selected is not None and self.max_selected < self.min_selected:
            raise ValueError("max_selected is smaller than min_selected")
        return self


class ImageChoice(ChoiceBase):
    """Pick one picture, e.g. the storyboard frame liked most; every option names an image."""

    type: Literal["image_choice"]


class Ranking(ChoiceBase):
    """Put the options in order; the answer is the list of codes, best first."""

    type: Literal["ranking"]


class Rating(QuestionBase):
    type: Literal["rating"]
    points: int = Field(5, ge=2, le=11)
    labels: list[Text] | None = Field(None, description="one label per point, lowest first")
    low_label: Text | None = None
    high_label: Text | None = None

    @model_validator(mode="after")
    def _labels(self) -> "Rating":
        if self.labels is not None and len(self.labels) != self.points:
            raise ValueError(f"labels has {len(self.labels)} entries for {self.points} points")
        return self


class NPS(QuestionBase):
    """Net Promoter Score: 0 to 10."""

    type: Literal["nps"]
    low_label: Text | None = None
    high_label: Text | None = None


class Slider(QuestionBase):
    """A visual analogue scale; it starts with no value set."""

    type: Literal["slider"]
    min: int = Field(0, ge=-SCALE_LIMIT, le=SCALE_LIMIT)
    max: int = Field(100, ge=-SCALE_LIMIT, le=SCALE_LIMIT)
    step: int = Field(1, ge=1)
    low_label: Text | None = None
    high_label: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> "Slider":
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        if self.step > self.max - self.min:
            raise ValueError(f"step {self.step} is larger than the range from min to max ({self.max - self.min})")
        return self


class Numeric(QuestionBase):
    type: Literal["numeric"]
    decimal: bool = Field(False, description="allow decimals (otherwise whole numbers only)")
    min: float | None = Field(None, allow_inf_nan=False)
    max: float | None = Field(None, allow_inf_nan=False)
    unit: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> "Numeric":
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("max is smaller than min")
        return self


class OpenText(QuestionBase):
    type: Literal["text"]
    long: bool = False
    min_length: int = Field(0, ge=0, le=20000)
    max_length: int = Field(2000, ge=1, le=20000)

    @model_validator(mode="after")
    def _lengths(self) -> "OpenText":
        if self.max_length < self.min_length:
            raise ValueError("max_length is smaller than min_length")
        return self


class DateQuestion(QuestionBase):
    """A date typed as YYYY-MM-DD."""

    type: Literal["date"]
    min: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="the earliest date accepted (YYYY-MM-DD)")
    max: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="the latest date accepted (YYYY-MM-DD)")

    @field_validator("min", "max")
    @classmethod
    def _real_date(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                dt.date.fromisoformat(v)
            except ValueError:
                raise ValueError(f"{v} is not a date of the calendar (YYYY-MM-DD)") from None
        return v

    @model_validator(mode="after")
    def _range(self) -> "DateQuestion":
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("max is earlier than min")
        return self


class Matrix(QuestionBase):
    """A grid: each row is answered on the same scale; the answer maps row codes to scale codes."""

    type: Literal["matrix"]
    rows: list[Option] = Field(min_length=1)
    scale: list[Option] = Field([], description="the answers every row offers (or name a list with scale_from)")
    scale_from: Ident | None = Field(None, description="the name of an option list in the survey's choices")
    randomize: bool = Field(False, description="shuffle the rows (anchored ones stay), seeded per participant")
    straightlining: bool | None = Field(None, description="check this matrix for the same answer on every row (unset: as study.quality.straightlining says)")

    @model_validator(mode="after")
    def _scale(self) -> "Matrix":
        if self.scale_from is not None and self.scale:
            raise ValueError("give either 'scale' or 'scale_from', not both")
        if self.scale_from is None and len(self.scale) < 2:
            raise ValueError("a matrix needs a scale of at least 2 answers (or 'scale_from')")
        return self


class Recording(QuestionBase):
    """A spoken (or filmed) answer: the participant sees a countdown, records, plays it back and keeps it.

    The file is personal data: the consent must list ``audio_visual``, and it is sealed with the study's key
    like a sensitive answer. Without a camera or microphone the question is recorded as not available.
    """

    type: Literal["recording"]
    video: bool = Field(description="true: camera and microphone; false: microphone only")
    max_seconds: int = Field(ge=1, le=600, description="the recording stops by itself after this many seconds")
    retake: bool = Field(True, description="the participant may record again before keeping it")


Question = Annotated[
    Union[SingleChoice, MultipleChoice, ImageChoice, Ranking, Rating, NPS, Slider, Numeric, OpenText, DateQuestion, Matrix, Recording],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multi", "image_choice", "ranking", "rating", "nps", "slider", "numeric", "text", "date", "matrix", "recording")
CHOICE_TYPES = (SingleChoice, MultipleChoice, ImageChoice, Ranking)


class Calculation(Strict):
    """A value worked out from earlier answers, stored like an answer and usable by later conditions."""

    id: Ident
    value: Condition
    label: Text | None = Field(None, description="its label in the exports, the codebook and the report (default: 'Calculated: ' and the expression)")
    type: Literal["number", "text", "yes_no"] | None = Field(None, description="what it holds in the exports (default: worked out from the expression; a text when that cannot be told)")
    values: dict[int, Text] = Field({}, description="labels of its numbers, e.g. {1: 18 to 34, 2: 35 or older}: it then exports as a labelled category")

    _value = field_validator("value")(check_expr)


class Page(Strict):
    id: Ident
    title: Text | None = None
    questions: list[Question] = Field(min_length=1)
    show_if: Condition | None = None
    screen_out: list[ScreenOut] = []
    randomize: bool = Field(False, description="shuffle the order of the questions on this page")
    calculate: list[Calculation] = Field([], description="values worked out once the page is answered")

    _show_if = field_validator("show_if")(check_expr)


class Block(Strict):
    """Pages that belong together: shown or skipped together, and shuffled together."""

    id: Ident
    pages: list[Page] = Field(min_length=1)
    show_if: Condition | None = None
    randomize: bool = Field(False, description="shuffle the order of the pages in this block")

    _show_if = field_validator("show_if")(check_expr)


class Survey(Strict):
    """One questionnaire (``surveys/<id>.yaml``): either ``pages`` or ``blocks`` of pages."""

    id: Ident
    title: Text | None = None
    pages: list[Page] = []
    blocks: list[Block] = []
    choices: dict[Ident, Annotated[list[Option], Field(min_length=2)]] = Field({}, description="named option lists that questions use with options_from (or a matrix with scale_from)")
    randomize_blocks: bool = Field(False, description="shuffle the order of the blocks (anchored ones stay)")
    anchored_blocks: list[Ident] = Field([], description="blocks that keep their place when blocks are shuffled")

    @model_validator(mode="after")
    def _pages_or_blocks(self) -> "Survey":
        if bool(self.pages) == bool(self.blocks):
            raise ValueError("a survey needs either 'pages' or 'blocks' (not both)")
        return self

    def all_blocks(self) -> list[Block]:
        """The survey's blocks; a survey written with ``pages`` is one block named after the survey."""
        return list(self.blocks) or [Block(id=self.id, pages=self.pages)]

    def all_pages(self) -> list[Page]:
        return [page for block in self.all_blocks() for page in block.pages]
