"""Property tests: malformed expressions and studies always end in located errors.

Every malformed input must give ``StudyError``/``ExprError`` with a place in the
file (or the expression), never another exception (a traceback for the
researcher), and nothing in it may ever be executed. The number of examples is
kept small for the everyday run (about 900 cases in all);
``PREVIEW_TUI_FUZZ_EXAMPLES=1500 ./dev test tests/test_malformed.py -s`` runs
about ten times more and prints the count.
"""

from __future__ import annotations

import builtins
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_demo
from preview_tui.survey.errors import StudyError
from preview_tui.survey.expr import ExprError, parse
from preview_tui.survey.study import load_study
from preview_tui.survey.walk import walk

EXAMPLES = int(os.environ.get("PREVIEW_TUI_FUZZ_EXAMPLES", "150"))
TRIED = {"expressions": 0, "bad_expressions": 0, "studies": 0, "bad_studies": 0}

TOKENS = [
    "age_band", "genres", "participant.code", "participant.language", "q.other", "1", "2.5", "0", "-", "+", "*", "/",
    "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "(", ")", "[", "]", ",", '"x"', "'y'", "true",
    "false", "null", "selected(", "count(", "answered(", "min(", "max(", "sum(", "round(", "if(", "__import__(",
    "os.system(", "eval(", "lambda", ":", "{", "}", ".", "..", "\\", "'", '"', "#", "\n", "\t", "é", "𝔁",
]


@contextmanager
def nothing_executed():
    """Any use of eval or exec while the engine reads a study fails loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("a study file reached eval/exec")

    saved = builtins.eval, builtins.exec
    builtins.eval = builtins.exec = refuse
    try:
        yield
    finally:
        builtins.eval, builtins.exec = saved


expressions = st.one_of(
    st.lists(st.sampled_from(TOKENS), min_size=0, max_size=12).map(" ".join),
    st.text(max_size=40),
)

ENV = {"age_band": 2, "genres": ["drama"], "participant.code": "P1", "participant.language": "fr", "q.other": "x"}


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(source=expressions)
def test_any_expression_parses_or_says_where_it_fails(source):
    TRIED["expressions"] += 1
    with nothing_executed():
        try:
            expr = parse(source)
        except ExprError as exc:
            TRIED["bad_expressions"] += 1
            assert 1 <= exc.column <= len(source) + 1, (source, exc.column)
            assert str(exc)
            return
        expr.evaluate(ENV)  # a parsed expression always evaluates, whatever the answers
        expr.evaluate({})


# -- malformed studies ---------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 12), st.text(max_size=12), st.sampled_from(["single", "multi", "slider", "nps", "matrix", "age_band ==", "age_band == 9", "{genres}", "{nope}", "board-9.png", "dont_know"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "type", "text", "code", "label", "options", "show_if", "en", "fr", "xx"]), inner, max_size=3)), max_leaves=6)
FILES = ["config.yaml", "screens/main.yaml", "surveys/screener.yaml", "surveys/reactions.yaml"]
ORIGINAL = {name: (ROOT / name).read_text(encoding="utf-8") for name in FILES}  # read once: examples must not depend on the disk


def _paths(data, at=()):
    yield at
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, at + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, at + (i,))


def _mutate(data, path, action, value):
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}x" if isinstance(last, str) else "x"] = parent.pop(last)
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(parent[last])
    return data


@pytest.fixture(scope="module")
def study_copy(tmp_path_factory):
    return copy_demo(tmp_path_factory.mktemp("fuzz") / "study")


def _check(root: Path, file: str, text: str) -> None:
    target = root / file
    original = ORIGINAL[file]
    target.write_text(text, encoding="utf-8")
    try:
        with nothing_executed():
            study = load_study(root)
    except StudyError as exc:
        TRIED["bad_studies"] += 1
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.message, problem
            assert Path(problem.file).name in {Path(f).name for f in FILES} | {"screens", "surveys", "study"}, problem
        return
    finally:
        target.write_text(original, encoding="utf-8")
    with nothing_executed():
        walk(study, max_states=150)  # a study that loads can be stepped through without an exception


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_study_data_gives_located_errors(study_copy, data):
    TRIED["studies"] += 1
    file = data.draw(st.sampled_from(FILES))
    tree = yaml.safe_load(ORIGINAL[file])
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(_paths(tree))))
        action = data.draw(st.sampled_from(["replace", "delete", "rename", "duplicate"]))
        tree = _mutate(tree, path, action, data.draw(VALUES))
    _check(study_copy, file, yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_study_text_gives_located_errors(study_copy, data):
    TRIED["studies"] += 1
    file = data.draw(st.sampled_from(FILES))
    text = ORIGINAL[file]
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "cut_line", "indent"]))
        if action == "insert":
            text = text[:at] + data.draw(st.sampled_from(["\t", ":", "- ", "[", "{", "&a ", "*a", "!!python/object:os.system ", "<<: ", "\x00", "'", "\n  ", "é", "!!str ", "&b [*a, *a] ", "no", "[[[[", '"\\e]0;x\\a"', "\u202e"])) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20)):]
        elif action == "cut_line":
            lines = text.splitlines(keepends=True)
            if lines:
                del lines[min(at, len(lines) - 1) if at < len(lines) else len(lines) - 1]
            text = "".join(lines)
        else:
            lines = text.splitlines(keepends=True)
            i = at % max(1, len(lines))
            if lines:
                lines[i] = "  " + lines[i]
            text = "".join(lines)
    _check(study_copy, file, text)


def test_report_how_many_cases_were_tried():
    """Printed with -s."""
    print(f"\ncases tried: {TRIED['expressions']} expressions ({TRIED['bad_expressions']} malformed), {TRIED['studies']} studies ({TRIED['bad_studies']} malformed)")
