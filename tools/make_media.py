"""Generate the demo media for the demo study "The Lighthouse Keeper".

Run with the project's venv (needs Pillow and PyAV: ``.venv/bin/pip install -e '.[media]'``;
``./dev test`` installs both)::

    .venv/bin/python tools/make_media.py            # writes media/
    .venv/bin/python tools/make_media.py --out DIR

It writes three storyboard frames (``board-1.png`` .. ``board-3.png``,
480x270) and a trailer (``trailer.mp4``: 8 s, 320x180, 24 fps, H.264 +
AAC mono, ``+faststart``), all drawn from simple shapes, about 150 KB in all.

The clip writer is reusable: ``write_clip(path, seconds, width, height, fps)``
writes a clip of any length; the test suite loads it through
``tests/media_helpers.py`` and the benchmarks can make a 3-minute one.

H.264 (yuv420p, main profile) in MP4 with AAC audio is what every libVLC build
decodes: Debian's ``vlc-plugin-base`` decodes it with its avcodec plugin.
"""

from __future__ import annotations

import argparse
import math
import random
import struct
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
MEDIA_DIR = ROOT / "media"

Color = tuple[int, int, int]

SEA = (24, 58, 92)
ROCK = (58, 52, 48)
WHITE = (240, 240, 236)
RED = (196, 40, 40)
LAMP = (255, 226, 120)


# --------------------------------------------------------------------------
# drawing helpers (all coordinates scale with the image size)
# --------------------------------------------------------------------------


