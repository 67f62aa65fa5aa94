"""The report drawn in the terminal with plotext.

``draw_question`` and ``draw_clip`` draw one chart on a plotext figure: the
``plotext`` module itself (``render_text``, for ``preview-tui report``) or the
figure of a textual-plotext widget (the moderator's results screen), so both
show the same charts. ``render_text`` builds the whole report as a string,
with each chart's numbers printed under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..visible import visible
from .dial import ClipResult, Trace
from .numbers import QuestionResult, Report

# Marks and colours of the split traces: told apart by their marks without colour too.
MARKERS = ("braille", "•", "+", "x", "o", "*", "#", "=")
COLOURS = ("blue+", "red+", "green+", "magenta+", "cyan+", "orange", "yellow", "gray")
BAND_MARKER = "·"
LABEL_WIDTH = 28


def short(label: str, width: int = LABEL_WIDTH) -> str:
    """A label of a chart or table on one line, cut to ``width``, its control characters visible."""
    label = " ".join(visible(label).split())
    return label if len(label) <= width else label[: max(width - 1, 1)] + "…"


def chart_height(item: QuestionResult | ClipResult) -> int:
    """Rows a chart needs to be read."""
    if isinstance(item, ClipResult):
        return 20
    return {"bars": 12, "histogram": 12, "matrix": 14}.get(item.kind, 0)


def _ticks(labels: list[str], width: int) -> list[str]:
    """Labels under vertical bars, cut to the room each bar has (plotext drops labels that overlap)."""
    room = max(2, (width - 8) // max(len(labels), 1) - 2)
    return [short(label, room) for label in labels]


def _count_axis(plt: Any, highest: int) -> None:
    step = max(1, -(-highest // 5))
    plt.yticks(list(range(0, highest + step, step)))


def draw_question(plt: Any, q: QuestionResult, *, width: int = 80, colour: bool = True) -> None:
    """One question's chart: bars of counts, a histogram, or a matrix's rows as stacked bars over its scale."""
    if q.kind == "bars":
        plt.bar(_ticks([b.label for b in q.bars], width), [b.count for b in q.bars], width=0.6, color="blue+" if colour else None)
        _count_axis(plt, max(b.count for b in q.bars))
    elif q.kind == "histogram":
        h = q.histogram
        plt.bar(_ticks(h.labels, width), h.counts, width=0.8, color="green+" if colour else None)
        _count_axis(plt, max(h.counts))
    elif q.kind == "matrix":
        scale = [b.label for b in q.rows[0][1]]
        series = [[bars[i].count for _, bars in q.rows] for i in range(len(scale))]
        plt.stacked_bar(_ticks([label for label, _ in q.rows], width), series, labels=[short(s, 18) for s in scale], width=0.5, color=list(COLOURS[: len(scale)]) if colour else None)
        _count_axis(plt, max(sum(col) for col in zip(*series)))


def draw_clip(plt: Any, clip: ClipResult, *, width: int = 80, colour: bool = True) -> None:
    """The mean dial trace of a clip with its ±1 SD band, or one mean trace per group of the split."""
    if clip.split:
        for i, group in enumerate(clip.split):
            _line(plt, group, f"{short(group.label, 20)} (n={group.n})", MARKERS[i % len(MARKERS)], COLOURS[i % len(COLOURS)] if colour else None)
    else:
        points = clip.overall.points()
        banded = [(t, mu, s) for t, mu, s in points if s is not None]
        if banded:
            times = [t for t, _, _ in banded]
            plt.plot(times, [mu - s for _, mu, s in banded], marker=BAND_MARKER, color="gray" if colour else None, label="±1 SD")
            plt.plot(times, [mu + s for _, mu, s in banded], marker=BAND_MARKER, color="gray" if colour else None)
        _line(plt, clip.overall, f"mean (n={clip.overall.n})", "braille", "blue+" if colour else None)
    plt.ylim(0, 100)
    plt.xlabel("seconds of the clip")


def _line(plt: Any, trace: Trace, label: str, marker: str, colour: str | None) -> None:
    points = trace.points()
    if points:
        plt.plot([t for t, _, _ in points], [mu for _, mu, _ in points], marker=marker, color=colour, label=label)


def build_chart(draw, item: Any, width: int, height: int, colour: bool) -> str:
    """One chart as text, drawn on plotext's own figure."""
    import plotext

    plotext.clear_figure()
    plotext.plotsize(width, height)
    plotext.theme("pro" if colour else "clear")
    draw(plotext, item, width=width, colour=colour)
    out = plotext.build()
    return out if colour else plotext.uncolorize(out)


