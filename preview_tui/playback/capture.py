"""Recording a participant: one capture interface, and its implementation on FFmpeg's devices (PyAV).

A :class:`Capture` records one file at a time: ``start(path, video, max_seconds)``
returns at once, the recording runs on threads of its own and ends by itself after
``max_seconds`` of media time or at ``stop()``, which waits until the file is
complete. ``state`` says where it is.

:class:`AvCapture` opens its sources as FFmpeg input devices through PyAV (whose
wheel carries FFmpeg): a camera is ``v4l2`` (``/dev/video0``), a microphone
``pulse`` or ``alsa`` (``default``). A test source is the same thing with
another device: FFmpeg's ``lavfi`` with ``testsrc`` and ``sine``, paced to the
clock by ``realtime``/``arealtime`` as a real device is. Nothing else differs.

The file is Matroska (MPEG-4 video, AAC audio: FFmpeg's own encoders), written
to ``path`` while recording; callers record into a work folder and seal the
file once it is kept (``db/recordings.py``).
"""

from __future__ import annotations

import glob
import os
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal, Protocol

State = Literal["idle", "recording", "stopped", "failed"]


class CaptureUnavailable(Exception):
    """No camera or microphone (or no PyAV) on this station; the message says what is missing."""


class Capture(Protocol):
    state: State
    error: str  # why the last recording failed ("" otherwise)

    def start(self, path: Path, video: bool, max_seconds: float) -> None:
        """Start recording to ``path``; returns at once. Raises CaptureUnavailable when a source is missing."""

    def stop(self) -> float:
        """End the recording (if still running), wait until ``path`` is complete; the seconds recorded."""

    def elapsed(self) -> float:
        """Seconds recorded so far (media time)."""

    def running(self) -> bool:
        """Whether it is still recording (False once max_seconds ended it, before ``stop()``)."""


@dataclass(frozen=True)
class Source:
    """An FFmpeg input device: its ``url`` (``/dev/video0``, ``default``, a ``lavfi`` graph) and ``format``."""

    url: str
    format: str
    options: tuple[tuple[str, str], ...] = ()

    def open(self):
        import av

        try:
            return av.open(self.url, format=self.format, options=dict(self.options), timeout=5.0)
        except Exception as exc:  # noqa: BLE001 - FFmpeg's errors vary by device; the reason is shown
            raise CaptureUnavailable(f"cannot open {self.format} device {self.url}: {exc}") from None


@dataclass(frozen=True)
class Sources:
    camera: Source | None
    microphone: Source | None


def synthetic_sources(width: int = 320, height: int = 240, rate: int = 15) -> Sources:
    """FFmpeg's synthetic camera and microphone (``lavfi``), running in real time like devices."""
    return Sources(
        Source(f"testsrc=size={width}x{height}:rate={rate},realtime", "lavfi"),
        Source("sine=frequency=440:sample_rate=48000,arealtime", "lavfi"),
    )


def found_devices() -> Sources:
    """The station's first camera (``/dev/video*``) and its microphone (PulseAudio, else ALSA), or None each."""
    cameras = sorted(glob.glob("/dev/video*"))
    camera = Source(cameras[0], "v4l2") if cameras else None
    microphone = None
    if os.environ.get("PULSE_SERVER") or Path(f"/run/user/{os.getuid()}/pulse/native").exists():
        microphone = Source("default", "pulse")
    elif glob.glob("/dev/snd/pcmC*D*c"):  # an ALSA capture device
        microphone = Source("default", "alsa")
    return Sources(camera, microphone)


def doctor_lines(sources: Sources, *, needed: bool) -> list[tuple[bool, str]]:
    """What ``doctor`` says of the camera and the microphone; a missing one fails only when the study records."""
    import importlib.util

    if importlib.util.find_spec("av") is None:
        return [(not needed, "recording: PyAV is not installed (pip install av); recording questions are answered not available")]
    then = "; recording questions are answered not available" if needed else " (the study records nothing)"
    return [
        (True, f"camera: {sources.camera.url} ({sources.camera.format})") if sources.camera else (not needed, f"camera: none found (no /dev/video*){then}"),
        (True, f"microphone: {sources.microphone.url} ({sources.microphone.format})") if sources.microphone else (not needed, f"microphone: none found (no PulseAudio server, no ALSA capture device){then}"),
    ]


