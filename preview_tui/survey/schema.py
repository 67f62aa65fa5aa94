"""The shape of a study's files, as pydantic models.

``config.yaml`` holds the study and the station's settings, ``screens/*.yaml``
the screening (its ordered steps) and ``surveys/*.yaml`` the questionnaires.
Unknown keys are errors (a misspelt key must not be silently ignored).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from .errors import suggest
from .expr import parse

LANGUAGES = ("en", "fr", "de")
Lang = Literal["en", "fr", "de"]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]
MAX_QUOTA_CELLS = 1000  # cells of one cross quota: each is a condition checked at every answer
SCALE_LIMIT = 1_000_000  # a slider's ends: wider scales cannot be moved along key by key
# An option's code: a whole number or a word; never a boolean (YAML 1.1 reads `no` as false, which is 0).
Code = Union[StrictInt, Ident]
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

    _show_if = field_validator("show_if")(_check_expr)

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

    @model_validator(mode="after")
    def _scale(self) -> "Matrix":
        if self.scale_from is not None and self.scale:
            raise ValueError("give either 'scale' or 'scale_from', not both")
        if self.scale_from is None and len(self.scale) < 2:
            raise ValueError("a matrix needs a scale of at least 2 answers (or 'scale_from')")
        return self


Question = Annotated[
    Union[SingleChoice, MultipleChoice, ImageChoice, Ranking, Rating, NPS, Slider, Numeric, OpenText, DateQuestion, Matrix],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multi", "image_choice", "ranking", "rating", "nps", "slider", "numeric", "text", "date", "matrix")
CHOICE_TYPES = (SingleChoice, MultipleChoice, ImageChoice, Ranking)


class Calculation(Strict):
    """A value worked out from earlier answers, stored like an answer and usable by later conditions."""

    id: Ident
    value: Condition
    label: Text | None = Field(None, description="its label in the exports, the codebook and the report (default: 'Calculated: ' and the expression)")
    type: Literal["number", "text", "yes_no"] | None = Field(None, description="what it holds in the exports (default: worked out from the expression; a text when that cannot be told)")
    values: dict[int, Text] = Field({}, description="labels of its numbers, e.g. {1: 18 to 34, 2: 35 or older}: it then exports as a labelled category")

    _value = field_validator("value")(_check_expr)


class Page(Strict):
    id: Ident
    title: Text | None = None
    questions: list[Question] = Field(min_length=1)
    show_if: Condition | None = None
    screen_out: list[ScreenOut] = []
    randomize: bool = Field(False, description="shuffle the order of the questions on this page")
    calculate: list[Calculation] = Field([], description="values worked out once the page is answered")

    _show_if = field_validator("show_if")(_check_expr)


class Block(Strict):
    """Pages that belong together: shown or skipped together, and shuffled together."""

    id: Ident
    pages: list[Page] = Field(min_length=1)
    show_if: Condition | None = None
    randomize: bool = Field(False, description="shuffle the order of the pages in this block")

    _show_if = field_validator("show_if")(_check_expr)


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
    frame_seconds: float | None = Field(None, gt=0, le=600, description="advance to the next frame after this many seconds (keys still work); none: by key only")


class DialSettings(Strict):
    """The moment-to-moment dial shown while a clip plays."""

    rate_hz: float = Field(10.0, gt=0, le=50, description="samples per second of media time")
    neutral: int = Field(50, ge=0, le=100, description="where the dial starts")
    step: int = Field(5, ge=1, le=50, description="how far one key press turns it")
    low_label: Text | None = None
    high_label: Text | None = None


class ClipStep(Strict):
    type: Literal["clip"]
    id: Ident
    title: Text
    file: str = Field(description="file name under media/")
    instructions: Text | None = None
    dial: bool | DialSettings = Field(False, description="true: the dial with the screening's settings; or settings of its own")
    must_watch: bool = Field(False, description="the next step opens only once the clip has ended (the moderator can skip only a failed clip)")
    skippable: bool = Field(False, description="the participant may skip the clip (S)")
    shared: bool | None = Field(None, description="in a screening room: played once on the room's screen for every seat, started by the moderator; unset: the screening's shared_clips")

    @model_validator(mode="after")
    def _skip_or_watch(self) -> "ClipStep":
        if self.must_watch and self.skippable:
            raise ValueError("a clip cannot be both must_watch and skippable")
        return self


Step = Annotated[Union[SurveyStep, StoryboardStep, ClipStep], Field(discriminator="type")]
STEP_TYPES = ("survey", "storyboard", "clip")


class StimulusOrder(Strict):
    """Storyboard and clip steps whose places are swapped between participants."""

    steps: list[Ident] = Field(min_length=2, description="ids of storyboard or clip steps; they keep the places they hold, in another order")
    method: Literal["random", "latin_square"] = Field("latin_square", description="random: seeded per participant; latin_square: balanced across the sessions of the study")


class Screening(Strict):
    """A screening (``screens/<id>.yaml``): the ordered steps a participant goes through."""

    id: Ident
    title: Text | None = None
    steps: list[Step] = Field(min_length=1)
    dial: DialSettings = Field(DialSettings(), description="the dial's settings for clips with dial: true")
    stimulus_order: StimulusOrder | None = Field(None, description="vary the order of some storyboard and clip steps between participants")
    shared_clips: bool = Field(False, description="in a screening room, every clip is shared (one play on the room's screen) unless it says shared: false")

    def is_shared(self, step: "ClipStep") -> bool:
        """Whether a clip plays on the room's screen when the screening runs as a room (elsewhere every clip plays on its station)."""
        return self.shared_clips if step.shared is None else step.shared


