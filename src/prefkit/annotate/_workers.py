"""Several worker processes behind one port: ``prefkit serve --workers N`` (PostgreSQL only).

uvicorn starts each worker in a fresh process (and replaces one that dies); each builds its own
store, writer and caches from the environment the parent set. What must hold across processes
holds in the database: claims are conditional UPDATEs, a submission's idempotency key is checked
against its assignment row, sessions and revocations are read on every request. Sign-in
throttling is per worker.
"""

from __future__ import annotations

import os
from typing import Any

from prefkit.annotate._server import READ_TIMEOUT, guarded_protocol

__all__ = ["POOL_PER_WORKER", "Protocol", "app", "serve_workers"]

ENV_DB = "PREFKIT_SERVE_DB"
ENV_SECURE = "PREFKIT_SERVE_SECURE_COOKIES"
ENV_READ_TIMEOUT = "PREFKIT_SERVE_READ_TIMEOUT"
POOL_PER_WORKER = 16  # N workers keep N × (16 + 20 overflow) connections at most

# the protocol class by import path ("prefkit.annotate._workers:Protocol"): workers are spawned,
# and a class made at run time could not be sent to them
Protocol = guarded_protocol(float(os.environ.get(ENV_READ_TIMEOUT, READ_TIMEOUT)))


def serve_workers(
    url: str,
    workers: int,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    secure_cookies: bool = False,
    read_timeout: float = READ_TIMEOUT,
    limit_concurrency: int = 1000,
) -> None:
    """Serve the workbench on PostgreSQL with ``workers`` processes (blocks until stopped)."""
    import uvicorn

    os.environ[ENV_DB] = url
    os.environ[ENV_SECURE] = "1" if secure_cookies else "0"
    os.environ[ENV_READ_TIMEOUT] = str(read_timeout)
    uvicorn.run(
        "prefkit.annotate._workers:app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        http="prefkit.annotate._workers:Protocol",
        limit_concurrency=limit_concurrency,
        timeout_keep_alive=5,
    )


def app() -> Any:
    """The workbench app of one worker process (uvicorn's ``factory=True``)."""
    from prefkit.annotate._app import create_app
    from prefkit.annotate._schema import open_workbench

    store = open_workbench(os.environ[ENV_DB], migrate_schema=False, pool_size=POOL_PER_WORKER)
    return create_app(store, secure_cookies=os.environ.get(ENV_SECURE) == "1")
