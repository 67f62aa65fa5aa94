"""Writers of the exports: CSV (wide and long), JSON, SPSS ``.sav`` and Stata ``.dta``.

Every writer takes the rows ``Layout.row`` made (one list per session, in the
layout's order), so the values are the same in every format. SPSS and Stata
files are written by pyreadstat from a pandas frame, with variable labels,
value labels in one language and the missing-value codes declared:

- SPSS: a numeric variable declares the range of its codes as user-missing
  (e.g. -99 to -96). A text variable of at most 8 bytes declares up to three
  of its codes (SPSS allows no more), its special answers first; a wider one
  declares one, the not-shown code, which also stands for screened out and
  sealed there (see ``_one_text_code``). Each variable's measurement level
  is ``Variable.level``, as the codebook lists it.
- Stata: the codes become extended missing values (screened out ``.z``, not
  shown ``.y``, sealed ``.x``, special answers ``.a``, ``.b``, ... in the
  codebook's order). Only categorical variables carry value labels, missing
  codes included, so that a scale never reads back as categories. Stata has no missing
  values for text: a text variable keeps the code as text ("-98"). Variable
  labels are cut at Stata's 80 characters; SPSS cuts its own at 256 bytes.

Times are UTC, written without a zone in SPSS and Stata.
"""

from __future__ import annotations

import csv
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, AsyncIterator, Iterable

from .variables import DATETIME, NUMERIC, TEXT, Layout

STATA_LABEL = 80


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# Spreadsheets read a CSV with the separator and decimal mark of their locale: Excel in French or German
# expects "12,5" and ";" (and a byte-order mark to take the file as UTF-8 at all).
SPREADSHEET = {"en": (",", "."), "fr": (";", ","), "de": (";", ",")}


def write_csv(path: Path, layout: Layout, rows: list[list[Any]], spreadsheet: str | None = None) -> None:
    """One row per session, one column per variable; empty cells are system-missing.

    ``spreadsheet`` (a language) writes it for a spreadsheet of that locale instead: a UTF-8
    byte-order mark, that locale's separator and decimal mark (``SPREADSHEET``).
    """
    times = [i for i, v in enumerate(layout.variables) if v.kind == DATETIME]
    separator, decimal = SPREADSHEET.get(spreadsheet, (",", ".")) if spreadsheet else (",", ".")
    with open(path, "w", newline="", encoding="utf-8-sig" if spreadsheet else "utf-8") as f:
        out = csv.writer(f, delimiter=separator)
        out.writerow(layout.names)
        if not times and decimal == ".":
            out.writerows(rows)
            return
        for row in rows:
            row = row.copy()  # the same rows go on to the other writers
            for i in times:
                if row[i] is not None:
                    row[i] = row[i].isoformat()
            if decimal != ".":
                row = [str(x).replace(".", decimal) if isinstance(x, float) else x for x in row]
            out.writerow(row)