@dataclass(frozen=True)
class Drawn:
    """A chart already drawn by plotext: its escape sequences are plotext's own colours."""

    text: str


def render_text(report: Report, *, width: int = 100, colour: bool = False) -> str:
    """The whole report for a terminal: header, outcomes, quotas, each question and each dial trace.

    Every line of text goes through ``visible``, so a study's texts never reach the terminal as
    control sequences; the charts carry only plotext's own colours (their labels are ``short``).
    """
    out: list[str | Drawn] = [*report.header(), ""]
    out += outcome_lines(report)
    out.append("")
    out.append("QUESTIONS")

    for q in report.questions:
        out.append("")
        out.append(f"{q.title}  [{q.id}]")
        out.append(f"  {q.summary()}")
        if q.n and q.kind != "none":
            out.append(Drawn(build_chart(draw_question, q, width, chart_height(q), colour)))
            out += ["  " + line for line in table_lines(q)]
    if report.clips:
        out += ["", "DIAL" + (f" — split by: {report.split_title} [{report.split_by}]" if report.split_by else ""), f"Mean dial (0-100) in {report.bin_ms} ms bins; {report.band}."]
        for clip in report.clips:
            out += ["", f"{clip.title}  [{clip.id}]", "  " + clip_summary(clip)]
            if clip.overall.n:
                out.append(Drawn(build_chart(draw_clip, clip, width, chart_height(clip), colour)))
    if report.include_test:
        out += ["", report.notices()[0]]
    return "\n".join(line.text if isinstance(line, Drawn) else visible(line) for line in out) + "\n"


def outcome_lines(report: Report) -> list[str]:
    lines = ["OUTCOMES"]
    lines += [f"  {label:<32} {n:>5}" for label, n in report.outcomes]
    lines.append(f"  {'withdrawn (erased, not counted)':<32} {report.withdrawn:>5}")
    if report.screen_outs:
        lines.append("SCREEN-OUTS BY REASON")
        lines += [f"  {reason:<32} {n:>5}" for reason, n in report.screen_outs]
    if report.quotas:
        lines.append("QUOTA CELLS (completed / target)")
        lines += [f"  {c.label or c.cell:<40} {c.count:>4} / {c.target:<4}{'  full' if c.full else ''}" for c in report.quotas]
    return lines


def table_lines(q: QuestionResult) -> list[str]:
    """A question's numbers, as they are charted."""
    if q.kind == "matrix":
        return [f"{short(row, 24):<24} " + "  ".join(f"{short(b.label, 14)} {b.count} ({b.percent:.0f}%)" for b in bars) for row, bars in q.rows]
    lines = []
    if q.histogram is not None:
        lines += [f"{label:<24} {n:>5}" for label, n in zip(q.histogram.labels, q.histogram.counts)]
    lines += [f"{short(b.label):<28} {b.count:>5}  {b.percent:5.1f}%" for b in q.bars]
    return lines


def clip_summary(clip: ClipResult) -> str:
    watched = f"mean watched {clip.mean_watched:.0f}%" if clip.mean_watched is not None else "no exposure recorded"
    return f"{clip.overall.n} participant(s) with dial samples · {clip.viewers} viewer(s), {clip.completed} watched to the end · {watched}"
