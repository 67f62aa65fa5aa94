"""Words or key hints packed into lines of a given width, in terminal cells."""

from __future__ import annotations

from rich.cells import cell_len


def pack(pieces: list[str], width: int, sep: str = " ") -> list[str]:
    """``pieces`` joined by ``sep`` in lines of at most ``width`` cells (a piece longer than that stands alone)."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if current and cell_len(candidate) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
