"""An OpenAI-compatible chat-completions client.

An OpenAI-compatible chat-completions client (vLLM, llama.cpp server, hosted APIs,
``prefkit serve-model``): async with bounded concurrency, retries with backoff on 429 and 5xx,
timeouts, and errors that say what to fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import threading
from collections.abc import Sequence
from typing import Any

from prefkit.models._base import (
    Completion,
    GeneratorError,
    TextsFromCompletions,
    TokenLogprob,
    check_sampling,
    cut_at_stop,
)

__all__ = ["OpenAIGenerator"]

RETRY_STATUS = (408, 409, 429, 500, 502, 503, 504)


class OpenAIGenerator(TextsFromCompletions):
    """``model`` served at ``base_url`` (e.g. ``http://127.0.0.1:8001/v1``).

    ``concurrency`` requests run at once; a request that gets 429, a 5xx or times out is
    retried up to ``max_retries`` times, waiting ``backoff·2^attempt`` seconds (with jitter;
    a ``Retry-After`` header wins). ``stats`` counts requests, retries, 429s and timeouts.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        api_key: str | None = None,
        concurrency: int = 8,
        max_retries: int = 4,
        timeout: float = 60.0,
        backoff: float = 0.5,
        max_backoff: float = 20.0,
    ) -> None:
        if concurrency < 1:
            raise GeneratorError(f"concurrency={concurrency} must be >= 1")
        self.model = model
        self.base_url = base_url.rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise GeneratorError(
                f"base URL {base_url!r} must start with http:// or https:// "
                "(e.g. openai:MODEL@http://127.0.0.1:8001/v1)"
            )
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.name = f"openai:{model}@{self.base_url}"
        self.stats = {"requests": 0, "retries": 0, "status_429": 0, "timeouts": 0}

    def complete(
        self, prompts: Sequence[Any], n: int = 1, **sampling: Any
    ) -> list[list[Completion]]:
        s = check_sampling(sampling, n)
        return _run(self._all(list(prompts), n, s))

    async def _all(self, prompts: list[Any], n: int, s: dict[str, Any]) -> list[list[Completion]]:
        import httpx

        sem = asyncio.Semaphore(self.concurrency)
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        limits = httpx.Limits(max_connections=self.concurrency)
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout), headers=headers, limits=limits
        ) as client:

            async def one(p: Any) -> list[Completion]:
                async with sem:
                    return await self._one(client, p, n, s)

            return list(await asyncio.gather(*(one(p) for p in prompts)))

    def _body(self, prompt: Any, n: int, s: dict[str, Any]) -> dict[str, Any]:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        body: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "n": n,
            "max_tokens": s["max_new_tokens"],
            "temperature": float(s["temperature"]),
            "top_p": float(s["top_p"]),
        }
        if s["seed"] is not None:
            body["seed"] = int(s["seed"])
        if s["stop"]:
            body["stop"] = list(s["stop"])
        if s["top_logprobs"]:
            body |= {"logprobs": True, "top_logprobs": s["top_logprobs"]}
        return body

    async def _one(self, client: Any, prompt: Any, n: int, s: dict[str, Any]) -> list[Completion]:
        import httpx

        url = f"{self.base_url}/chat/completions"
        body = self._body(prompt, n, s)
        for attempt in range(self.max_retries + 1):
            self.stats["requests"] += 1
            last = attempt == self.max_retries
            try:
                r = await client.post(url, json=body)
            except httpx.TimeoutException:
                self.stats["timeouts"] += 1
                if last:
                    raise GeneratorError(
                        f"{url} did not answer within {self.timeout:g} s ({attempt + 1} tries); "
                        "raise timeout= or lower max_new_tokens"
                    ) from None
                await self._wait(attempt, None)
                continue
            except httpx.TransportError as exc:
                if last:
                    raise GeneratorError(
                        f"cannot reach {url}: {exc}; is the model server running there "
                        "(e.g. `prefkit serve-model`)?"
                    ) from None
                await self._wait(attempt, None)
                continue
            if r.status_code == 200:
                return self._parse(r.json(), n, s)
            if r.status_code in RETRY_STATUS and not last:
                self.stats["status_429"] += r.status_code == 429
                await self._wait(attempt, r.headers.get("retry-after"))
                continue
            await self._fail(client, r)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait(self, attempt: int, retry_after: str | None) -> None:
        self.stats["retries"] += 1
        delay = min(self.max_backoff, self.backoff * 2**attempt) * (0.5 + random.random())
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = min(self.max_backoff, float(retry_after))
        await asyncio.sleep(delay)

    async def _fail(self, client: Any, r: Any) -> None:
        try:
            err = r.json().get("error") or {}
            message = err.get("message") if isinstance(err, dict) else str(err)
            code = err.get("code") if isinstance(err, dict) else None
        except ValueError:
            message, code = r.text[:300], None
        if r.status_code in (401, 403):
            raise GeneratorError(
                f"{self.base_url} refused the API key ({r.status_code}: {message}); set "
                "OPENAI_API_KEY or pass api_key="
            )
        if r.status_code == 404 or code == "model_not_found":
            known = await self._models(client)
            raise GeneratorError(
                f"unknown model {self.model!r} at {self.base_url}"
                + (f"; the server has {known}" if known else "")
                + f" ({r.status_code}: {message})"
            )
        raise GeneratorError(f"{self.base_url} answered {r.status_code}: {message}")

    async def _models(self, client: Any) -> list[str]:
        try:
            r = await client.get(f"{self.base_url}/models")
            return sorted(str(m["id"]) for m in r.json().get("data", []))
        except Exception:  # the listing is a courtesy in an error message
            return []

    def _parse(self, data: dict[str, Any], n: int, s: dict[str, Any]) -> list[Completion]:
        out = []
        for choice in sorted(data.get("choices", []), key=lambda c: c.get("index", 0))[:n]:
            text, _ = cut_at_stop(
                str((choice.get("message") or {}).get("content") or ""), s["stop"]
            )
            lps = None
            content = (choice.get("logprobs") or {}).get("content")
            if content:
                lps = [
                    TokenLogprob(
                        str(t.get("token", "")),
                        float(t.get("logprob", 0.0)),
                        {str(a["token"]): float(a["logprob"]) for a in t.get("top_logprobs", [])},
                    )
                    for t in content
                ]
            reason = "length" if choice.get("finish_reason") == "length" else "stop"
            tokens = len(lps) if lps else 0
            out.append(Completion(text, reason, tokens, lps))
        if len(out) < n:
            raise GeneratorError(
                f"{self.base_url} returned {len(out)} choices for n={n}; this server may not "
                "support n > 1: ask for n=1 several times"
            )
        return out


def _run(coro: Any) -> Any:
    """Run a coroutine to the end, also from code that already runs an event loop.

    Run a coroutine to the end, also from code that already runs an event loop (a notebook,
    an async web handler): then in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
