"""The shape of a screening (``screens/*.yaml``) and of ``config.yaml``: the study's and the station's settings."""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from .schema_base import Code, Condition, Ident, Lang, Strict, Text, check_expr
from .schema_quality import Quality

MAX_QUOTA_CELLS = 1000  # cells of one cross quota: each is a condition checked at every answer


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
# ``audio_visual``: recordings of the participant's voice or face (a ``recording`` question).
DataCategory = Literal["answers", "viewing", "language", "audio_visual", "ethnic_origin", "political_opinions", "religion", "sexual_orientation", "social_status", "finances"]


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

    _when = field_validator("when")(check_expr)

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
    quality: Quality | None = Field(None, description="checks of data quality: straight-lining on matrices, speeding on pages and sessions (instructed responses are a question's attention)")
    participant_theme: Literal["default", "high-contrast"] = Field("default", description="the colours participants see: `high-contrast` is white and yellow on black (the moderator's console keeps the theme chosen in its palette)")

    @field_validator("languages")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a language is listed twice")
        return v

    def end_text(self, outcome: str) -> Text:
        """What the end screen says to a session that ended so: completed, screened_out or declined."""
        return {"completed": self.thanks, "screened_out": self.screened_out, "declined": self.declined}[outcome]


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
    interface: Literal["textual", "plain"] = Field("textual", description="textual: the full-screen app; plain: one line after another, for screen readers, Braille displays and plain serial or SSH terminals (as `preview-tui --plain`)")

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
