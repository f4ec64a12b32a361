"""``prefkit serve-model``: any generator behind an OpenAI-compatible HTTP API.

``GET /v1/models`` and ``POST /v1/chat/completions`` (``n``, ``max_tokens`` or
``max_completion_tokens``, ``temperature``, ``top_p``, ``seed``, ``stop``, ``logprobs`` and
``top_logprobs``), OpenAI-shaped errors, an optional API key. Requests that arrive together with
the same sampling parameters are generated as one batch (the way vLLM batches); when more than
``max_queue`` requests wait, the server answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from prefkit._json import canonical
from prefkit.models._base import Completion, GeneratorError, check_sampling

__all__ = ["create_model_app"]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    content: str


class ChatRequest(BaseModel):
    """The fields prefkit reads; other OpenAI fields (user, presence_penalty...) are ignored."""

    model_config = ConfigDict(extra="ignore")
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    n: int = Field(default=1, ge=1, le=64)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float = Field(default=1.0, ge=0, le=2)
    top_p: float = Field(default=1.0, gt=0, le=1)
    seed: int | None = None
    stop: str | list[str] | None = None
    logprobs: bool = False
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    stream: bool = False


def _error(
    status: int, message: str, code: str, kind: str = "invalid_request_error"
) -> JSONResponse:
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    headers = {"Retry-After": "1"} if status == 429 else None
    return JSONResponse(body, status_code=status, headers=headers)


class _Batcher:
    """Requests with equal sampling parameters that wait together are generated together."""

    def __init__(self, generator: Any, max_queue: int, window: float) -> None:
        self.generator = generator
        self.max_queue = max_queue
        self.window = window
        self.queue: asyncio.Queue[tuple[str, Any, dict[str, Any], int, asyncio.Future[Any]]]
        self.queue = asyncio.Queue()
        self.waiting = 0
        self.task: asyncio.Task[None] | None = None

    async def submit(self, prompt: Any, sampling: dict[str, Any], n: int) -> list[Completion]:
        if self.task is None:
            self.task = asyncio.create_task(self._work())
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting += 1
        key = canonical([sampling, n]).decode()
        await self.queue.put((key, prompt, sampling, n, fut))
        try:
            return await fut
        finally:
            self.waiting -= 1

    async def _work(self) -> None:
        while True:
            first = await self.queue.get()
            await asyncio.sleep(self.window)  # let requests sent together arrive
            batch: list[Any] = [first]  # the same parameters now; the others later
            rest: list[Any] = []
            while not self.queue.empty():
                item = self.queue.get_nowait()
                (batch if item[0] == first[0] else rest).append(item)
            for item in rest:
                self.queue.put_nowait(item)
            _, _, sampling, n, _ = first
            try:
                rows = await asyncio.to_thread(
                    self.generator.complete, [b[1] for b in batch], n, **sampling
                )
            except Exception as exc:  # every waiting request gets the error
                for b in batch:
                    if not b[4].done():
                        b[4].set_exception(exc)
                continue
            for b, row in zip(batch, rows, strict=True):
                if not b[4].done():
                    b[4].set_result(row)


def create_model_app(
    generator: Any,
    *,
    model_name: str | None = None,
    api_key: str | None = None,
    max_queue: int = 64,
    window: float = 0.005,
) -> FastAPI:
    """The OpenAI-compatible app around ``generator`` (anything with ``complete``)."""
    name = model_name or generator.name
    app = FastAPI(title="prefkit model server", version="1", docs_url="/docs")
    state: dict[str, _Batcher] = {}

    def batcher() -> _Batcher:
        if "b" not in state:
            state["b"] = _Batcher(generator, max_queue, window)
        return state["b"]

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"] if p != "body")
        return _error(400, f"{where}: {err['msg']}", "invalid_request")

    def _authorized(request: Request) -> bool:
        return api_key is None or request.headers.get("authorization") == f"Bearer {api_key}"

    @app.get("/v1/models")
    async def models(request: Request) -> Any:
        if not _authorized(request):
            return _error(401, "invalid API key", "invalid_api_key", "authentication_error")
        return {
            "object": "list",
            "data": [{"id": name, "object": "model", "created": 0, "owned_by": "prefkit"}],
        }

    @app.post("/v1/chat/completions")
    async def chat(req: ChatRequest, request: Request) -> Any:
        if not _authorized(request):
            return _error(401, "invalid API key", "invalid_api_key", "authentication_error")
        if req.model != name:
            return _error(
                404, f"the model {req.model!r} does not exist; this server has {name!r}",
                "model_not_found",
            )  # fmt: skip
        if req.stream:
            return _error(400, "stream=true is not supported; send stream=false", "unsupported")
        b = batcher()
        if b.waiting >= max_queue:
            return _error(
                429, f"{b.waiting} requests are waiting; retry shortly", "rate_limit_exceeded",
                "rate_limit_error",
            )  # fmt: skip
        k = (req.top_logprobs or 1) if req.logprobs else 0
        try:
            sampling = check_sampling({
                "max_new_tokens": req.max_completion_tokens or req.max_tokens or 256,
                "temperature": req.temperature, "top_p": req.top_p, "seed": req.seed,
                "stop": req.stop, "top_logprobs": k,
            })  # fmt: skip
        except GeneratorError as exc:
            return _error(400, str(exc), "invalid_request")
        messages = [m.model_dump() for m in req.messages]
        try:
            rows = await b.submit(messages, sampling, req.n)
        except GeneratorError as exc:
            return _error(400, str(exc), "invalid_request")
        choices = []
        for i, c in enumerate(rows):
            choice: dict[str, Any] = {
                "index": i,
                "message": {"role": "assistant", "content": c.text},
                "finish_reason": c.finish_reason,
                "logprobs": None,
            }
            if req.logprobs and c.logprobs is not None:
                choice["logprobs"] = {
                    "content": [
                        {"token": t.token, "logprob": t.logprob,
                         "top_logprobs": [{"token": a, "logprob": v} for a, v in t.top.items()]}
                        for t in c.logprobs
                    ]
                }  # fmt: skip
            choices.append(choice)
        used = sum(c.tokens for c in rows)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": name,
            "choices": choices,
            "usage": {"prompt_tokens": 0, "completion_tokens": used, "total_tokens": used},
        }

    return app