def _stream(container):
    return container.streams.video[0] if container.streams.video else container.streams.audio[0]


class AvCapture:
    """A :class:`Capture` on FFmpeg input devices, through PyAV."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.state: State = "idle"
        self.error = ""
        self._threads: list[threading.Thread] = []
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self._seconds = 0.0

    def start(self, path: Path, video: bool, max_seconds: float) -> None:
        if self.state == "recording":
            raise RuntimeError("already recording")
        missing = [what for what, source in (("camera", self.sources.camera if video else True), ("microphone", self.sources.microphone)) if source is None]
        if missing:
            raise CaptureUnavailable(f"no {' and no '.join(missing)} on this station")
        try:
            import av
        except ImportError:
            raise CaptureUnavailable("recording needs PyAV (pip install av)") from None
        inputs = [self.sources.microphone.open()]
        if video:
            try:
                inputs.insert(0, self.sources.camera.open())
            except CaptureUnavailable:
                inputs[0].close()
                raise
        self._out = av.open(str(path), "w", format="matroska")
        self._halt.clear()
        self._seconds, self.error = 0.0, ""
        self._limit = float(max_seconds)
        self.state = "recording"
        # Every stream is in the file before the first packet: Matroska writes its header with the first one.
        pairs = [(container, self._encoder(_stream(container))) for container in inputs]
        self._threads = [threading.Thread(target=self._pump, args=pair, name="capture", daemon=True) for pair in pairs]
        for thread in self._threads:
            thread.start()

    def _pump(self, container, encoder) -> None:
        """Decode one input and encode it into the file until the limit or ``stop()``."""
        try:
            source = _stream(container)
            first, count = None, 0
            for frame in container.decode(source):
                if self._halt.is_set():
                    break
                at = float(frame.time or 0.0)
                first = at if first is None else first
                if at - first >= self._limit:
                    break
                for out in self._prepared(encoder, frame, at - first, count):
                    count += out.samples if source.type == "audio" else 1
                    with self._lock:
                        self._out.mux(encoder.encode(out))
                        self._seconds = max(self._seconds, at - first)
            with self._lock:
                self._out.mux(encoder.encode(None))
        except Exception as exc:  # noqa: BLE001 - a device that fails mid-way: the reason is kept for the moderator
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._halt.set()  # one input ending ends the other: a file never has one stream longer than the other
            container.close()

    def _encoder(self, source):
        if source.type == "video":
            rate = int(round(source.average_rate or source.guessed_rate or 15))
            stream = self._out.add_stream("mpeg4", rate=rate)
            stream.width, stream.height = source.codec_context.width, source.codec_context.height
            stream.pix_fmt = "yuv420p"
            stream.bit_rate = 800_000
            stream.codec_context.time_base = Fraction(1, rate)  # unset until the encoder opens otherwise
            self._video_rate = rate
            return stream
        stream = self._out.add_stream("aac", rate=48000)
        stream.layout = "mono"
        import av

        self._resampler = av.AudioResampler(format="fltp", layout="mono", rate=48000, frame_size=1024)
        return stream

    def _prepared(self, encoder, frame, seconds: float, count: int):
        """The frames to encode for an input frame, with timestamps from the recording's start."""
        if encoder.type == "video":
            pts = int(round(seconds * self._video_rate))
            if count and pts <= getattr(self, "_last_pts", -1):
                return []
            self._last_pts = pts
            out = frame.reformat(width=encoder.width, height=encoder.height, format="yuv420p")
            out.pts, out.time_base = pts, Fraction(1, self._video_rate)
            return [out]
        frames = []
        for out in self._resampler.resample(frame):
            out.pts, out.time_base = count, Fraction(1, 48000)
            count += out.samples
            frames.append(out)
        return frames

    def elapsed(self) -> float:
        return self._seconds

    def running(self) -> bool:
        return self.state == "recording" and any(thread.is_alive() for thread in self._threads)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the recording has ended by itself (or was stopped); whether it has."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)

    def stop(self) -> float:
        if self.state != "recording":
            return self._seconds
        self._halt.set()
        self.wait()
        try:
            self._out.close()
        except Exception as exc:  # noqa: BLE001
            self.error = self.error or f"{type(exc).__name__}: {exc}"
        self.state = "failed" if self.error else "stopped"
        return self._seconds
