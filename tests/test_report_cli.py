"""``preview-tui report`` as a researcher runs it: from a finished demo afternoon to a dial chart, in the terminal and in files."""

import asyncio
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from conftest import copy_demo
from preview_tui.survey.study import load_study
from report_helpers import demo_afternoon

COMMAND = str(Path(sys.executable).with_name("preview-tui"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    root = copy_demo(folder / "study")
    db = folder / "station.sqlite"
    people = asyncio.run(demo_afternoon(load_study(root), db))
    return {"root": root, "db": db, "people": people, "folder": folder}


def report(demo, *args):
    return subprocess.run([COMMAND, "report", "--study", str(demo["root"]), "--db", str(demo["db"]), *args], capture_output=True, text=True, timeout=120, cwd=demo["folder"])


def test_one_command_from_a_demo_afternoon_to_a_dial_chart(demo):
    out = report(demo, "--split-by", "age_band")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "TEST DATA" not in text
    assert "completed                            3" in text and "under_18" in text
    assert "How likely are you to recommend this film to a friend?" in text
    assert "NPS +0.0 (promoters 1, passives 1, detractors 1)" in text  # 10, 8 and 3
    assert "DIAL — split by: How old are you? [age_band]" in text
    assert "18 to 34 (n=2)" in text and "55 or older (n=1)" in text
    chart = text[text.index("Teaser trailer  [trailer]"):].splitlines()
    assert any("seconds of the clip" in line for line in chart)
    left = chart[2].index("┌")
    bottom = next(i for i, line in enumerate(chart) if "└" in line)
    plot = [line[left + 1:].rstrip().rstrip("│") for line in chart[5:bottom]]  # inside the frame, below the legend
    young = next(i for i, row in enumerate(plot) if any("\u2800" <= c <= "\u28ff" for c in row))  # braille: the first group
    older = next(i for i, row in enumerate(plot) if "•••" in row)
    assert young < older and older > len(plot) / 2  # dial about 65 for the 18-34s, 20 for the one aged 55+


def test_test_data_are_counted_only_when_asked_and_then_said(demo):
    out = report(demo, "--include-test")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("TEST DATA INCLUDED") for line in lines[:4]) and lines[-1].startswith("TEST DATA INCLUDED")
    assert "completed                            4" in out.stdout


def test_png_svg_and_html_files(demo, tmp_path):
    for name in ("r.png", "r.svg", "r.html"):
        out = report(demo, "--split-by", "age_band", "--out", str(tmp_path / name), *(["--include-test"] if name == "r.html" else []))
        assert out.returncode == 0, out.stderr
        assert f"written to {tmp_path / name}" in out.stdout
    png = (tmp_path / "r.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(tmp_path / "r.png") as image:
        assert image.size[0] == 1000 and image.size[1] > 2000  # one tall figure of every chart
    svg = ET.parse(tmp_path / "r.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    page = (tmp_path / "r.html").read_text()
    assert page.count('<p class="notice">TEST DATA INCLUDED') == 2
    assert "Teaser trailer" in page and "How old are you?" in page and "Numbers per bin" in page
    # Charted: the eight questions answered (age, gender, visits, genres, budget, rating, would watch, NPS) and the dial.
    assert page.count("<svg") == page.count("</svg>") == 9
    section = page[page.index('id="clip-trailer"'):]
    assert "<svg" in section and "18 to 34 (n=3)" in section  # the pilot (18 to 34) is counted here


def test_bad_input_is_one_line_and_a_non_zero_exit(demo, tmp_path):
    cases = [
        (("--split-by", "comments"), "cannot split by 'comments'"),
        (("--split-by", "age_bnd"), "no question 'age_bnd'"),
        (("--out", str(tmp_path / "r.pdf")), "must end in .html, .png or .svg"),
        (("--language", "es"), "no language 'es'"),
    ]
    for args, message in cases:
        out = report(demo, *args)
        assert out.returncode == 1 and message in out.stderr and len(out.stderr.splitlines()) == 1, (args, out.stderr)
    missing = subprocess.run([COMMAND, "report", "--study", str(demo["root"]), "--db", str(tmp_path / "none.sqlite")], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no station database at" in missing.stderr and "Traceback" not in missing.stderr
