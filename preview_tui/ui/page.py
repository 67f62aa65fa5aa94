"""A questionnaire page: the questions the engine says to show, in its order, and their answers.

Each question type gets the input that fits it; the page hands the values to the
flow, which asks the runner whether they are acceptable and stores them. The rules
(what is valid, what comes next) live in the runner, never here.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, SelectionList, Static, TextArea

from ..survey.runner import PageItem, Problem, other_key
from ..survey.schema import NPS, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, SingleChoice, Slider
from ..visible import visible
from .inputs import RankList
from .inputs import Slider as SliderInput
from .keys import KeyBar
from .literal import CONTROLS_SHOWN, LiteralTextArea, literal
from .participant import ParticipantScreen

# Types answered by one set of radio buttons; their special codes join the same set.
RADIO_TYPES = (SingleChoice, ImageChoice, Rating, NPS)


class QuestionBlock(Vertical):
    """One question: its text, the input that fits its type, and room for a complaint."""

    def __init__(self, question: Any, screen: ParticipantScreen, previous: Any = None, other: Any = None):
        super().__init__(classes="question", id=f"q-{question.id}")
        self.question = question
        self.owner = screen
        self.previous = previous
        self.other = other
        self.runner = screen.flow.runner

    def compose(self) -> ComposeResult:
        q, t = self.question, self.owner.t
        optional = {True: "", False: f"  ({self.owner.w('optional')})", "soft": ""}[q.required]
        yield Label(literal(t(q.text) + optional), classes="question-text")
        if q.help:
            yield Static(literal(t(q.help)), classes="question-help")
        yield from self._inputs()
        yield Static("", classes="problem")

    # -- inputs per type ----------------------------------------------------

    def _choices(self) -> list[tuple[Any, str]]:
        """(code, label) of each radio button, in the order the runner gives, special codes last."""
        q, t = self.question, self.owner.t
        if isinstance(q, (SingleChoice, ImageChoice)):
            items = [(o.code, t(o.label)) for o in self.runner.options(q)]
        elif isinstance(q, Rating):
            labels = [t(x) for x in q.labels] if q.labels else None
            items = [(i, f"{i}  {labels[i - 1]}" if labels else str(i)) for i in range(1, q.points + 1)]
        else:  # NPS
            items = [(i, str(i)) for i in range(0, 11)]
        return items + [(s.code, t(s.label)) for s in q.special]

    def _inputs(self) -> ComposeResult:
        q, t, prev, w = self.question, self.owner.t, self.previous, self.owner.w
        if isinstance(q, RADIO_TYPES):
            self.codes = [code for code, _ in self._choices()]
            radios = RadioSet(*(RadioButton(literal(label), value=code == prev) for code, label in self._choices()), classes="answer")
            if isinstance(q, (Rating, NPS)) and not getattr(q, "labels", None):
                radios.add_class("rating")
                yield Horizontal(Label(literal(t(q.low_label)), classes="rating-low"), radios, Label(literal(t(q.high_label)), classes="rating-high"), classes="rating-row")
            else:
                yield radios
            if isinstance(q, ImageChoice):
                from .storyboard import image_widget_class

                yield image_widget_class(self.app.settings.images)(None, classes="choice-image")
        elif isinstance(q, MultipleChoice):
            chosen = prev or []
            yield SelectionList(*((literal(t(o.label)), o.code, o.code in chosen) for o in self.runner.options(q)), classes="answer")
        elif isinstance(q, Ranking):
            labels = {o.code: visible(t(o.label)) for o in q.options}  # RankList draws them as plain Text
            order = prev or [o.code for o in self.runner.options(q)]
            yield RankList([(code, labels[code]) for code in order], ranked=prev is not None, classes="answer")
            yield Static(w("ranking_hint"), classes="question-help")
        elif isinstance(q, Slider):
            yield Horizontal(
                Label(literal(t(q.low_label)), classes="rating-low"),
                SliderInput(q.min, q.max, q.step, prev if isinstance(prev, int) else None, unset=w("slider_unset"), classes="answer"),
                Label(literal(t(q.high_label)), classes="rating-high"),
                classes="slider-row",
            )
        elif isinstance(q, Numeric):
            value = "" if prev is None or isinstance(prev, str) else str(prev)
            yield Horizontal(Input(value, classes="answer numeric"), Label(literal(t(q.unit)), classes="unit"), classes="numeric-row")
        elif isinstance(q, DateQuestion):
            yield Input(prev if isinstance(prev, str) and prev[:1].isdigit() else "", placeholder=w("date_hint"), classes="answer date")
        elif isinstance(q, OpenText):
            if q.long:
                yield LiteralTextArea(prev or "", classes="answer long-text", soft_wrap=True, show_line_numbers=False)
            else:
                yield Input(prev or "", max_length=q.max_length, classes="answer", highlighter=CONTROLS_SHOWN)
        elif isinstance(q, Matrix):
            chosen = prev if isinstance(prev, dict) else {}
            with Vertical(classes="matrix"):
                for row in self.runner.options(q):
                    yield Horizontal(
                        Label(literal(t(row.label)), classes="matrix-label"),
                        RadioSet(*(RadioButton(literal(t(p.label)), value=chosen.get(str(row.code)) == p.code) for p in q.scale), classes="matrix-row", name=str(row.code)),
                        classes="matrix-line",
                    )
        else:
            raise TypeError(f"no input for question type {q.type!r}")
        if q.special and not isinstance(q, RADIO_TYPES):
            yield RadioSet(*(RadioButton(literal(t(s.label)), value=s.code == prev) for s in q.special), classes="special")
        if isinstance(q, (SingleChoice, MultipleChoice, ImageChoice)) and any(o.other for o in q.options):
            yield Input(self.other or "", placeholder=w("please_specify"), classes="other", max_length=500, highlighter=CONTROLS_SHOWN)

    # -- reading the answer -------------------------------------------------

    def value(self) -> Any:
        q = self.question
        special = self.query(".special").first(RadioSet) if q.special and not isinstance(q, RADIO_TYPES) else None
        if special is not None and special.pressed_index >= 0:
            return q.special[special.pressed_index].code
        if isinstance(q, RADIO_TYPES):
            i = self.query_one(".answer", RadioSet).pressed_index
            return None if i < 0 else self.codes[i]
        if isinstance(q, MultipleChoice):
            return list(self.query_one(".answer", SelectionList).selected)
        if isinstance(q, Ranking):
            return self.query_one(".answer", RankList).order()
        if isinstance(q, Slider):
            return self.query_one(".answer", SliderInput).value
        if isinstance(q, Matrix):
            rows = {o.code for o in q.rows}
            by_text = {str(c): c for c in rows}
            out = {}
            for radios in self.query(".matrix-row").results(RadioSet):
                if radios.pressed_index >= 0:
                    out[by_text[radios.name]] = q.scale[radios.pressed_index].code
            return out
        widget = self.query_one(".answer")
        return widget.text if isinstance(widget, TextArea) else widget.value

    def values(self) -> dict[str, Any]:
        out = {self.question.id: self.value()}
        other = self.query(".other").first(Input) if self.query(".other") else None
        if other is not None:
            out[other_key(self.question.id)] = other.value
        return out

    def show_problem(self, message: str) -> None:
        self.query_one(".problem", Static).update(literal(message))
        self.set_class(bool(message), "-invalid")

    def first_input(self) -> Widget | None:
        return next((w for w in self.query("*") if w.focusable), None)

    def on_mount(self) -> None:
        if isinstance(self.question, ImageChoice) and self.previous is not None:
            self.show_image(self.previous)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if isinstance(self.question, ImageChoice) and event.radio_set.has_class("answer"):
            self.show_image(self.codes[event.index])

    def show_image(self, code: Any) -> None:
        """Draw the picture of the chosen option (a missing or unreadable file leaves it blank)."""
        option = next((o for o in self.question.options if o.code == code), None)
        path = self.owner.flow.study.media(option.image) if option is not None and option.image else None
        image = self.query_one(".choice-image")
        try:
            image.image = path if path is not None and path.is_file() else None
        except Exception as exc:  # an unreadable picture must not stop the questionnaire
            self.app.log.error(f"cannot draw {path}: {exc!r}")


class PageScreen(ParticipantScreen):
    BINDINGS = [
        Binding("ctrl+n", "next", "Next", show=False, priority=True),
        Binding("ctrl+b", "back", "Back", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        item = self.flow.current
        assert isinstance(item, PageItem)
        runner = self.flow.runner
        done, total = runner.progress()
        with Vertical(id="page"):
            yield Label(literal(self.t(item.page.title) if item.page.title else ""), classes="page-title")
            with VerticalScroll(id="questions"):
                for q in runner.questions(item.page):
                    yield QuestionBlock(q, self, runner.previous(q.id), runner.previous(other_key(q.id)))
            with Horizontal(classes="buttons"):
                if runner.can_go_back():
                    yield Button(self.w("back"), id="back")
                yield Button(self.w("next"), id="next", variant="primary")
            yield KeyBar(self, [self.lang], extra=f"[{min(done + 1, total)}/{total}]")

    def on_mount(self) -> None:
        first = self.query(QuestionBlock).first().first_input()
        if first is not None:
            first.focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for block in self.query(QuestionBlock):
            out.update(block.values())
        return out

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            event.stop()
            await self.action_next()
        elif event.button.id == "back":
            event.stop()
            await self.action_back()

    def message_for(self, problem: Problem) -> str:
        if problem.message is not None:
            return self.t(problem.message)
        return self.w(problem.key, **dict(problem.values))

    async def action_next(self) -> None:
        values = self.values()
        found: list[Problem] = []

        async def submit() -> None:
            found.extend(await self.flow.submit_page(values))

        if not await self.guarded(submit()):
            return
        if not found:
            await self.app.show_step()
            return
        problems = {p.question_id: p for p in found}
        for block in self.query(QuestionBlock):
            p = problems.get(block.question.id)
            block.show_problem(self.message_for(p) if p else "")
        first = next(b for b in self.query(QuestionBlock) if b.question.id in problems)
        target = first.first_input()
        if target is not None:
            target.focus()
        first.scroll_visible()

    @on(RadioSet.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(SliderInput.Changed)
    @on(RankList.Changed)
    def _answer_changed(self, event) -> None:
        """A complaint goes as soon as the answer it was about is right (it is never added before Next)."""
        block = next((a for a in event.control.ancestors if isinstance(a, QuestionBlock)), None) if event.control else None
        if block is None or not block.has_class("-invalid"):
            return
        if not any(p.question_id == block.question.id and not p.soft for p in self.flow.runner.check(self.values())):
            block.show_problem("")

    async def action_back(self) -> None:
        if self.flow.runner.can_go_back():
            await self.flow.back()
            await self.app.show_step()
