"""A response cache.

SQLite, keyed by model, sampling parameters and prompt, so re-running an eval or a best-of-N does
not generate again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefkit._cache import default_cache_dir
from prefkit._json import canonical, dumps, loads
from prefkit.models._base import (
    Completion,
    TextsFromCompletions,
    TokenLogprob,
    check_sampling,
)

__all__ = ["CachedGenerator", "ResponseCache"]


class ResponseCache:
    """``key -> list of completions`` in one SQLite file (WAL; safe across threads)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_dir() / "responses.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        self.hits = self.misses = 0

    @staticmethod
    def key(model: str, params: dict[str, Any], prompt: Any, n: int) -> str:
        blob = canonical({"model": model, "params": params, "prompt": prompt, "n": n})
        return hashlib.sha256(blob).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, list[Completion]]:
        found: dict[str, list[Completion]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                for k, v in self._db.execute(
                    f"SELECT key, value FROM responses WHERE key IN ({marks})", chunk
                ):
                    found[k] = [_completion(c) for c in loads(v)]
        return found

    def put_many(self, items: dict[str, list[Completion]]) -> None:
        rows = [(k, dumps([asdict(c) for c in v])) for k, v in items.items()]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO responses VALUES (?, ?)", rows)
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


def _completion(d: dict[str, Any]) -> Completion:
    lps = d.get("logprobs")
    return Completion(
        d["text"],
        d.get("finish_reason", "stop"),
        d.get("tokens", 0),
        None if lps is None else [TokenLogprob(**t) for t in lps],
    )


class CachedGenerator(TextsFromCompletions):
    """Any generator behind a ``ResponseCache``.

    Only prompts not seen with the same model and parameters reach the backend (in one batch).
    """

    def __init__(self, inner: Any, cache: ResponseCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name

    def __getattr__(self, attr: str) -> Any:  # logprobs(), render()... of the backend
        return getattr(self.inner, attr)

    def complete(
        self, prompts: Sequence[Any], n: int = 1, **sampling: Any
    ) -> list[list[Completion]]:
        params = check_sampling(sampling)
        keys = [self.cache.key(self.name, params, p, n) for p in prompts]
        found = self.cache.get_many(keys)
        todo = sorted({k: i for i, k in enumerate(keys) if k not in found}.values())
        self.cache.hits += len(prompts) - len(todo)
        self.cache.misses += len(todo)
        if todo:
            fresh = self.inner.complete([prompts[i] for i in todo], n, **sampling)
            new = {keys[i]: row for i, row in zip(todo, fresh, strict=True)}
            self.cache.put_many(new)
            found |= new
        return [found[k] for k in keys]
