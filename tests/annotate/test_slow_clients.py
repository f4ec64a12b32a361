"""Slow clients against a real ``prefkit serve``: half-sent requests are disconnected after the
read timeout, and the connection cap answers 503 (slowloris, slow bodies). Also the guard that
a uvicorn upgrade does not silently break the protocol subclass."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx

from .conftest import PREFKIT, Workbench, free_port


@contextlib.contextmanager
def serve(db_url: str, *args: str) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(PREFKIT), "serve", "--db", db_url, "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _half(port: int, data: bytes) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(data)
    return s


def _closed(s: socket.socket) -> bool:
    try:
        return s.recv(1) == b""  # the server hung up
    except (ConnectionResetError, TimeoutError, OSError):
        return True


def test_half_sent_requests_are_disconnected(bench_sqlite: Workbench) -> None:
    with serve(bench_sqlite.url, "--read-timeout", "1") as base:
        port = int(base.rsplit(":", 1)[1])
        slow = [_half(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n") for _ in range(20)]
        body = _half(port, b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 100\r\n\r\n{\"tok")  # fmt: skip
        time.sleep(3)  # well past the 1 s read timeout
        assert all(_closed(s) for s in [*slow, body])
        assert httpx.get(base + "/healthz").status_code == 200  # others are served


def test_the_connection_cap_answers_503(bench_sqlite: Workbench) -> None:
    with serve(bench_sqlite.url, "--limit-concurrency", "5", "--read-timeout", "30") as base:
        port = int(base.rsplit(":", 1)[1])
        held = [_half(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n") for _ in range(8)]
        r = httpx.get(base + "/healthz")
        assert r.status_code == 503
        for s in held:
            s.close()


def test_the_protocol_guard_fits_this_uvicorn() -> None:
    # the names the subclasses rely on (an upgrade that renames them fails here, loudly)
    from uvicorn.protocols.http import h11_impl, httptools_impl

    from prefkit.annotate._server import guarded_protocol

    hooks = ("connection_made", "connection_lost", "on_response_complete")
    for cls, extra in (
        (h11_impl.H11Protocol, "handle_events"),
        (httptools_impl.HttpToolsProtocol, "on_message_complete"),
    ):
        for name in (*hooks, extra):
            assert callable(getattr(cls, name)), (cls, name)
    for mod in (h11_impl, httptools_impl):
        names = set(mod.RequestResponseCycle.__init__.__code__.co_names)
        assert {"response_complete", "more_body"} <= names, mod
    assert issubclass(guarded_protocol(1.0), httptools_impl.HttpToolsProtocol)
