"""probe_vlc, make_player and doctor_lines, including libVLC failure modes.

The failure modes run in subprocesses: a bad ``PYTHON_VLC_LIB_PATH`` makes
``import vlc`` call ``sys.exit``, and a loaded libVLC cannot be unloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from preview_tui.playback import PlayerUnavailable, doctor_lines, make_player, probe_vlc
from preview_tui.playback.libvlc import INSTALL_CMD
from preview_tui.playback.vlc_options import build_args

pytestmark = pytest.mark.real

ROOT = Path(__file__).resolve().parent.parent

# Runs in a child: probe, then make_player; prints one JSON line.
CHILD = textwrap.dedent(
    """
    import json, sys
    from preview_tui.playback import PlayerUnavailable, make_player, probe_vlc
    p = probe_vlc()
    out = {"ok": p.ok, "version": p.version, "reason": p.reason, "hint": p.hint}
    try:
        make_player(video="headless").close()
        out["make_player"] = "ok"
    except PlayerUnavailable as exc:
        out["make_player"] = "PlayerUnavailable: " + str(exc)
    print(json.dumps(out))
    """
)


def run_child(env_extra: dict[str, str]) -> tuple[dict, str]:
    env = dict(os.environ)
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, f"child failed ({proc.returncode}): {proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_probe_ok_here() -> None:
    probe = probe_vlc()
    assert probe.ok, f"libVLC must be installed for these tests (CI installs it): {probe.message()}"
    assert probe.version and probe.version.startswith("3."), probe
    assert probe.reason is None and probe.hint is None


def test_make_player_here() -> None:
    player = make_player(video="headless", volume=50)
    try:
        assert player.name == "vlc"
        assert player.position() == (None, None)
    finally:
        player.close()


def test_bogus_lib_path(tmp_path: Path) -> None:
    bogus = tmp_path / "libvlc.so.5"
    bogus.write_text("this is not a shared library\n")
    out, stderr = run_child({"PYTHON_VLC_LIB_PATH": str(bogus)})
    assert out["ok"] is False
    assert "PYTHON_VLC_LIB_PATH" in out["reason"] and str(bogus) in out["reason"], out
    assert INSTALL_CMD in out["hint"]
    assert out["make_player"].startswith("PlayerUnavailable: "), out
    assert INSTALL_CMD in out["make_player"] and out["reason"] in out["make_player"]
    assert stderr == "", f"the probe must not print: {stderr!r}"


def test_missing_lib_path(tmp_path: Path) -> None:
    out, stderr = run_child({"PYTHON_VLC_LIB_PATH": str(tmp_path / "nowhere.so")})
    assert out["ok"] is False and "PYTHON_VLC_LIB_PATH" in out["reason"]
    assert out["make_player"].startswith("PlayerUnavailable: ")
    assert stderr == ""


def _loaded_lib(fragment: str) -> Path | None:
    with open("/proc/self/maps") as maps:
        for line in maps:
            if fragment in line:
                return Path(line.split(None, 5)[-1].strip())
    return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and LD_LIBRARY_PATH")
def test_library_without_plugins(tmp_path: Path) -> None:
    """libVLC found but no plugins next to it: Instance() is None -> unavailable."""
    assert probe_vlc().ok  # loads libVLC into this process, so /proc/self/maps names it
    libvlc, core = _loaded_lib("libvlc.so"), _loaded_lib("libvlccore.so")
    assert libvlc and core, "libVLC should be loaded in this process"
    # /proc/self/maps names the real files (libvlc.so.5.6.1); copy them under
    # their sonames so that the dynamic linker picks the copies.
    sonames = {}
    for lib in (libvlc, core):
        m = re.match(r"(.+?\.so\.\d+)", lib.name)
        assert m, lib
        sonames[lib] = m.group(1)
        shutil.copy(lib, tmp_path / m.group(1))
    out, stderr = run_child(
        {
            "PYTHON_VLC_LIB_PATH": str(tmp_path / sonames[libvlc]),
            "LD_LIBRARY_PATH": str(tmp_path),
            "VLC_PLUGIN_PATH": "",
        }
    )
    assert out["ok"] is False, out
    assert out["version"] and "plugins" in out["reason"], out
    assert INSTALL_CMD in out["make_player"]
    assert stderr == ""


def test_package_import_does_not_load_vlc() -> None:
    code = (
        "import sys, preview_tui.playback as p; "
        "assert 'vlc' not in sys.modules, 'vlc imported'; "
        "assert 'preview_tui.playback.vlc_player' not in sys.modules, 'vlc_player imported'; "
        "assert p.FakePlayer and p.make_player and p.probe_vlc; "
        "p.VlcPlayer; assert 'vlc' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_doctor_lines() -> None:
    lines = doctor_lines({})
    assert all(isinstance(ok, bool) and isinstance(text, str) for ok, text in lines)
    assert lines[0][0] and "libVLC 3." in lines[0][1]
    assert any(ok and "plugins load" in text for ok, text in lines)
    display = [(ok, text) for ok, text in lines if "display" in text]
    assert display == [(True, display[0][1])] and "headless" in display[0][1]  # headless playback is fine with video: auto
    [(ok, text)] = [(ok, text) for ok, text in doctor_lines({}, video="window") if "display" in text]
    assert not ok and "playback.video: headless" in text
    with_display = doctor_lines({"DISPLAY": ":0"})
    assert any(ok and "play in a window" in text for ok, text in with_display)
    # a window needs a video output plugin; vlc-plugin-base has none
    assert any("video output" in text for _, text in with_display)


def test_build_args() -> None:
    headless = build_args("headless")
    assert {"--quiet", "--vout=dummy", "--aout=dummy"} <= set(headless)
    window = build_args("window")
    assert "--quiet" in window and not any(a.startswith(("--vout", "--aout")) for a in window)
    assert "--aout=dummy" in build_args("window", "dummy")
    assert "--aout=dummy" not in build_args("headless", "default")
    assert "--vout=dummy" in build_args("auto", environ={})
    assert "--vout=dummy" not in build_args("auto", environ={"WAYLAND_DISPLAY": "wayland-0"})
    with pytest.raises(ValueError):
        build_args("tv")
    with pytest.raises(PlayerUnavailable):
        raise PlayerUnavailable("type is importable from the package")
