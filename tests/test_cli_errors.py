"""Bad study files: `file:line:col: message`, a non-zero exit, never a traceback."""

import re
import subprocess
import sys


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "preview_tui", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_yaml_syntax_error(demo_study):
    (demo_study / "surveys" / "reactions.yaml").write_text("id: reactions\npages: [\n  - id: x\n")
    for args in (["validate"], ["--study", "."]):
        out = run(*args, cwd=demo_study)
        assert out.returncode == 1
        assert "Traceback" not in out.stderr
        assert re.search(r"surveys/reactions\.yaml:\d+:\d+: YAML syntax error", out.stderr), out.stderr


def test_unknown_question_type(demo_study):
    p = demo_study / "surveys" / "reactions.yaml"
    p.write_text(p.read_text().replace("type: rating", "type: ratting"))
    line = next(i for i, text in enumerate(p.read_text().splitlines(), 1) if "type: ratting" in text)
    col = p.read_text().splitlines()[line - 1].index("ratting") + 1
    for args in (["validate"], ["--study", "."]):
        out = run(*args, cwd=demo_study)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert re.search(rf"surveys/reactions\.yaml:{line}:{col}: unknown type 'ratting' \(did you mean 'rating'\?\)", out.stderr), out.stderr


def test_validate_the_demo_study(demo_study):
    out = run("validate", cwd=demo_study)
    assert out.returncode == 0, out.stderr


def test_version():
    out = subprocess.run([sys.executable, "-m", "preview_tui", "--version"], capture_output=True, text=True)
    assert out.stdout.startswith("preview-tui ")


def test_two_studies_with_the_same_id_are_refused(demo_study):
    out = run("--study", ".", "--study", str(demo_study), cwd=demo_study)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "same study id (lighthouse_preview)" in out.stderr, out.stderr
