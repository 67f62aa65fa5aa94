"""The moderator's results screen: the study's report drawn in the console.

It reads the station's own file (off the interface's loop), builds the same
report as ``preview-tui report`` (``preview_tui.report``) and draws each chart
with the same plotext code, in textual-plotext widgets. The split-by selector
redraws the dial traces from the sessions already read; the pilot box reads
again with test sessions, and the screen then says so. Escape goes back.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Label, Select, Static
from textual_plotext import PlotextPlot

from ..report import SourceError, build_report, read_sessions
from ..report.numbers import Report, split_candidates
from ..report.terminal import chart_height, clip_summary, draw_clip, draw_question, table_lines
from ..survey.study import Study, text
from .literal import literal


class Chart(PlotextPlot):
    """One chart of the report, drawn again at each render to fit its width."""

    def __init__(self, draw: Callable[..., None], item: Any, **options: Any) -> None:
        super().__init__(**options)
        self.draw, self.item = draw, item
        self.styles.height = chart_height(item) if item is not None else "1fr"  # None: drawn once there is something (the live view)

    def show(self, item: Any) -> None:
        self.item = item
        self.refresh()

    def render(self):
        self.plt.clear_data()
        self.draw(self.plt, self.item, width=self.size.width, colour=True)
        return super().render()


class ResultsScreen(Screen):
    CSS_PATH = "results.tcss"
    AUTO_FOCUS = "#results-body"  # the arrows and Page Down scroll at once; Tab reaches the selector
    BINDINGS = [
        Binding("escape", "back", "Back to the console"),
        Binding("f5", "reload", "Read again"),
    ]
    HELP = [("Escape", "back to the console"), ("F5", "read the station file again"), ("Tab / Shift+Tab", "next / previous control"), ("F1 / ?", "this help")]  # F1 lists these

    def __init__(self, study: Study) -> None:
        super().__init__()
        self.study = study
        self.language = "en" if "en" in study.settings.languages else study.settings.languages[0]
        self.sessions = None
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="results"):
            yield Label(literal(f"Results: {text(self.study.settings.title, self.language)}"), classes="title")
            with Horizontal(id="results-controls"):
                yield Label("Split the dial by", id="split-label")
                options = [(literal(f"{qid}: {title}"), qid) for qid, title in split_candidates(self.study, self.language)]
                yield Select(options, prompt="No split", allow_blank=True, id="split-by")
                yield Checkbox("Include pilot sessions", id="include-test")
            yield Static("Reading the station's sessions…", id="results-notice")
            yield VerticalScroll(id="results-body")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        self.query_one("#results-notice", Static).update("Reading the station's sessions…")
        self._compute(self._split(), self.query_one("#include-test", Checkbox).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="results")
    def _compute(self, split_by: str | None, include_test: bool | None) -> None:
        """Read the sessions (unless ``include_test`` is None: those already read) and build the report,
        in a thread of its own (its own event loop and engine): the console never waits."""
        try:
            sessions = self.sessions if include_test is None else read_sessions(self.app.store.path, self.study.id, include_test=include_test)
            report = build_report(self.study, sessions, language=self.language, split_by=split_by)
        except SourceError as exc:
            self.app.call_from_thread(self._problem, str(exc))
            return
        self.app.call_from_thread(self._show, sessions, report, include_test is not None)

    def _problem(self, message: str) -> None:
        notice = self.query_one("#results-notice", Static)
        notice.update(literal(f"The results cannot be shown: {message}"))
        notice.set_class(True, "failed")

    def _split(self) -> str | None:
        value = self.query_one("#split-by", Select).value
        return None if value is Select.NULL else str(value)

    async def _show(self, sessions, report: Report, read: bool) -> None:
        self.sessions, self.report = sessions, report
        if not read:  # another split of the same sessions: only the dial traces change
            for clip in report.clips:
                self.query_one(f"#dial-summary-{clip.id}", Static).update(literal(self._clip_line(clip)))
                for chart in self.query(f"#dial-{clip.id}").results(Chart):
                    chart.show(clip)
            return
        notice = self.query_one("#results-notice", Static)
        notice.update(literal("\n".join(report.header()[1:])))
        notice.set_class(report.include_test, "test-data")
        notice.set_class(False, "failed")
        body = self.query_one("#results-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._sections(report))
        if report.split_by != self._split():  # the split was changed while the sessions were read
            self._compute(self._split(), None)

    def _sections(self, report: Report) -> list:
        from ..report.terminal import outcome_lines

        out: list = [Static(literal("\n".join(outcome_lines(report))), id="outcomes", classes="result-table")]
        for q in report.questions:
            parts = [Label(literal(f"{q.title}  [{q.id}]"), classes="result-title"), Static(literal(q.summary()), classes="result-summary")]
            if q.n and q.kind != "none":
                parts += [Chart(draw_question, q, id=f"chart-{q.id}"), Static(literal("\n".join(table_lines(q))), classes="result-table")]
            out.append(Vertical(*parts, classes="result", id=f"q-{q.id}"))
        for clip in report.clips:
            parts = [Label(literal(f"Dial: {clip.title}  [{clip.id}]"), classes="result-title"), Static(literal(self._clip_line(clip)), classes="result-summary", id=f"dial-summary-{clip.id}")]
            if clip.overall.n:
                parts.append(Chart(draw_clip, clip, id=f"dial-{clip.id}"))
            out.append(Vertical(*parts, classes="result", id=f"clip-{clip.id}"))
        return out

    def _clip_line(self, clip) -> str:
        report = self.report
        split = f" · split by {report.split_title} [{report.split_by}]" if report.split_by else ""
        return f"{clip_summary(clip)}\nmean dial (0-100) in {report.bin_ms} ms bins, {report.band}{split}"

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another split: the traces are computed again from the sessions already read."""
        if event.select.id == "split-by":
            event.stop()
            if self.sessions is not None:
                self._compute(self._split(), None)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "include-test":
            event.stop()
            self.load()