def _cell(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def write_long_csv(path: Path, columns: Iterable[str], batches: AsyncIterator[list[tuple]], on_batch=None) -> int:
    """A long file (one row per event or dial sample) from batches of rows; returns the rows written."""
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(list(columns))
        async for rows in batches:
            out.writerows([_cell(v) for v in row] for row in rows)
            written += len(rows)
            if on_batch is not None:
                on_batch(written)
    return written


def write_json(path: Path, layout: Layout, rows: list[list[Any]], language: str) -> None:
    """The variables (labels in ``language``, codes, missing codes) and one object per session."""
    codes = layout.codes
    doc = {
        "study": layout.study.id,
        "language": language,
        "exported_at": datetime.now(UTC).isoformat(),
        "missing_codes": {"screened_out": codes.screened_out, "not_shown": codes.not_shown, "sealed": codes.sealed, "special": dict(codes.specials)},
        "variables": [
            {
                "name": v.name,
                "type": v.kind,
                "label": v.label_in(language),
                "values": {str(code): label for code, label in v.value_labels_in(language).items()},
                "missing": list(v.missing) if v.kind == NUMERIC else [str(c) for c in v.missing],
                "sensitive": v.sensitive,
            }
            for v in layout.variables
        ],
        "sessions": [dict(zip(layout.names, map(_iso, row))) for row in rows],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)


def _frame(layout: Layout, rows: list[list[Any]]):
    """The rows as a pandas frame: numbers as floats (NaN for system-missing), text as str, times as naive UTC."""
    import numpy as np
    import pandas as pd

    data: dict[str, Any] = {}
    for i, v in enumerate(layout.variables):
        column = [row[i] for row in rows]
        if v.kind == NUMERIC:
            data[v.name] = np.array([np.nan if x is None else float(x) for x in column], dtype="float64")
        elif v.kind == DATETIME:
            data[v.name] = pd.to_datetime([None if x is None else x.astimezone(UTC).replace(tzinfo=None) for x in column]).astype("datetime64[us]")
        else:
            data[v.name] = pd.Series(["" if x is None else str(x) for x in column], dtype=object)
    return pd.DataFrame(data, columns=layout.names)


def write_sav(path: Path, layout: Layout, rows: list[list[Any]], language: str) -> None:
    import pyreadstat

    frame = _frame(layout, rows)
    labels, value_labels, missing, measure = {}, {}, {}, {}
    for v in layout.variables:
        labels[v.name] = v.label_in(language)
        measure[v.name] = v.level
        texts = v.value_labels_in(language)
        if v.kind == NUMERIC:
            if texts:
                value_labels[v.name] = {float(code): text for code, text in texts.items()}
            if v.missing:
                missing[v.name] = [{"lo": float(min(v.missing)), "hi": float(max(v.missing))}]
        elif v.kind == TEXT and v.missing:
            column = frame[v.name]
            if max((len(x.encode()) for x in column), default=0) <= 8:
                first = sorted(v.missing, key=lambda c: (c <= layout.codes.sealed, c))  # special answers before the study-wide codes
                missing[v.name] = [str(c) for c in first[:3]]
            else:
                frame[v.name], texts = _one_text_code(column, v, texts, layout, language)
                missing[v.name] = [str(layout.codes.not_shown)]
            value_labels[v.name] = {str(code): text for code, text in texts.items()}
    pyreadstat.write_sav(
        frame, str(path), file_label=_title(layout, language)[:64], column_labels=labels, variable_value_labels=value_labels,
        missing_ranges=missing, variable_measure=measure,
    )


def _one_text_code(column, v, texts: dict, layout: Layout, language: str):
    """A long text variable's study-wide codes written as one code, the one SPSS and GNU PSPP both read as missing.

    SPSS keeps the missing values of a text variable wider than 8 bytes in its own
    record, with one value length before the values; GNU PSPP up to 1.6 reads a length
    before every value, so it can only agree with SPSS on a single value. That value
    is the not-shown code, labelled with every reason it stands for; special answers
    keep their own labelled codes.
    """
    from ..words import word

    codes = layout.codes
    merged = {str(c) for c in (codes.screened_out, codes.sealed) if c in v.missing}
    if not merged:
        return column, texts
    one = str(codes.not_shown)
    reasons = [word(key, language) for key, code in (("not_shown", codes.not_shown), ("screened_out", codes.screened_out), ("sealed", codes.sealed)) if code in v.missing]
    kept = {code: text for code, text in texts.items() if str(code) not in merged}
    kept[one] = " / ".join(reasons)
    return column.where(~column.isin(merged), one), kept


def write_dta(path: Path, layout: Layout, rows: list[list[Any]], language: str) -> None:
    import pyreadstat

    frame = _frame(layout, rows)
    codes = layout.codes
    labels, value_labels, missing = {}, {}, {}
    for v in layout.variables:
        labels[v.name] = _cut(v.label_in(language), STATA_LABEL)
        if v.kind != NUMERIC:
            continue
        letters = {code: codes.stata_letter(code) for code in v.missing}
        if v.is_categorical:  # only categories carry value labels, so that pandas' convert_categoricals gives clean columns
            value_labels[v.name] = {letters.get(code, code): text for code, text in v.value_labels_in(language).items()}
        if letters:
            missing[v.name] = sorted(letters.values())
            column = frame[v.name]
            found = column.isin([float(c) for c in letters])
            if found.any():
                as_letters = column.astype(object)
                as_letters[found] = [letters[int(x)] for x in column[found]]
                frame[v.name] = as_letters
    pyreadstat.write_dta(
        frame, str(path), file_label=_cut(_title(layout, language), STATA_LABEL), column_labels=labels, variable_value_labels=value_labels, missing_user_values=missing,
    )


def _title(layout: Layout, language: str) -> str:
    from ..survey.study import text

    return text(layout.study.settings.title, language)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
