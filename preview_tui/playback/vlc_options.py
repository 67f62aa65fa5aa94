"""The libVLC instance's options for a station's settings (no libVLC needed to work them out)."""

from __future__ import annotations

from typing import Literal

from .libvlc import has_display

VideoMode = Literal["auto", "window", "headless"]
AudioMode = Literal["auto", "default", "dummy"]


def resolve_video(video: str, environ: dict[str, str] | None = None) -> Literal["window", "headless"]:
    """Turn ``auto`` into ``window`` or ``headless``."""
    if video == "auto":
        return "window" if has_display(environ) else "headless"
    if video in ("window", "headless"):
        return video  # type: ignore[return-value]
    raise ValueError(f"video must be 'auto', 'window' or 'headless', not {video!r}")


def resolve_audio(audio: str, headless: bool) -> Literal["default", "dummy"]:
    """Turn ``auto`` into ``dummy`` (headless) or ``default``."""
    if audio == "auto":
        return "dummy" if headless else "default"
    if audio in ("default", "dummy"):
        return audio  # type: ignore[return-value]
    raise ValueError(f"audio must be 'auto', 'default' or 'dummy', not {audio!r}")


def build_args(
    video: str = "auto",
    audio: str = "auto",
    *,
    hw_decoding: bool = False,
    environ: dict[str, str] | None = None,
) -> list[str]:
    """The libVLC instance options for these settings (no libVLC needed)."""
    mode = resolve_video(video, environ)
    headless = mode == "headless"
    args = [
        "--quiet",  # no console logger: libVLC must never write on the terminal
        "--no-video-title-show",  # no file name drawn over the clip
        "--no-xlib",  # libVLC is not the process's main program: no Xlib (XInitThreads)
        "--no-stats",
        "--no-snapshot-preview",
    ]
    if headless:
        args.append("--vout=dummy")
    if resolve_audio(audio, headless) == "dummy":
        args.append("--aout=dummy")
    if not hw_decoding:
        # Hardware decoders probe VA-API/VDPAU, whose libraries may print on stderr.
        args.append("--avcodec-hw=none")
    return args
