"""A clip whose every frame says which frame it is, and the reader for it.

To know which frame a player actually shows at a given moment, the picture
itself must carry its number: a player's time reports say where its clock is,
not what is on the screen. Each frame of a stamped clip has a band of large
black and white cells across its top that encodes the frame number in binary,
framed by a start and an end pattern and followed by a CRC-8, so that a frame
that was blurred, blended or cut is read as ``None`` and never as a wrong
number. Cells are a 32nd of the width tall and wide enough to survive H.264 at
a low bit rate and libVLC scaling the picture down to a small tap (160x120:
5 pixels a cell).

Frame ``n`` of a clip at ``fps`` frames per second is shown at media time
``n * 1000 / fps`` ms (:func:`stamp_ms`).

    from bench.stamped_clip import make_stamped_clip, read_stamp
    make_stamped_clip("/tmp/stamped.mp4", seconds=20)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

START = (1, 0)  # white, black: also gives the reader its white and black levels
END = (0, 1)
DATA_BITS = 20  # 2**20 frames: 11.6 hours at 25 fps
CRC_BITS = 8
CELLS = len(START) + DATA_BITS + CRC_BITS + len(END)  # 32
BAND = (0.06, 0.30)  # top and bottom of the band, as fractions of the height
SAMPLE_ROWS = (0.12, 0.18, 0.24)  # rows the reader looks at, inside the band
MIN_CONTRAST = 64  # white minus black, on 0..255, below which nothing is read
AMBIGUOUS = 0.25  # a cell this close to the threshold (fraction of contrast) is unreadable

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


def crc8(value: int, bits: int = DATA_BITS) -> int:
    """CRC-8 (polynomial 0x07) of the ``bits`` low bits of ``value``, MSB first."""
    crc = 0
    for i in range(bits - 1, -1, -1):
        bit = (value >> i) & 1
        top = (crc >> 7) & 1
        crc = (crc << 1) & 0xFF
        if top ^ bit:
            crc ^= 0x07
    return crc


def stamp_cells(n: int) -> list[int]:
    """The 32 cells (1 = white) that stamp frame ``n``."""
    if not 0 <= n < 1 << DATA_BITS:
        raise ValueError(f"frame number {n} does not fit in {DATA_BITS} bits")
    data = [(n >> i) & 1 for i in range(DATA_BITS - 1, -1, -1)]
    check = crc8(n)
    crc = [(check >> i) & 1 for i in range(CRC_BITS - 1, -1, -1)]
    return [*START, *data, *crc, *END]


def stamp_ms(n: int, fps: float) -> float:
    """Media time (ms) at which frame ``n`` is due."""
    return n * 1000.0 / fps


def _cell_span(k: int, width: int) -> tuple[int, int]:
    """Pixel columns [x0, x1) of cell ``k`` at ``width``."""
    return (k * width) // CELLS, ((k + 1) * width) // CELLS


def draw_stamp(image: Any, n: int) -> None:
    """Draw frame ``n``'s band on a PIL image (RGB) in place."""
    from PIL import ImageDraw

    w, h = image.size
    y0, y1 = int(BAND[0] * h), int(BAND[1] * h)
    d = ImageDraw.Draw(image)
    for k, cell in enumerate(stamp_cells(n)):
        x0, x1 = _cell_span(k, w)
        d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=WHITE if cell else BLACK)


