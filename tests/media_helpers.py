"""Generated media for tests and benchmarks.

``write_clip`` is the one in ``tools/make_media.py`` (loaded from the file, as
``tools`` is not a package): an H.264/AAC MP4 of any length, e.g.
``write_clip(tmp_path / "c.mp4", 2.0)`` for a test or 180 s for a benchmark.
The other helpers make the broken files the player must reject.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TOOL = ROOT / "tools" / "make_media.py"


def _load_tool():  # noqa: ANN202
    name = "_preview_tui_make_media"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _TOOL)
    assert spec is not None and spec.loader is not None, f"cannot load {_TOOL}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


make_media = _load_tool()
write_clip = make_media.write_clip


def write_small_clip(path: Path, seconds: float = 2.0, **kwargs: object) -> Path:
    """A clip at 160x90, 12 fps: plays like any other and is quick to write."""
    kwargs.setdefault("width", 160)
    kwargs.setdefault("height", 90)
    kwargs.setdefault("fps", 12)
    return write_clip(path, seconds, **kwargs)


def write_random(path: Path, size: int = 64 * 1024, seed: int = 1) -> Path:
    """Random bytes under a video name."""
    import random

    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def write_truncated(path: Path, source: Path, fraction: float = 0.5) -> Path:
    """The first ``fraction`` of ``source``, as an interrupted copy leaves it."""
    data = source.read_bytes()
    path.write_bytes(data[: max(1, int(len(data) * fraction))])
    return path


def write_text(path: Path) -> Path:
    path.write_text("not a video\n" * 100)
    return path


__all__ = ["write_clip", "write_small_clip", "write_random", "write_truncated", "write_text", "make_media"]

if __name__ == "__main__":  # e.g. python tests/media_helpers.py /tmp/bench.mp4 180
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.getcwd()) / "clip.mp4"
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    print(write_clip(out, secs))
