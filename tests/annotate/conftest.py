"""Workbench fixtures: a store with the bundled sample, accounts, and a real server process."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from prefkit.annotate import (
    CampaignConfig,
    create_api_token,
    create_campaign,
    create_user,
    open_workbench,
)
from prefkit.data import Store, import_sources, sample_paths

PREFKIT = Path(sys.executable).with_name("prefkit")
RATIONALE = (
    "A answers the question that was asked and stays accurate. B wanders off topic, so A is better."
)


@dataclass
class Workbench:
    store: Store
    url: str  # database URL
    tokens: dict[str, str]  # user name -> API token (bearer)
    invites: dict[str, str]  # user name -> invitation token (signs in once)


def make_workbench(url: str, **campaign: object) -> Workbench:
    store = open_workbench(url)
    hh = [p for p in sample_paths() if "hh-rlhf" in p.name or "hh" in p.name]
    import_sources(store, hh or sample_paths())
    cfg = {"name": "demo", "pairs": {"dataset": "hh-rlhf", "limit": 12}, **campaign}
    create_campaign(store, CampaignConfig.model_validate(cfg))
    tokens, invites = {}, {}
    with store.transaction() as tx:
        for name, role in (("boss", "admin"), ("alice", "annotator"), ("bob", "annotator")):
            invites[name] = create_user(tx.connection, name, role)[1]
            tokens[name] = create_api_token(tx.connection, name, "tests")[1]
    return Workbench(store, url, tokens, invites)


@pytest.fixture
def bench_sqlite(tmp_path: Path) -> Iterator[Workbench]:
    wb = make_workbench(f"sqlite:///{tmp_path / 'wb.db'}")
    yield wb
    wb.store.close()


@pytest.fixture
def workbench(db_url: str) -> Iterator[Workbench]:
    """The same workbench on SQLite and on a real PostgreSQL."""
    wb = make_workbench(db_url)
    yield wb
    wb.store.close()


def ratings(left: int = 4, right: int = 2) -> dict[str, dict[str, int]]:
    return {c: {"left": left, "right": right} for c in ("helpfulness", "harmlessness", "honesty")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(
    db_url: str, *, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``prefkit serve`` as a real process; yields its base URL and the process."""
    port = free_port()
    out = log.open("ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [str(PREFKIT), "serve", "--db", db_url, "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"prefkit serve did not start (exit {proc.returncode})")
        time.sleep(0.1)
    try:
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(page: Any, base: str, token: str, landing: str = "/") -> None:
    page.goto(f"{base}/invite/{token}")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.tagName === 'BUTTON'"
    )
    page.keyboard.press("Enter")  # the Continue button has the focus
    page.wait_for_url(f"{base}{landing}")
