"""Confidence intervals shared by every capability."""

from __future__ import annotations

import math

__all__ = ["wilson"]


def wilson(k: float, n: int, z: float = 1.959964) -> list[float] | None:
    """Wilson's score interval for ``k`` successes in ``n`` trials (Wilson 1927); None for n=0."""
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [c - h, c + h]
