"""A questionnaire page: the questions the engine says to show, in its order, and their answers.

Each question type gets the input that fits it; the page hands the values to the
flow, which asks the runner whether they are acceptable and stores them. The rules
(what is valid, what comes next) live in the runner, never here.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual import events
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioSet, SelectionList, Static, TextArea

from ..survey.runner import PageItem, Problem, other_key
from ..survey.schema import NPS, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, Recording, SingleChoice, Slider
from ..visible import visible
from ..words import problem_text
from .inputs import RankList
from .inputs import Slider as SliderInput
from .keys import KeyBar, Row
from .literal import CONTROLS_SHOWN, literal
from .literal_widgets import LiteralTextArea
from .participant import MoreBelow, ParticipantScreen
from .recording import RecordingPanel
from .scales import MatrixHeader, MatrixRow, Scale, wrap_words
from .toggles import WrappingRadioButton

THUMB_MIN_WIDTH = 22  # cells of an image choice's thumbnail, at least

# Types answered by one set of radio buttons or one scale; their special codes join the same set.
RADIO_TYPES = (SingleChoice, ImageChoice, Rating, NPS)


def is_scale(q: Any) -> bool:
    """A rating without a label per point, or a 0–10: points in a row with end labels."""
    return isinstance(q, NPS) or (isinstance(q, Rating) and not q.labels)


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
        yield Static(literal(t(q.text) + optional), classes="question-text")
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
        if is_scale(q):
            choices = self._choices()
            points, specials = choices[: len(choices) - len(q.special)], choices[len(choices) - len(q.special) :]
            self.codes = [code for code, _ in choices]
            yield Scale(points, low=t(q.low_label), high=t(q.high_label), specials=specials, value=prev, classes="answer")
        elif isinstance(q, RADIO_TYPES):
            self.codes = [code for code, _ in self._choices()]
            if isinstance(q, ImageChoice):
                yield from self._thumbnails()
            yield RadioSet(*(WrappingRadioButton(literal(label), value=code == prev) for code, label in self._choices()), classes="answer")
        elif isinstance(q, MultipleChoice):
            chosen = prev or []
            yield SelectionList(*((literal(t(o.label)), o.code, o.code in chosen) for o in self.runner.options(q)), classes="answer")
        elif isinstance(q, Ranking):
            labels = {o.code: visible(t(o.label)) for o in q.options}  # RankList draws them as plain Text
            order = prev or [o.code for o in self.runner.options(q)]
            yield RankList([(code, labels[code]) for code in order], ranked=prev is not None, classes="answer")
            yield Static(w("ranking_hint"), classes="question-help")
        elif isinstance(q, Slider):
            value = prev if isinstance(prev, int) else None
            yield SliderInput(q.min, q.max, q.step, value, unset=w("slider_unset"), low_label=t(q.low_label), high_label=t(q.high_label), classes="answer")
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
            rows = self.runner.options(q)
            labels = [t(r.label) for r in rows]
            scale = [(p.code, t(p.label)) for p in q.scale]
            with Vertical(classes="matrix"):
                yield MatrixHeader(labels, [label for _, label in scale])
                for row, label in zip(rows, labels):
                    yield MatrixRow(label, labels, scale, value=chosen.get(str(row.code)), name=str(row.code))
        elif isinstance(q, Recording):
            yield RecordingPanel(q, self.owner, prev, classes="answer")
        else:
            raise TypeError(f"no input for question type {q.type!r}")
        if q.special and not isinstance(q, RADIO_TYPES):
            yield RadioSet(*(WrappingRadioButton(literal(t(s.label)), value=s.code == prev) for s in q.special), classes="special")
        if isinstance(q, (SingleChoice, MultipleChoice, ImageChoice)) and any(o.other for o in q.options):
            yield Input(self.other or "", placeholder=w("please_specify"), classes="other", max_length=500, highlighter=CONTROLS_SHOWN)

    # -- reading the answer -------------------------------------------------

    def value(self) -> Any:
        q = self.question
        special = self.query(".special").first(RadioSet) if q.special and not isinstance(q, RADIO_TYPES) else None
        if special is not None and special.pressed_index >= 0:
            return q.special[special.pressed_index].code
        if is_scale(q):
            return self.query_one(".answer", Scale).value
        if isinstance(q, RADIO_TYPES):
            i = self.query_one(".answer", RadioSet).pressed_index
            return None if i < 0 else self.codes[i]
        if isinstance(q, MultipleChoice):
            return list(self.query_one(".answer", SelectionList).selected)
        if isinstance(q, Ranking):
            return self.query_one(".answer", RankList).order()
        if isinstance(q, Slider):
            return self.query_one(".answer", SliderInput).value
        if isinstance(q, Recording):
            return self.query_one(".answer", RecordingPanel).answer
        if isinstance(q, Matrix):
            rows = {o.code for o in q.rows}
            by_text = {str(c): c for c in rows}
            out = {}
            for row in self.query(MatrixRow):
                if row.value is not None:
                    out[by_text[row.name]] = row.value
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

    # -- image choice: every option's picture, before anything is chosen ------

    def _thumbnails(self) -> ComposeResult:
        from .storyboard import image_widget_class

        image_class = image_widget_class(self.app.settings.images)
        with Grid(classes="thumbs"):
            for n, option in enumerate(self.runner.options(self.question), 1):
                with Vertical(classes="thumb", id=f"thumb-{self.question.id}-{n}") as cell:
                    cell.code = option.code
                    try:
                        image = image_class(self._picture(option), classes="thumb-image")
                    except Exception as exc:  # an unreadable picture must not stop the questionnaire
                        self.app.log.error(f"cannot draw {option.image}: {exc!r}")
                        image = image_class(None, classes="thumb-image")
                    yield image
                    yield Static(literal(self.owner.t(option.label)), classes="thumb-label")

    def _picture(self, option: Any):
        """The option's picture file, or None when it has none or it is missing (drawn blank)."""
        path = self.owner.flow.study.media(option.image) if option.image else None
        return path if path is not None and path.is_file() else None

    def on_mount(self) -> None:
        if isinstance(self.question, ImageChoice):
            self._mark_chosen(self.previous)

    def on_resize(self, event: events.Resize) -> None:
        if isinstance(self.question, ImageChoice):
            self._fit_thumbnails(event.size.width)

    def _fit_thumbnails(self, width: int) -> None:
        """As many thumbnails a row as fit (16:9 pictures in cells twice as tall as wide)."""
        grid = self.query_one(".thumbs", Grid)
        cells = list(self.query(".thumb"))
        usable = max(THUMB_MIN_WIDTH, width - 4)
        columns = max(1, min(len(cells), usable // (THUMB_MIN_WIDTH + 2)))
        cell_width = min(40, usable // columns - 2)
        # On a short screen the pictures shrink, so that the list of answers stays near them.
        rows = max(3, min(round(cell_width * 9 / 32), self.app.size.height // 5))
        grid.styles.grid_size_columns = columns
        # A grid row is as tall as its first cell: every label gets the lines of the longest, so none is cut.
        labels = [cell.query_one(".thumb-label", Static) for cell in cells]
        lines = max((len(wrap_words(str(label.render()), max(1, cell_width - 2))) for label in labels), default=1)
        for cell, label in zip(cells, labels):
            cell.styles.width = cell_width
            cell.query_one(".thumb-image").styles.height = rows
            label.styles.height = lines

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if isinstance(self.question, ImageChoice) and event.radio_set.has_class("answer"):
            self._mark_chosen(self.codes[event.index])

    def _mark_chosen(self, code: Any) -> None:
        for cell in self.query(".thumb"):
            cell.set_class(code is not None and getattr(cell, "code", None) == code, "-chosen")


class PageScreen(ParticipantScreen):
    BINDINGS = [
        Binding("ctrl+n", "next", "Next", show=False, priority=True),
        Binding("ctrl+b", "back", "Back", show=False, priority=True),
        # Page Down/Up scroll the page whatever has the focus (a list would take them for itself).
        Binding("pagedown", "scroll_page(1)", show=False, priority=True),
        Binding("pageup", "scroll_page(-1)", show=False, priority=True),
    ]

    def key_rows(self, w: Callable[[str], str]) -> list[Row]:
        rows = [
            ("Tab", w("do_next_question"), True),
            (w("key_shift_tab"), w("do_previous_question"), False),
            ("↑ ↓ ← →", w("do_move_answers"), False),
            (f"{w('key_space')} {w('key_enter')}", w("do_choose"), True),
        ]
        if self.query(RankList):
            rows += [("+ -", w("do_rank_move"), False), (w("key_enter"), w("do_rank_keep"), False)]
        rows += [row for panel in self.query(RecordingPanel) for row in panel.key_rows(w)]
        rows.append((w("key_ctrl_n"), w("do_next_page"), True))
        if self.flow.runner.can_go_back():
            rows.append((w("key_ctrl_b"), w("do_previous_page"), False))
        return rows

    def action_scroll_page(self, direction: int) -> None:
        area = self.query_one("#questions", VerticalScroll)
        (area.scroll_page_down if direction > 0 else area.scroll_page_up)(animate=False)
        for delay in (0.05, 0.3):  # once the scrolled page is laid out (again, should that be late)
            self.set_timer(delay, self._focus_in_view)

    def _focus_in_view(self) -> None:
        """After scrolling, the focus moves to the first answer in view if its own went out of it."""
        area = self.query_one("#questions", VerticalScroll)
        focused = self.focused
        if focused is None or focused not in area.walk_children() or area.region.overlaps(focused.region):
            return
        target = next((w for w in area.query("*") if w.focusable and area.region.contains_region(w.region)), None)
        if target is not None:
            target.focus(scroll_visible=False)

    def compose(self) -> ComposeResult:
        item = self.flow.current
        assert isinstance(item, PageItem)
        runner = self.flow.runner
        done, total = runner.progress()
        with Vertical(id="page"):
            yield Static(literal(self.t(item.page.title) if item.page.title else ""), classes="page-title")
            with VerticalScroll(id="questions"):
                for q in runner.questions(item.page):
                    yield QuestionBlock(q, self, runner.previous(q.id), runner.previous(other_key(q.id)))
            yield MoreBelow("#questions", self.w("more_below"))
            with Horizontal(classes="buttons"):
                if runner.can_go_back():
                    yield Button(self.w("back"), id="back")
                yield Button(self.w("next"), id="next", variant="primary")
            yield KeyBar(self, [self.lang], extra=f"[{min(done + 1, total)}/{total}]")

    def on_mount(self) -> None:
        block = next(iter(self.query(QuestionBlock)), None)
        if block is None:  # the screen was replaced (the step moved on) before its questions were mounted
            return
        first = block.first_input()
        if first is not None:
            first.focus(scroll_visible=False)
        self.call_after_refresh(block.scroll_visible, top=True, animate=False)  # the first question's text, then its answers

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
        return problem_text(problem, self.lang, self.t)

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
    @on(Scale.Changed)
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
