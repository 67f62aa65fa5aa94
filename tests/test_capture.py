"""The capture interface on FFmpeg's devices: the synthetic camera and microphone go through the same code as real ones."""

import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from preview_tui.playback.capture import AvCapture, CaptureUnavailable, Source, Sources, found_devices, synthetic_sources
from preview_tui.seal import generate
from studies import config, page, q, write_study


def probe(path: Path) -> dict:
    with av.open(str(path)) as media:
        streams = {s.type: s.codec_context.name for s in media.streams}
        frames = sum(1 for _ in media.decode(video=0)) if "video" in streams else 0
        return {"streams": streams, "seconds": media.duration / 1e6 if media.duration else 0.0, "frames": frames}


def test_a_synthetic_recording_stops_by_itself_at_max_seconds(tmp_path):
    capture = AvCapture(synthetic_sources())
    out = tmp_path / "take.mkv"
    started = time.monotonic()
    capture.start(out, True, 2)
    assert capture.state == "recording"
    assert capture.wait(timeout=60)
    seconds = capture.stop()
    took = time.monotonic() - started
    assert capture.state == "stopped", capture.error
    assert 1.5 <= seconds <= 2.0
    assert took >= 1.5  # paced like a device, not generated at once
    found = probe(out)
    assert found["streams"] == {"video": "mpeg4", "audio": "aac"}
    assert 1.5 <= found["seconds"] <= 2.5
    assert found["frames"] >= 20  # 15 frames a second


def test_stop_ends_a_recording_early_and_voice_only_has_no_video(tmp_path):
    capture = AvCapture(synthetic_sources())
    out = tmp_path / "voice.mka"
    capture.start(out, False, 60)
    deadline = time.monotonic() + 30
    while capture.elapsed() < 0.5 and time.monotonic() < deadline:
        time.sleep(0.05)
    seconds = capture.stop()
    assert capture.state == "stopped", capture.error
    assert 0.4 <= seconds < 10
    found = probe(out)
    assert found["streams"] == {"audio": "aac"}
    assert 0.3 <= found["seconds"] < 10


def test_missing_devices_are_said_before_anything_is_written(tmp_path):
    no_camera = AvCapture(Sources(None, synthetic_sources().microphone))
    with pytest.raises(CaptureUnavailable, match="no camera"):
        no_camera.start(tmp_path / "a.mkv", True, 5)
    assert not (tmp_path / "a.mkv").exists() and no_camera.state == "idle"
    nothing = AvCapture(Sources(None, None))
    with pytest.raises(CaptureUnavailable, match="no camera and no microphone"):
        nothing.start(tmp_path / "b.mkv", True, 5)
    broken = AvCapture(Sources(Source(str(tmp_path / "video99"), "v4l2"), synthetic_sources().microphone))
    with pytest.raises(CaptureUnavailable, match="cannot open v4l2 device"):
        broken.start(tmp_path / "c.mkv", True, 5)
    assert broken.state == "idle" and not (tmp_path / "c.mkv").exists()


def test_doctor_says_which_camera_and_microphone_it_found(tmp_path):
    consent = {"version": "1", "text": "ok?", "categories": config()["study"]["consent"]["categories"] + ["audio_visual"]}
    root = write_study(tmp_path / "s", [page("p1", q("say", "recording", video=True, max_seconds=5))], consent=consent, sealing={"public_key": generate()[0]})
    done = subprocess.run([sys.executable, "-m", "preview_tui", "doctor", "--study", str(root), "--database", str(tmp_path / "st.db")], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    camera = next(line for line in lines if "camera:" in line)
    microphone = next(line for line in lines if "microphone:" in line)
    devices = found_devices()
    assert camera.startswith("ok ") == (devices.camera is not None), camera
    assert microphone.startswith("ok ") == (devices.microphone is not None), microphone
    if devices.camera is None:
        assert "none found" in camera and "not available" in camera and done.returncode == 1


@pytest.mark.real
def test_a_take_plays_back_on_the_stations_libvlc_player(tmp_path):
    """What the participant plays back before keeping it is played by the same libVLC player as the clips."""
    from test_playback_vlc import TERMINAL, Recorder

    from preview_tui.playback import probe_vlc
    from preview_tui.playback.vlc_player import VlcPlayer

    probe = probe_vlc()
    assert probe.ok, f"libVLC is required (CI installs it): {probe.message()}"
    capture = AvCapture(synthetic_sources())
    take = tmp_path / "take.mkv"
    capture.start(take, True, 2)
    assert capture.wait(timeout=60)
    capture.stop()
    player = VlcPlayer(video="headless", log_file=tmp_path / "vlc.log", start_timeout=10.0)
    try:
        rec = Recorder()
        player.play(take, rec)
        last = rec.wait_kind(*TERMINAL, timeout=30)
    finally:
        player.close()
    assert last.kind == "ended", rec.summary()
    assert "playing" in rec.kinds()
    lengths = [e.length_ms for e in rec.events if e.length_ms]
    assert lengths and 1500 <= max(lengths) <= 2600, rec.summary()