def paint_frame(size: tuple[int, int], n: int, fps: float, frames: int) -> Any:
    """One stamped frame: the band, the number and time in print, and a moving bar.

    The bar keeps the encoder busy as real footage does (a still picture would
    cost no bits at all and test nothing); the printed number is for people.
    """
    from PIL import Image, ImageDraw, ImageFont

    w, h = size
    img = Image.new("RGB", size, (70, 74, 82))
    draw_stamp(img, n)
    d = ImageDraw.Draw(img)
    x = int((n % max(1, int(fps * 2))) / max(1, fps * 2) * w)
    d.rectangle((x, int(0.80 * h), x + w // 10, int(0.95 * h)), fill=(200, 160, 60))
    try:
        font = ImageFont.load_default(size=max(10, h // 8))
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    d.text((w // 20, int(0.40 * h)), f"#{n}  {n / fps:7.3f} s", fill=(235, 235, 235), font=font)
    d.text((w // 20, int(0.60 * h)), f"of {frames}", fill=(160, 160, 160), font=font)
    return img


def _write_clip():  # noqa: ANN202
    """The project's clip writer (tools/make_media.py; tools is not a package)."""
    name = "_preview_tui_make_media"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "make_media.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module.write_clip


def make_stamped_clip(
    path: str | Path,
    seconds: float = 4.0,
    fps: int = 25,
    size: tuple[int, int] = (320, 240),
    *,
    audio: bool = True,
    crf: int = 36,
    preset: str = "veryfast",
) -> Path:
    """Write an H.264 (yuv420p, main profile) MP4 whose frames carry their numbers.

    H.264 in MP4 is what every libVLC 3 build plays (Debian's vlc-plugin-base
    decodes it with avcodec). ``crf`` 36 is a low bit rate on purpose: the
    stamp must survive what a real clip's encoder does to sharp edges.
    ``audio`` adds an AAC tone, as real clips have one and libVLC's clock
    then follows the audio output. 20 s take about 2 s to write.
    """
    frames = max(1, round(seconds * fps))
    w, h = size

    def painter(sz: tuple[int, int], t: float, _total: float) -> Any:
        return paint_frame(sz, round(t * fps), fps, frames)

    return _write_clip()(path, frames / fps, w, h, fps, audio=audio, crf=crf, preset=preset, painter=painter)


def read_stamp(pixels: bytes | bytearray | memoryview, width: int, height: int, pitch: int, *, bpp: int = 4) -> int | None:
    """The frame number stamped on a packed RGB picture, or None if unreadable.

    ``pixels`` holds ``height`` rows of ``pitch`` bytes, ``bpp`` bytes a pixel
    (4 for libVLC's RV32, 3 for RV24); the channel order does not matter, as
    the stamp is black and white. The picture may be any size: the stamp's
    geometry is relative. Cheap enough (about 0.1 ms) to run in libVLC's
    display callback.
    """
    if width < CELLS * 2 or height < 8 or pitch < width * bpp or len(pixels) < pitch * height:
        return None
    buf = bytes(pixels) if not isinstance(pixels, bytes) else pixels
    rows = [min(height - 1, int(f * height)) * pitch for f in SAMPLE_ROWS]
    levels = []
    for k in range(CELLS):
        x0, x1 = _cell_span(k, width)
        inset = (x1 - x0) // 4  # the cell's middle half: edges ring after compression and scaling
        a, b = x0 + inset, max(x0 + inset + 1, x1 - inset)
        total = count = 0
        for row in rows:
            # Channel 1 (green in RV32/RV24) carries most of the luma.
            part = buf[row + a * bpp + 1 : row + b * bpp : bpp]
            total += sum(part)
            count += len(part)
        levels.append(total / count)
    white, black = levels[0], levels[1]
    contrast = white - black
    if contrast < MIN_CONTRAST or levels[-1] - levels[-2] < MIN_CONTRAST:
        return None
    threshold = (white + black) / 2
    margin = AMBIGUOUS * contrast
    bits = []
    for level in levels:
        if abs(level - threshold) < margin:
            return None
        bits.append(1 if level > threshold else 0)
    if tuple(bits[: len(START)]) != START or tuple(bits[-len(END) :]) != END:
        return None
    data = bits[len(START) : len(START) + DATA_BITS]
    check = bits[len(START) + DATA_BITS : len(START) + DATA_BITS + CRC_BITS]
    n = 0
    for bit in data:
        n = (n << 1) | bit
    crc = 0
    for bit in check:
        crc = (crc << 1) | bit
    return n if crc == crc8(n) else None


def synthetic_frame(n: int | None, width: int = 160, height: int = 120, *, bpp: int = 4, pitch: int | None = None) -> tuple[bytes, int]:
    """A packed picture with frame ``n`` stamped (None: a grey frame), and its pitch.

    Drawn straight into bytes, as libVLC's RV32/RV24 would hand it over.
    """
    pitch = pitch or width * bpp
    buf = bytearray([90]) * (pitch * height)
    if n is not None:
        cells = stamp_cells(n)
        for y in range(int(BAND[0] * height), int(BAND[1] * height)):
            for k, cell in enumerate(cells):
                x0, x1 = _cell_span(k, width)
                level = 255 if cell else 0
                buf[y * pitch + x0 * bpp : y * pitch + x1 * bpp] = bytes([level]) * ((x1 - x0) * bpp)
    return bytes(buf), pitch


if __name__ == "__main__":  # python bench/stamped_clip.py OUT.mp4 [SECONDS]
    out = make_stamped_clip(sys.argv[1] if len(sys.argv) > 1 else "stamped.mp4", float(sys.argv[2]) if len(sys.argv) > 2 else 4.0)
    print(out)
