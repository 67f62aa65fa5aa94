"""Where a study's media files are: inside its ``media/`` folder, and nowhere else.

A media name in a study file (a storyboard frame, a clip, an image-choice picture) is
resolved here, with every symbolic link followed, both when the study is loaded and each
time the app opens the file. A name that is absolute, climbs out with ``..`` or passes
through a link to somewhere outside the folder is refused, so that no study can make the
station show or play a file that is not part of it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath


class MediaPathError(ValueError):
    """A media name that does not stay inside the study's ``media/`` folder."""


def media_path(root: Path, name: str) -> Path:
    """The file ``name`` stands for in ``root/media``, symlinks resolved; MediaPathError when it lies outside."""
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise MediaPathError("a media file needs a name (a file inside the study's media/ folder)")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        raise MediaPathError(f"media path '{name}' is absolute: name a file inside the study's media/ folder")
    if os.path.normpath(name).split(os.sep)[0] == os.pardir:
        raise MediaPathError(f"media path '{name}' leads out of the study's media/ folder")
    try:
        folder = (Path(root) / "media").resolve()
        target = (folder / name).resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        raise MediaPathError(f"media path '{name}' cannot be followed (a loop of links?)") from None
    if target == folder or not target.is_relative_to(folder):
        raise MediaPathError(f"media/{name} is a link to a file outside the study's media/ folder")
    return target
