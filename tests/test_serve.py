"""preview_tui.serve without a browser: the address pages name, the command line, the page, the import."""

import difflib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from preview_tui import serve

ROOT = Path(__file__).resolve().parents[1]


def test_the_address_is_built_from_host_and_port():
    assert serve.public_url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert serve.public_url_for("room.local", 80) == "http://room.local"
    assert serve.public_url_for("::1", 8000) == "http://[::1]:8000"  # an IPv6 literal in brackets


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_a_server_on_every_interface_needs_the_address_the_tablets_use(host):
    with pytest.raises(ValueError, match="public_url"):
        serve.public_url_for(host, 8000)
    assert serve.public_url_for(host, 8000, "http://192.168.1.20:8000/") == "http://192.168.1.20:8000"


def test_a_public_url_must_be_http():
    with pytest.raises(ValueError, match="http"):
        serve.public_url_for("0.0.0.0", 8000, "192.168.1.20:8000")


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"command": " "}, "no command"),
        ({"port": 0}, "port"),
        ({"exit_grace": 0}, "exit_grace"),
        ({"host": "0.0.0.0"}, "public_url"),
    ],
)
def test_serve_refuses_what_cannot_work_before_it_starts(kwargs, problem):
    args = {"command": "true", "host": "127.0.0.1", "port": 8000, "title": "t", **kwargs}
    with pytest.raises(ValueError, match=problem):
        serve.serve(args.pop("command"), **args)


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--port", "8000"], "give the command to serve after --"),
        (["--host", "0.0.0.0", "--", "preview-tui"], "public_url"),
    ],
)
def test_the_command_line_says_what_is_wrong(argv, problem, capsys):
    with pytest.raises(SystemExit) as exit_info:
        serve.main(argv)
    assert exit_info.value.code == 2
    assert problem in capsys.readouterr().err


def test_the_page_is_textual_serves_without_the_google_fonts_stylesheet(tmp_path):
    import textual_serve

    original = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text()
    assert serve._offline_page(tmp_path) == tmp_path
    page = (tmp_path / "app_index.html").read_text()
    assert "fonts.googleapis.com" in original
    assert "fonts.googleapis.com" not in page
    assert not re.search(r'(href|src)="https?:', page)  # everything else comes from the server ({{ config.static.url }})
    diff = list(difflib.ndiff(original.splitlines(), page.splitlines()))
    assert not [line for line in diff if line.startswith("+ ")]
    removed = [line[2:].strip() for line in diff if line.startswith("- ")]
    assert removed == ["<link", 'rel="stylesheet"', 'href="https://fonts.googleapis.com/css?family=Roboto%20Mono"', "/>"]

def test_importing_the_module_imports_neither_textual_nor_textual_serve():
    code = "import sys, preview_tui.serve; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_serve', 'aiohttp')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
