"""Fast JSON for the hot paths (orjson), with the standard library as the fallback.

orjson refuses what JSON cannot hold exactly (integers beyond 64 bits, lone surrogates, NaN
keys...); those rare values go through :mod:`json`, so every value that the record validator
accepts can still be written. A given value always takes the same path, so hashes are stable.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["canonical", "dumps", "loads"]

_SORT = orjson.OPT_SORT_KEYS
_DecodeError = orjson.JSONDecodeError


def canonical(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes that content hashes are taken over."""
    try:
        return orjson.dumps(obj, option=_SORT)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")


def dumps(obj: Any) -> str:
    """Compact JSON text (one line; non-ASCII kept as is)."""
    try:
        return orjson.dumps(obj).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """Parse JSON text; raises ``ValueError`` (``json.JSONDecodeError``-compatible) on bad input."""
    try:
        return orjson.loads(text)
    except _DecodeError:
        return json.loads(text)  # the standard library's message and NaN/Infinity handling
