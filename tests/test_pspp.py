"""A demo afternoon's exports opened by their readers' own tools: GNU PSPP for ``.sav``, pandas for ``.dta``.

PSPP (Debian's ``pspp``, installed by ``./dev test``) is an outside reader of SPSS files,
independent of the ReadStat library that writes them. It must read the file without a
single warning, give every variable the measurement level the codebook lists, and count
as missing exactly the cells that hold a missing-value code in the CSV export of the same
sessions, for every variable (text ones too).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess

import pandas as pd
import pytest

from conftest import copy_demo
from preview_tui.export.variables import NUMERIC, TEXT, layout
from preview_tui.survey.study import load_study
from test_export_cli import command, demo_afternoon


MESSAGE = re.compile(r"(^|: )(warning|error|note): ")  # "warning: `x.sav' near offset ...", "run.sps:3: error: ..."


def pspp(script: str, cwd) -> str:
    """PSPP's CSV output of ``script``; its warnings and errors, on either stream, fail the test."""
    assert shutil.which("pspp"), "GNU PSPP is missing: ./dev test installs the Debian package pspp"
    (cwd / "run.sps").write_text(script, encoding="utf-8")
    env = {**os.environ, "LANG": "C", "LC_ALL": "C"}  # PSPP's own messages in English
    proc = subprocess.run(["pspp", "-O", "format=csv", "-o", "-", "run.sps"], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    messages = [line for line in said.splitlines() if MESSAGE.search(line)]
    assert not messages, "PSPP said:\n" + "\n".join(messages)
    return proc.stdout


def table(output: str, title: str) -> list[list[str]]:
    """The rows of the table PSPP titled ``title`` in its CSV output (header first)."""
    blocks = output.split("\n\n")
    block = next(b for b in blocks if b.startswith(f"Table: {title}"))
    return list(csv.reader(io.StringIO(block.split("\n", 1)[1])))


@pytest.fixture(scope="module")
def afternoon(tmp_path_factory, request):
    root = tmp_path_factory.mktemp("pspp")
    study_dir = root / "study"
    copy_demo(study_dir)  # the demo study alone: the rest of the checkout changes under the other worker
    db = root / "station.sqlite"
    import asyncio

    asyncio.run(demo_afternoon(study_dir, db))
    for lang in ("en", "de"):
        proc = command("export", "--database", str(db), "--format", "sav", "--format", "dta", "--format", "csv", "--language", lang, "--out", str(root / lang), "--no-progress", cwd=study_dir)
        assert proc.returncode == 0, proc.stderr
    return root, load_study(study_dir)


@pytest.mark.real
@pytest.mark.parametrize("lang", ["en", "de"])
def test_pspp_reads_the_sav_without_a_warning_and_honours_every_missing_code(afternoon, lang):
    root, study = afternoon
    out = root / lang
    plan = layout(study)
    names = [v.name for v in plan.variables]
    flags = "\n".join(f"RECODE {name} (MISSING=1) (ELSE=0) INTO m{i}." for i, name in enumerate(names))  # user- or system-missing, text too
    script = f"GET FILE='{out / (study.id + '.sav')}'.\nDISPLAY DICTIONARY.\n{flags}\nLIST VARIABLES=participant_code {' '.join(f'm{i}' for i in range(len(names)))}.\n"
    said = pspp(script, root)

    variables = {row[0]: dict(zip(table(said, "Variables")[0], row)) for row in table(said, "Variables")[1:]}
    assert list(variables) == names
    levels = {v.name: variables[v.name]["Measurement Level"].lower() for v in plan.variables}
    assert levels == {v.name: v.level for v in plan.variables}  # the codebook's levels, every one
    for name in ("trailer_watched", "trailer_plays", "trailer_dial_mean", "budget", "recommend"):
        assert levels[name] == "scale", name
    assert levels["trailer_rating"] == "ordinal" and levels["gender"] == "nominal" and levels["favourite_genre"] == "nominal"
    piped = {name: row["Label"] for name, row in variables.items() if "{" in row["Label"] or "}" in row["Label"]}
    assert not piped, f"labels hold raw templates: {piped}"
    assert "[genres]" in variables["favourite_genre"]["Label"]
    for v in plan.variables:
        if v.kind == TEXT and v.missing:
            assert variables[v.name]["Missing Values"], f"{v.name} declares no missing value"

    # Every cell PSPP takes as missing holds a missing code in the CSV, and the other way round.
    with open(out / f"{study.id}.csv", encoding="utf-8", newline="") as f:
        exported = {row["participant_code"]: row for row in csv.DictReader(f)}
    listed = table(said, "Data List")
    header = listed[0]
    assert len(listed) - 1 == len(exported) == 3
    wrong = []
    for row in listed[1:]:
        cells = dict(zip(header, row))
        code = cells["participant_code"].strip()
        for i, v in enumerate(plan.variables):
            value = exported[code][v.name]
            coded = value != "" and (v.kind in (NUMERIC, TEXT)) and value.strip() in {str(c) for c in v.missing} | {f"{c}.0" for c in v.missing}
            empty_number = value == "" and v.kind != TEXT
            missing = float(cells[f"m{i}"]) == 1.0
            if missing != (coded or empty_number):
                wrong.append(f"{code}.{v.name}={value!r}: PSPP missing={missing}")
    assert not wrong, wrong
    # The afternoon holds every kind of code, so the check above covered them all.
    seen = {value for row in exported.values() for value in row.values()}
    codes = plan.codes
    assert {str(codes.screened_out), str(codes.not_shown)} <= seen


@pytest.mark.parametrize("lang", ["en", "de"])
def test_stata_values_read_back_as_clean_numbers_and_clean_categories(afternoon, lang):
    root, study = afternoon
    plan = layout(study)
    path = root / lang / f"{study.id}.dta"
    plain = pd.read_stata(path, convert_categoricals=False)
    labelled = pd.read_stata(path, convert_categoricals=True)
    for v in plan.variables:
        if v.kind != NUMERIC:
            continue
        assert pd.api.types.is_numeric_dtype(plain[v.name]), f"{v.name}: {plain[v.name].dtype}"
        column = labelled[v.name]
        if v.is_categorical:
            if isinstance(column.dtype, pd.CategoricalDtype):  # (a column with no valid answer stays numeric)
                labels = set(v.value_labels_in(lang).values())
                assert all(isinstance(c, str) and c in labels for c in column.cat.categories), f"{v.name}: {list(column.cat.categories)}"
        else:
            assert pd.api.types.is_numeric_dtype(column), f"{v.name} became {column.dtype}: {list(column)}"
    for name in ("trailer_rating", "budget", "trailer_dial_mean", "recommend"):
        assert pd.api.types.is_float_dtype(labelled[name]), name
    assert isinstance(labelled["gender"].dtype, pd.CategoricalDtype)
