"""A questionnaire page: the questions the engine says to show, and their answers."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, SelectionList, Static, TextArea

from ..survey.schema import MultipleChoice, OpenText, Rating, SingleChoice
from ..survey.runner import PageItem
from .participant import ParticipantScreen


class QuestionBlock(Vertical):
    """One question: its text, the input that fits its type, and room for a complaint."""

    def __init__(self, question: Any, screen: ParticipantScreen, previous: Any = None):
        super().__init__(classes="question", id=f"q-{question.id}")
        self.question = question
        self.owner = screen
        self.previous = previous

    def compose(self) -> ComposeResult:
        q, t = self.question, self.owner.t
        label = t(q.text) + ("" if q.required else f"  ({self.owner.w('optional')})")
        yield Label(label, classes="question-text")
        if q.help:
            yield Static(t(q.help), classes="question-help")
        yield self._input()
        yield Static("", classes="problem")

    def _input(self) -> Widget:
        q, t, prev = self.question, self.owner.t, self.previous
        if isinstance(q, SingleChoice):
            return RadioSet(*(RadioButton(t(o.label), value=o.code == prev) for o in q.options), classes="answer")
        if isinstance(q, MultipleChoice):
            chosen = prev or []
            return SelectionList(*((t(o.label), o.code, o.code in chosen) for o in q.options), classes="answer")
        if isinstance(q, Rating):
            buttons = [RadioButton(str(i), value=i == prev) for i in range(1, q.points + 1)]
            return Horizontal(
                Label(t(q.low_label), classes="rating-low"),
                RadioSet(*buttons, classes="answer rating"),
                Label(t(q.high_label), classes="rating-high"),
                classes="rating-row",
            )
        if isinstance(q, OpenText):
            if q.long:
                return TextArea(prev or "", classes="answer long-text", soft_wrap=True, show_line_numbers=False)
            return Input(prev or "", max_length=q.max_length, classes="answer")
        raise TypeError(f"no input for question type {q.type!r}")

    def value(self) -> Any:
        q = self.question
        widget = self.query_one(".answer")
        if isinstance(q, SingleChoice):
            i = widget.pressed_index
            return None if i < 0 else q.options[i].code
        if isinstance(q, MultipleChoice):
            return list(widget.selected)
        if isinstance(q, Rating):
            i = widget.pressed_index
            return None if i < 0 else i + 1
        if isinstance(q, OpenText):
            return widget.text if isinstance(widget, TextArea) else widget.value
        return None

    def show_problem(self, message: str) -> None:
        self.query_one(".problem", Static).update(message)
        self.set_class(bool(message), "-invalid")


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
            yield Label(self.t(item.page.title) if item.page.title else "", classes="page-title")
            with VerticalScroll(id="questions"):
                for q in runner.questions(item.page):
                    yield QuestionBlock(q, self, runner.answers.get(q.id))
            with Horizontal(classes="buttons"):
                if runner.can_go_back():
                    yield Button(self.w("back"), id="back")
                yield Button(self.w("next"), id="next", variant="primary")
            yield Static(f"{self.w('page_hint')}    [{done + 1}/{total}]", classes="hint")

    def on_mount(self) -> None:
        first = self.query(".answer").first()
        first.focus()

    def values(self) -> dict[str, Any]:
        return {block.question.id: block.value() for block in self.query(QuestionBlock)}

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            event.stop()
            await self.action_next()
        elif event.button.id == "back":
            event.stop()
            await self.action_back()

    async def action_next(self) -> None:
        values = self.values()
        problems = {p.question_id: p for p in self.flow.runner.check(values)}
        for block in self.query(QuestionBlock):
            p = problems.get(block.question.id)
            block.show_problem(self.w(p.key, **dict(p.values)) if p else "")
        if problems:
            first = next(b for b in self.query(QuestionBlock) if b.question.id in problems)
            first.query_one(".answer").focus()
            first.scroll_visible()
            return
        await self.advance(self.flow.submit_page(values))

    async def action_back(self) -> None:
        if self.flow.runner.can_go_back():
            await self.flow.back()
            await self.app.show_step()