def _gradient(size: tuple[int, int], top: Color, bottom: Color, horizon: float) -> Image.Image:
    """A sky gradient down to ``horizon`` (fraction of the height), sea below."""
    w, h = size
    img = Image.new("RGB", size, SEA)
    d = ImageDraw.Draw(img)
    hy = int(h * horizon)
    # Bands of 6 px keep PNGs and video small and look fine at this size.
    band = max(2, h // 45)
    for y in range(0, hy, band):
        f = y / max(1, hy - 1)
        c = tuple(int(a + (b - a) * f) for a, b in zip(top, bottom, strict=True))
        d.rectangle([0, y, w, min(hy, y + band)], fill=c)
    return img


def _lighthouse(d: ImageDraw.ImageDraw, w: int, h: int, lamp_on: bool, x0: float = 0.78) -> tuple[int, int]:
    """Rocks, tower with red stripes, gallery and lamp room; returns the lamp centre."""
    base_y = int(h * 0.74)
    cx = int(w * x0)
    # rocks
    d.polygon(
        [
            (cx - w * 0.16, h * 0.80),
            (cx - w * 0.10, base_y - h * 0.02),
            (cx + w * 0.02, base_y - h * 0.04),
            (cx + w * 0.12, base_y),
            (cx + w * 0.20, h * 0.80),
        ],
        fill=ROCK,
    )
    top_y = int(h * 0.30)
    bw, tw = w * 0.045, w * 0.030  # half widths at the base and the top
    d.polygon([(cx - bw, base_y), (cx - tw, top_y), (cx + tw, top_y), (cx + bw, base_y)], fill=WHITE)
    # red stripes
    for k in (0.2, 0.55):
        y1 = base_y - (base_y - top_y) * k
        y2 = y1 - (base_y - top_y) * 0.15
        f1, f2 = k, k + 0.15
        x1 = bw + (tw - bw) * f1
        x2 = bw + (tw - bw) * f2
        d.polygon([(cx - x1, y1), (cx - x2, y2), (cx + x2, y2), (cx + x1, y1)], fill=RED)
    # gallery, lamp room, roof
    gy = top_y
    d.rectangle([cx - tw * 1.5, gy - h * 0.012, cx + tw * 1.5, gy], fill=(30, 30, 30))
    lamp_top = gy - h * 0.07
    d.rectangle(
        [cx - tw * 0.9, lamp_top, cx + tw * 0.9, gy - h * 0.012],
        fill=LAMP if lamp_on else (90, 90, 80),
    )
    d.polygon([(cx - tw * 1.2, lamp_top), (cx, lamp_top - h * 0.05), (cx + tw * 1.2, lamp_top)], fill=RED)
    return cx, int((lamp_top + gy) / 2)


def _beam(img: Image.Image, origin: tuple[int, int], angle: float, length: float) -> None:
    """A translucent wedge of light from ``origin`` at ``angle`` (radians)."""
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    ox, oy = origin
    spread = 0.10
    p1 = (ox + length * math.cos(angle - spread), oy + length * math.sin(angle - spread))
    p2 = (ox + length * math.cos(angle + spread), oy + length * math.sin(angle + spread))
    d.polygon([origin, p1, p2], fill=LAMP + (90,))
    img.paste(overlay, (0, 0), overlay)


def _boat(d: ImageDraw.ImageDraw, x: float, y: float, scale: float, tilt: float = 0.0) -> None:
    """A small sailing boat with its waterline at (x, y)."""

    def rot(px: float, py: float) -> tuple[float, float]:
        c, s = math.cos(tilt), math.sin(tilt)
        return (x + px * c - py * s, y + px * s + py * c)

    hull = [(-22, -6), (22, -6), (15, 4), (-15, 4)]
    d.polygon([rot(px * scale, py * scale) for px, py in hull], fill=(110, 60, 30))
    d.line([rot(0, -6 * scale), rot(0, -40 * scale)], fill=(60, 40, 20), width=max(1, int(2 * scale)))
    sail = [(2, -38), (2, -9), (20, -9)]
    d.polygon([rot(px * scale, py * scale) for px, py in sail], fill=(236, 228, 204))
    jib = [(-2, -34), (-2, -9), (-14, -9)]
    d.polygon([rot(px * scale, py * scale) for px, py in jib], fill=(214, 206, 184))


def _waves(
    d: ImageDraw.ImageDraw, w: int, h: int, phase: float, amp: float, color: Color, rows: int = 4
) -> None:
    horizon = h * 0.62
    for r in range(rows):
        y0 = horizon + (h - horizon) * (r + 0.5) / rows
        step = max(8, w // 16)
        pts = []
        for x in range(-step, w + step, step // 2):
            pts.append((x, y0 + amp * (1 + r * 0.4) * math.sin(x / step * 1.7 + phase + r)))
        d.line(pts, fill=color, width=max(1, h // 120))


# --------------------------------------------------------------------------
# scenes
# --------------------------------------------------------------------------


def dusk(size: tuple[int, int], t: float = 0.0) -> Image.Image:
    """Sunset over a calm sea; the boat sails in from the left."""
    w, h = size
    img = _gradient(size, (250, 160, 90), (120, 70, 140), 0.62).copy()
    d = ImageDraw.Draw(img)
    r = h * 0.09
    sy = h * 0.42 + t * h * 0.04  # the sun sinks
    d.ellipse([w * 0.30 - r, sy - r, w * 0.30 + r, sy + r], fill=(255, 214, 120))
    d.rectangle([0, int(h * 0.62), w, h], fill=SEA)  # the sea hides the lower sun
    _waves(d, w, h, t * 2.0, h * 0.006, (60, 100, 140))
    _lighthouse(d, w, h, lamp_on=False)
    _boat(d, w * (0.08 + 0.06 * t), h * 0.72, h / 180)
    return img


def night(size: tuple[int, int], t: float = 0.0) -> Image.Image:
    """Night, stars and moon; the lamp is lit and its beam sweeps the sea."""
    w, h = size
    img = _gradient(size, (8, 12, 40), (30, 40, 90), 0.62).copy()
    d = ImageDraw.Draw(img)
    rnd = random.Random(7)
    for _ in range(40):
        x, y = rnd.random() * w, rnd.random() * h * 0.5
        d.point((x, y), fill=(230, 230, 255))
    r = h * 0.06
    d.ellipse([w * 0.15 - r, h * 0.12 - r, w * 0.15 + r, h * 0.12 + r], fill=(236, 236, 210))
    d.rectangle([0, int(h * 0.62), w, h], fill=(10, 26, 50))
    _waves(d, w, h, t * 2.5, h * 0.008, (34, 60, 96))
    lamp = _lighthouse(d, w, h, lamp_on=True)
    _boat(d, w * (0.35 + 0.05 * t), h * 0.76, h / 180)
    _beam(img, lamp, math.pi + 0.25 - 0.35 * math.sin(t * 1.6), w * 0.9)
    return img


def storm(size: tuple[int, int], t: float = 0.0, bolt: bool = False) -> Image.Image:
    """A storm: lightning, rain, high waves, the boat heeling."""
    w, h = size
    flash = (int(t * 24) % 29) in (3, 4, 17)
    top = (150, 150, 170) if flash else (40, 44, 52)
    img = _gradient(size, top, (70, 76, 84), 0.58).copy()
    d = ImageDraw.Draw(img)
    d.rectangle([0, int(h * 0.58), w, h], fill=(30, 44, 56))
    _waves(d, w, h, t * 5.0, h * 0.03, (120, 140, 150), rows=5)
    lamp = _lighthouse(d, w, h, lamp_on=True)
    if flash or bolt:
        bolt = [(w * 0.45, 0), (w * 0.41, h * 0.18), (w * 0.47, h * 0.2), (w * 0.40, h * 0.45)]
        d.line(bolt, fill=(255, 255, 220), width=max(2, h // 90))
    tilt = 0.25 * math.sin(t * 3.0)
    _boat(d, w * 0.40, h * 0.74 + h * 0.02 * math.sin(t * 4), h / 180, tilt)
    rnd = random.Random(int(t * 24))
    for _ in range(60):
        x, y = rnd.random() * w, rnd.random() * h
        d.line([(x, y), (x - w * 0.015, y + h * 0.05)], fill=(170, 180, 200), width=1)
    _beam(img, lamp, math.pi + 0.1 - 0.5 * math.sin(t * 2.2), w * 0.9)
    return img


def trailer_frame(size: tuple[int, int], t: float, seconds: float) -> Image.Image:
    """The trailer: dusk, night, storm in equal thirds, title over the last second."""
    third = seconds / 3
    if t < third:
        img = dusk(size, t)
    elif t < 2 * third:
        img = night(size, t - third)
    else:
        img = storm(size, t - 2 * third)
    if seconds - t <= 1.2:  # the end card: the lamp alone in the dark (no words: one clip for every language)
        w, h = size
        img = Image.new("RGB", size, (0, 0, 0))
        d = ImageDraw.Draw(img)
        r = h * 0.06
        d.ellipse([w / 2 - r, h / 2 - r, w / 2 + r, h / 2 + r], fill=LAMP)
        _beam(img, (int(w / 2), int(h / 2)), math.pi * (1 + (seconds - t) / 1.2), w * 0.6)
    return img


# --------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------


def write_board(path: Path, scene: str, size: tuple[int, int] = (480, 270)) -> Path:
    """One storyboard frame as a small palette PNG.

    No words are drawn into a picture: its caption is study text, shown in the
    participant's language under the frame (and an image choice's label likewise).
    """
    if scene == "storm":
        img = storm(size, 0.6, bolt=True)
    else:
        img = {"dusk": dusk, "night": night}[scene](size, 0.6)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    return path


def _tone_frames(stream, seconds: float, tone_hz: float, rate: int):  # noqa: ANN001
    """Float-planar mono frames of a soft tone: a slow arpeggio with fades.

    Each note lasts 0.5 s and its frequency is a multiple of 2 Hz, so every
    note holds whole cycles and starts at phase 0: one 2 s pattern, computed
    once, tiles without clicks, and long clips cost little.
    """
    import av

    step = 2.0
    notes = [round(tone_hz * r / step) * step for r in (1.0, 1.189, 1.498, 2.0)]
    seg = int(rate * 0.5)
    pattern = [0.25 * math.sin(2 * math.pi * f * i / rate) for f in notes for i in range(seg)]
    total = int(seconds * rate)
    frame_size = stream.codec_context.frame_size or 1024
    fade = max(1, int(0.05 * rate))
    pts = 0
    while pts < total:
        n = min(frame_size, total - pts)
        samples = [pattern[i % len(pattern)] for i in range(pts, pts + n)]
        if pts < fade or pts + n > total - fade:
            samples = [v * min(1.0, i / fade, (total - 1 - i) / fade) for i, v in enumerate(samples, pts)]
        samples.extend([0.0] * (frame_size - n))
        frame = av.AudioFrame(format="fltp", layout="mono", samples=frame_size)
        frame.planes[0].update(struct.pack(f"<{frame_size}f", *samples))
        frame.sample_rate = rate
        frame.pts = pts
        frame.time_base = Fraction(1, rate)
        yield frame
        pts += n


def write_clip(
    path: str | Path,
    seconds: float = 2.0,
    width: int = 320,
    height: int = 180,
    fps: int = 24,
    *,
    audio: bool = True,
    tone_hz: float = 220.0,
    crf: int = 30,
    preset: str = "medium",
    faststart: bool = True,
    painter: Callable[[tuple[int, int], float, float], Image.Image] | None = None,
) -> Path:
    """Write an H.264/AAC MP4 clip of ``seconds`` seconds and return its path.

    ``painter(size, t, seconds)`` draws the frame at time ``t``; the default is
    the lighthouse trailer scene. ``faststart`` puts the index (moov) first, as
    web-ready files do; without it the index is written at the end.
    ``crf`` and ``preset`` are libx264's (quality, and speed against size).
    Any length works: 2 s at 160x90 for tests (about 0.2 s to write); 180 s at
    320x180 takes about 15 s with the default preset, 8 s with "veryfast".
    """
    import av
    from av.video.reformatter import VideoReformatter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if width % 2 or height % 2:
        raise ValueError("width and height must be even for yuv420p")
    paint = painter or trailer_frame
    n_frames = max(1, round(seconds * fps))
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        v = out.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = width, height, "yuv420p"
        v.codec_context.time_base = Fraction(1, fps)
        v.codec_context.gop_size = fps * 2
        v.codec_context.options = {"crf": str(crf), "preset": preset, "profile": "main", "tune": "animation"}
        v.codec_context.thread_count = 1  # byte-identical output from run to run; fast enough here
        a = None
        if audio:
            rate = 44100
            a = out.add_stream("aac", rate=rate, layout="mono")
            a.codec_context.bit_rate = 32_000
        to_yuv = VideoReformatter()  # one for the clip: a new one per frame is 10x slower
        for i in range(n_frames):
            img = paint((width, height), i / fps, n_frames / fps)
            frame = to_yuv.reformat(av.VideoFrame.from_image(img), format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
        if a is not None:
            for frame in _tone_frames(a, n_frames / fps, tone_hz, 44100):
                out.mux(a.encode(frame))
            out.mux(a.encode(None))
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=MEDIA_DIR, help="output folder (default: media/)")
    p.add_argument("--seconds", type=float, default=8.0, help="trailer length (default 8)")
    args = p.parse_args(argv)
    try:
        import av  # noqa: F401
    except ImportError:
        print("make_media: PyAV is missing; install it with: .venv/bin/pip install -e '.[media]'", file=sys.stderr)
        return 1
    out: Path = args.out
    boards = [("board-1.png", "dusk"), ("board-2.png", "night"), ("board-3.png", "storm")]
    written = [write_board(out / name, scene) for name, scene in boards]
    written.append(write_clip(out / "trailer.mp4", args.seconds, 320, 180, 24))
    total = 0
    for f in written:
        size = f.stat().st_size
        total += size
        print(f"{f}  {size / 1024:.1f} KiB")
    print(f"total  {total / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
