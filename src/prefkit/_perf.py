"""Small performance helpers for bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk job allocates many small objects.

    Reading 100k records allocates millions of dicts and strings that all stay alive, so every
    collection the allocator triggers walks them for nothing (it halves read throughput). Records
    hold no reference cycles, so nothing is leaked; collection resumes afterwards.
    Re-entrant: only the outermost use switches the collector.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