# What a study may collect, as its consent text lists it; the last six are the law's sensitive categories.
DataCategory = Literal["answers", "viewing", "language", "ethnic_origin", "political_opinions", "religion", "sexual_orientation", "social_status", "finances"]


class Consent(Strict):
    version: str = Field(min_length=1, max_length=64)
    text: Text
    categories: list[DataCategory] = Field([], description="the kinds of data collected, listed under the consent text; every sensitive category a question carries must be here")


class Rewards(Strict):
    """The rewards programme: offered after consent, as a separate, explicit opt-in that can be declined."""

    text: Text = Field(description="what the programme is and what joining it shares")


class Sealing(Strict):
    """The research team's public key: answers to questions marked sensitive or sealed (with their "please specify"
    texts) are sealed with it before they are stored, and the station cannot read them back.

    Make a key pair with `preview-tui keys generate`; the private key stays with the research team and never goes
    on a station. Without a usable key, live sessions are refused and pilot sessions seal with a throwaway key.
    Only showing logic (show_if, piping) may read a sealed answer, from memory; a resumed session asks the page
    holding such an answer again. Calculations, screen-outs and quotas may not read one (validate reports them).
    """

    public_key: str | None = Field(None, description="the line `preview-tui keys generate` prints (x25519-public:...); without a usable key, live sessions of a study with sealed questions are refused")


class Quota(Strict):
    """A cell of the sample (e.g. women aged 18 to 34) with a target; when it is full, new matches are screened out."""

    id: Ident
    when: Condition | None = Field(None, description="the answers that put a participant in this cell")
    cross: dict[Ident, list[Code]] | None = Field(
        None, description="instead of when: one cell per combination of these answers' codes (e.g. gender x age_band), each with the target"
    )
    target: int = Field(ge=1, description="how many completed sessions the cell (each cell, with cross) needs")
    reason: Ident = Field("quota_full", description="the screen-out reason stored when the cell is full")

    _when = field_validator("when")(_check_expr)

    @model_validator(mode="after")
    def _one_way(self) -> "Quota":
        if (self.when is None) == (self.cross is None):
            raise ValueError("a quota needs either 'when' or 'cross' (not both)")
        if self.cross is not None and (not self.cross or any(not codes for codes in self.cross.values())):
            raise ValueError("'cross' needs at least one question with at least one code")
        if self.cross is not None and math.prod(len(codes) for codes in self.cross.values()) > MAX_QUOTA_CELLS:
            raise ValueError(f"'cross' makes {math.prod(len(codes) for codes in self.cross.values()):,} cells, at most {MAX_QUOTA_CELLS:,}")
        return self

    def cells(self) -> list[tuple[str, str]]:
        """(cell id, condition) of each cell: one for ``when``, one per combination for ``cross``."""
        return [(cell, when) for cell, when, _ in self.combinations()]

    def combinations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(cell id, condition, {question: code}) of each cell; the codes are empty for a ``when`` quota."""
        if self.cross is None:
            return [(self.id, self.when, {})]
        names = list(self.cross)
        out = []
        for combo in itertools.product(*(self.cross[n] for n in names)):
            label = ",".join(f"{n}={c}" for n, c in zip(names, combo))
            when = " and ".join(f"{n} == {c if isinstance(c, int) else chr(34) + c + chr(34)}" for n, c in zip(names, combo))
            out.append((f"{self.id}[{label}]", when, dict(zip(names, combo))))
        return out


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
    minimum_age: int | None = Field(None, ge=18, le=99, description="the age gate asks for this age when it is above the age of majority of the station's jurisdiction")
    rewards: Rewards | None = Field(None, description="offer the rewards programme after consent (a separate opt-in)")
    notices: dict[str, Text] = Field({}, description="privacy notices by jurisdiction code (e.g. us-ca, us-va, br), shown with the consent text on stations in that jurisdiction")
    quotas: list[Quota] = []
    quotas_offline: Literal["local", "closed"] = Field(
        "local", description="when the central database does not answer within 2 s at a session's start: count this station's sessions only (local), or treat every quota as full (closed)"
    )
    sealing: Sealing | None = Field(None, description="the public key that seals sensitive answers at the station")
    participant_theme: Literal["default", "high-contrast"] = Field("default", description="the colours participants see: `high-contrast` is white and yellow on black (the moderator's console keeps the theme chosen in its palette)")

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
    name: str = Field("station", min_length=1, max_length=64)
    room: str = Field("", max_length=32, description="the room label stored with each session; the moderator can change it")
    database: str | None = Field(None, description="path of the station's SQLite file; default: the per-user data directory")
    central_database: str | None = Field(None, description="the central PostgreSQL database that `preview-tui sync` sends to, as postgresql://user:password@host:port/db; PREVIEW_TUI_CENTRAL_DATABASE overrides it")
    images: Literal["auto", "kitty", "sixel", "halfcell", "unicode"] = "auto"
    end_screen_seconds: float = Field(8.0, ge=0, le=600)
    playback: PlaybackSettings = PlaybackSettings()
    jurisdiction: str | None = Field(None, pattern=r"^[a-z]{2}(-[a-z0-9]{1,3})?$", description="where the room is (e.g. us-ca, br, de): sets the age of majority and the privacy notice shown")
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
