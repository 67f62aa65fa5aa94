"""Let go of the line caches of widgets that are gone.

Textual 8.2's ``StylesCache.get_inner_outer`` is an ``lru_cache`` on a method, so
it keeps up to 1,024 ``StylesCache`` objects (one per widget drawn) alive with
every line they cached, long after their widgets were removed
(https://github.com/Textualize/textual/issues/6665). A participant goes through
many pages of many widgets each, so the app's memory grew by about 40 MB over a
session of the 2,000-question study (``bench/memory.py``). The cache only saves
the pairing of two colours into two styles: clearing it costs a few look-ups.
"""

from __future__ import annotations


def release_style_caches() -> None:
    """Empty the cache that holds removed widgets' line caches (nothing happens on a Textual without it)."""
    try:
        from textual._styles_cache import StylesCache
    except ImportError:  # pragma: no cover - another Textual
        return
    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if clear is not None:
        clear()
