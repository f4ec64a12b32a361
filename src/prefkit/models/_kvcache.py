"""The one place prefkit subclasses a transformers internal.

A KV cache whose layers are preallocated buffers (``transformers.cache_utils.DynamicLayer``; no
public cache can be filled chunk by chunk, right-aligned, and then handed to ``generate``).

If a transformers upgrade changes ``DynamicLayer`` (``lazy_initialization``, ``is_initialized``,
``keys``/``values``) or ``Cache(layers=...)``, ``LocalGenerator`` falls back to plain
``generate`` and ``tests/models/test_generators.py::test_batched_greedy_equals_one_at_a_time``
and ``test_kv_cache_internals`` fail, naming this module.
"""

from __future__ import annotations

from typing import Any

__all__ = ["kv_cache"]


def kv_cache(layers: int, capacity: int) -> Any:
    """A transformers cache whose layers are buffers allocated once.

    A transformers cache whose layers keep keys and values in buffers of ``capacity``
    positions, allocated once: ``update`` writes in place and returns views.
    """
    import torch
    from transformers.cache_utils import Cache, DynamicCache, DynamicLayer

    class Layer(DynamicLayer):
        n = 0

        def _allocate(self, like: Any, rows: int) -> None:
            super().lazy_initialization(like, like)
            shape = (rows, like.shape[1], capacity, like.shape[-1])
            self.kbuf = torch.zeros(shape, dtype=like.dtype, device=like.device)
            self.vbuf = torch.zeros(shape, dtype=like.dtype, device=like.device)

        def _view(self) -> None:
            self.keys, self.values = self.kbuf[:, :, : self.n], self.vbuf[:, :, : self.n]

        def lazy_initialization(self, key_states: Any, value_states: Any) -> None:
            self._allocate(key_states, key_states.shape[0])

        def update(self, key_states: Any, value_states: Any, *a: Any, **kw: Any) -> Any:
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            end = self.n + key_states.shape[-2]
            self.kbuf[:, :, self.n : end] = key_states
            self.vbuf[:, :, self.n : end] = value_states
            self.n = end
            self._view()
            return self.keys, self.values

        def place(self, keys: Any, values: Any, row: int, rows: int, end: int) -> None:
            """Copy a chunk's cache into rows ``row``… of this one, right-aligned at ``end``."""
            if not self.is_initialized:
                self._allocate(keys, rows)
            span = keys.shape[-2]
            self.kbuf[row : row + len(keys), :, end - span : end] = keys
            self.vbuf[row : row + len(keys), :, end - span : end] = values
            self.n = end
            self._view()

        def get_seq_length(self) -> int:
            return self.n if self.is_initialized else 0

    cache = DynamicCache.__new__(DynamicCache)
    Cache.__init__(cache, layers=[Layer() for _ in range(layers)])
    return cache
