"""The report as a file to share: a PNG or SVG image (matplotlib), or one self-contained HTML page.

``write_report(report, path)`` picks the format from the file's extension.
The image holds the header and every chart in one tall figure; the HTML page
holds the header, the tables of numbers and each chart as inline SVG, so it
can be mailed as it is. Every output says so when test data are included.
"""

from __future__ import annotations

import html
import io
import textwrap
from pathlib import Path
from typing import Any

from ..files import private_dir, private_file
from .dial import ClipResult
from .numbers import QuestionResult, Report

FORMATS = (".html", ".htm", ".png", ".svg")
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#17becf", "#ff7f0e", "#bcbd22", "#7f7f7f")


class ReportFileError(Exception):
    """The file cannot be written; the message says why."""


def write_report(report: Report, path: Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportFileError(f"cannot write a report as '{path.name}': the file must end in .html, .png or .svg")
    page = html_page(report) if suffix in (".html", ".htm") else None
    figure = report_figure(report) if page is None else None
    try:
        private_dir(path.parent)  # a missing folder is made (0700), as export does
        private_file(path)  # 0600 before the results go in (files.py)
        if page is not None:
            path.write_text(page, encoding="utf-8")
        else:
            figure.savefig(path, format=suffix[1:], dpi=100)
    except OSError as exc:
        raise ReportFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


# -- charts ------------------------------------------------------------------------


def _wrap(label: str, width: int = 14) -> str:
    return "\n".join(textwrap.wrap(str(label), width)[:3]) or str(label)


def draw_question(ax: Any, q: QuestionResult) -> None:
    """A question's chart on a matplotlib Axes: bars with counts and percentages, a histogram, or a matrix."""
    if q.kind == "bars":
        xs = range(len(q.bars))
        ax.bar(xs, [b.count for b in q.bars], color=COLOURS[0], width=0.6)
        for x, b in zip(xs, q.bars):
            ax.annotate(f"{b.count} ({b.percent:.0f}%)", (x, b.count), ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
        ax.set_xticks(list(xs), [_wrap(b.label) for b in q.bars], fontsize=8)
    elif q.kind == "histogram":
        h = q.histogram
        widths = [b - a for a, b in zip(h.edges, h.edges[1:])]
        ax.bar(h.edges[:-1], h.counts, width=widths, align="edge", color=COLOURS[2], edgecolor="white")
        ax.set_xlabel("answer")
    elif q.kind == "matrix":
        labels = [label for label, _ in q.rows]
        left = [0] * len(q.rows)
        for i, first in enumerate(q.rows[0][1]):
            counts = [bars[i].count for _, bars in q.rows]
            ax.barh(range(len(labels)), counts, left=left, color=COLOURS[i % len(COLOURS)], label=first.label, height=0.6)
            left = [a + b for a, b in zip(left, counts)]
        ax.set_yticks(range(len(labels)), [_wrap(label, 24) for label in labels], fontsize=8)
        ax.invert_yaxis()
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_ylabel("participants" if q.kind != "matrix" else "")
    ax.yaxis.get_major_locator().set_params(integer=True) if q.kind != "matrix" else ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{_wrap(q.title, 80)}\n{q.summary()}", fontsize=9, loc="left")
    ax.spines[["top", "right"]].set_visible(False)


def draw_clip(ax: Any, clip: ClipResult, report: Report) -> None:
    """The mean dial trace with its ±1 SD band, overall or per group of the split."""
    traces = clip.split or [clip.overall]
    for i, trace in enumerate(traces):
        points = trace.points()
        if not points:
            continue
        colour = COLOURS[i % len(COLOURS)]
        times = [t for t, _, _ in points]
        means = [mu for _, mu, _ in points]
        ax.plot(times, means, color=colour, linewidth=1.6, label=f"{trace.label} (n={trace.n})")
        sds = [s if s is not None else 0.0 for _, _, s in points]
        ax.fill_between(times, [m - s for m, s in zip(means, sds)], [m + s for m, s in zip(means, sds)], color=colour, alpha=0.18 if clip.split else 0.25, linewidth=0)
    ax.set_ylim(0, 100)
    ax.set_xlabel("seconds of the clip")
    ax.set_ylabel("mean dial (0-100)")
    split = f", split by {report.split_title}" if clip.split else ""
    ax.set_title(f"{clip.title}: mean dial in {report.bin_ms} ms bins, shaded {report.band.removeprefix('band: ')}{split}", fontsize=9, loc="left")
    ax.legend(fontsize=8, loc="upper right", frameon=False)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def charted(report: Report) -> list[QuestionResult]:
    return [q for q in report.questions if q.n and q.kind != "none"]


def report_figure(report: Report):
    """The whole report as one matplotlib Figure (no pyplot: no global state, no display needed)."""
    from matplotlib.figure import Figure

    questions = charted(report)
    clips = [c for c in report.clips if c.overall.n]
    heights = [1.6] + [3.0] * len(questions) + [4.0] * len(clips)
    figure = Figure(figsize=(10, sum(heights)), layout="constrained")
    axes = figure.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)[:, 0]
    head = axes[0]
    head.axis("off")
    lines = report.header()
    head.text(0, 1, "\n".join(textwrap.wrap(lines[0], 80)[:2]), fontsize=12, fontweight="bold", va="top", transform=head.transAxes, wrap=True)
    head.text(0, 0.62, "\n".join(line for text in lines[1:] for line in textwrap.wrap(text, 130)), fontsize=8.5, va="top", transform=head.transAxes,
              color="#b00020" if report.include_test else "black")
    for ax, q in zip(axes[1:], questions):
        draw_question(ax, q)
    for ax, clip in zip(axes[1 + len(questions):], clips):
        draw_clip(ax, clip, report)
    return figure


def chart_svg(draw, *args, height: float = 3.0) -> str:
    """One chart as an ``<svg>`` element to put inline in HTML."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height), layout="constrained")
    draw(figure.subplots(), *args)
    out = io.StringIO()
    figure.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg"):]


# -- HTML --------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { margin-bottom: .2rem; }
.notice { background: #fdecea; border: 2px solid #b00020; color: #b00020; padding: .6rem 1rem; font-weight: bold; }
.summary { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
td, th { border: 1px solid #ddd; padding: .2rem .6rem; text-align: left; } td.n { text-align: right; }
svg { max-width: 100%; height: auto; }
"""


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{v}</td>' if isinstance(v, (int, float)) else f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _question_table(q: QuestionResult) -> str:
    if q.kind == "matrix":
        scale = [b.label for b in q.rows[0][1]]
        return _table(["", *scale], [[row, *(f"{b.count} ({b.percent:.0f}%)" for b in bars)] for row, bars in q.rows])
    parts = []
    if q.histogram is not None:
        parts.append(_table(["answer", "participants"], [[label, n] for label, n in zip(q.histogram.labels, q.histogram.counts)]))
    if q.bars:
        parts.append(_table(["answer", "participants", "%"], [[b.label, b.count, f"{b.percent:.1f}"] for b in q.bars]))
    return "".join(parts)


def _trace_table(clip: ClipResult) -> str:
    traces = clip.split or [clip.overall]
    head = ["seconds"] + [f"{t.label}: {what}" for t in traces for what in ("mean", "SD", "n")]
    rows = []
    for k, time in enumerate(clip.overall.times):
        row: list[Any] = [f"{time:.1f}"]
        for t in traces:
            row += [f"{t.mean[k]:.1f}" if t.mean[k] is not None else "", f"{t.sd[k]:.1f}" if t.sd[k] is not None else "", t.count[k]]
        rows.append(row)
    return f"<details><summary>Numbers per bin</summary>{_table(head, rows)}</details>"


def html_page(report: Report) -> str:
    esc = html.escape
    lines = report.header()
    out = [f'<!DOCTYPE html><html lang="{esc(report.language)}"><head><meta charset="utf-8"><title>{esc(report.title)}: results</title><style>{CSS}</style></head><body>']
    out.append(f"<h1>{esc(lines[0])}</h1>")
    if report.include_test:
        out.append(f'<p class="notice">{esc(report.notices()[0])}</p>')
    out += [f"<p>{esc(line)}</p>" for line in lines[1:] if not (report.include_test and line == report.notices()[0])]
    out.append("<h2>Outcomes</h2>")
    out.append(_table(["outcome", "sessions"], [[label, n] for label, n in report.outcomes] + [["withdrawn (erased, not counted)", report.withdrawn]]))
    if report.screen_outs:
        out.append("<h3>Screen-outs by reason</h3>" + _table(["reason", "sessions"], [[r, n] for r, n in report.screen_outs]))
    if report.quotas:
        out.append("<h3>Quota cells</h3>" + _table(["cell", "completed", "target", "status"], [[c.label or c.cell, c.count, c.target, "full" if c.full else "open"] for c in report.quotas]))
    out.append("<h2>Questions</h2>")
    for q in report.questions:
        out.append(f'<section id="q-{esc(q.id)}"><h3>{esc(q.title)} <small>[{esc(q.id)}]</small></h3><p class="summary">{esc(q.summary())}</p>')
        if q.n and q.kind != "none":
            out.append(chart_svg(draw_question, q))
            out.append(_question_table(q))
        out.append("</section>")
    if report.clips:
        out.append("<h2>Dial</h2>")
        out.append(f"<p>Mean dial (0-100) in {report.bin_ms} ms bins of the clip's time; {esc(report.band)}." + (f" Split by: {esc(report.split_title or '')} [{esc(report.split_by or '')}]." if report.split_by else "") + "</p>")
        from .terminal import clip_summary

        for clip in report.clips:
            out.append(f'<section id="clip-{esc(clip.id)}"><h3>{esc(clip.title)} <small>[{esc(clip.id)}]</small></h3><p class="summary">{esc(clip_summary(clip))}</p>')
            if clip.overall.n:
                out.append(chart_svg(draw_clip, clip, report, height=3.8))
                out.append(_trace_table(clip))
            out.append("</section>")
    if report.include_test:
        out.append(f'<p class="notice">{esc(report.notices()[0])}</p>')
    out.append("</body></html>")
    return "\n".join(out)
