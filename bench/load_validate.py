"""Benchmark: load and validate a generated study, against PyYAML's CSafeLoader on the same files.

    python bench/load_validate.py [--questions 2000] [--repeat 5]

Writes a study with that many questions (every question type, three languages,
conditions and piping on earlier answers) to a temporary folder, then times,
in the same run, (a) ``yaml.load(..., Loader=CSafeLoader)`` of every file and
(b) ``load_study`` (located parsing, schema, cross-file checks). It prints the
best time of each and their ratio; the goal is a ratio of 2 or less.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from preview_tui.survey.study import load_study  # noqa: E402

LANGS = ("en", "fr", "de")


def t(text: str) -> dict:
    return {lang: f"{text} ({lang})" for lang in LANGS}


def options(n: int) -> list[dict]:
    return [{"code": i, "label": t(f"Option {i}")} for i in range(1, n + 1)]


def question(i: int, previous: str | None) -> dict:
    qid = f"q{i}"
    kind = i % 11
    q: dict = {"id": qid, "text": t(f"Question {i}" + (f" after {{{previous}}}" if previous else ""))}
    if kind == 0:
        q.update(type="single", options=options(5))
    elif kind == 1:
        q.update(type="multi", options=options(6), min_selected=1, max_selected=3)
    elif kind == 2:
        q.update(type="rating", points=7, low_label=t("low"), high_label=t("high"))
    elif kind == 3:
        q.update(type="nps")
    elif kind == 4:
        q.update(type="slider", min=0, max=100, required=False)
    elif kind == 5:
        q.update(type="numeric", min=0, max=1000, decimal=True, unit=t("euros"), special=[{"code": "dont_know", "label": t("Don't know")}])
    elif kind == 6:
        q.update(type="text", max_length=200, required=False)
    elif kind == 7:
        q.update(type="date", min="2020-01-01")
    elif kind == 8:
        q.update(type="matrix", rows=options(3), scale=options(4))
    elif kind == 9:
        q.update(type="ranking", options=options(4), randomize=True)
    else:
        q.update(type="single", options=options(3) + [{"code": 9, "label": t("Other"), "other": True, "anchor": True}], randomize=True)
    if previous and i % 3 == 0:
        q["show_if"] = f"answered({previous}) or {previous} == 1"
    return q


def write_study(root: Path, count: int, per_page: int = 10, pages_per_survey: int = 20) -> list[Path]:
    for part in ("screens", "surveys", "media"):
        (root / part).mkdir(parents=True, exist_ok=True)
    config = {"study": {"id": "bench", "title": t("Bench"), "languages": list(LANGS), "screening": "main",
                        "consent": {"version": "1", "text": t("Consent")}, "thanks": t("Thanks"), "screened_out": t("Out"), "declined": t("No")}}
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    surveys, pages, current = [], [], []
    previous = None  # a question of an earlier page, for conditions and piping
    for i in range(1, count + 1):
        current.append(question(i, previous))
        if len(current) == per_page or i == count:
            previous = next(q["id"] for q in current if q["type"] in ("single", "rating", "nps", "numeric"))
            pages.append({"id": f"p{len(pages) + 1}", "title": t(f"Page {len(pages) + 1}"), "questions": current})
            current = []
        if len(pages) == pages_per_survey or (i == count and pages):
            sid = f"s{len(surveys) + 1}"
            (root / "surveys" / f"{sid}.yaml").write_text(yaml.safe_dump({"id": sid, "title": t(sid), "pages": pages}, allow_unicode=True, sort_keys=False), encoding="utf-8")
            surveys.append(sid)
            pages = []
    screen = {"id": "main", "steps": [{"type": "survey", "survey": sid} for sid in surveys]}
    (root / "screens" / "main.yaml").write_text(yaml.safe_dump(screen, sort_keys=False), encoding="utf-8")
    return sorted(root.rglob("*.yaml"))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(questions: int, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "study"
        files = write_study(root, questions)
        size = sum(f.stat().st_size for f in files)

        def pyyaml():
            for f in files:
                yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        study = load_study(root)
        loaded = sum(1 for _ in study.questions())
        assert loaded == questions, (loaded, questions)
        base = best(pyyaml, repeat)
        ours = best(lambda: load_study(root), repeat)
    ratio = ours / base
    print(f"{questions} questions, {len(files)} files, {size / 1e6:.2f} MB")
    print(f"PyYAML CSafeLoader parse: {base * 1000:.1f} ms")
    print(f"load_study (parse + schema + checks): {ours * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (goal: 2x or less)")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    run(args.questions, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
