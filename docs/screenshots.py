"""Screenshots of the workbench for the README and the docs (``make screenshots``).

Serves the demo campaign (``prefkit serve --demo``) on a throwaway store, judges a few pairs
through the JSON API as two annotators, and photographs the annotation page (1366×900 and a
390×844 phone) and the campaign dashboard in headless Chromium.

    python docs/screenshots.py docs/img
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

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
PREFKIT = Path(sys.executable).with_name("prefkit")
RATIONALE = "Reply A answers the question that was asked and stays accurate; B drifts off topic."


def main(out: Path) -> None:
    """Serve the demo on a throwaway store and write the screenshots into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        db = f"sqlite:///{tmp}/demo.db"
        proc = subprocess.Popen(
            [str(PREFKIT), "serve", "--demo", "--db", db, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        links: dict[str, str] = {}
        deadline = time.monotonic() + 120
        while len(links) < 3 and time.monotonic() < deadline:
            m = re.search(r"sign in as \w+ (\w+): (\S+)", proc.stdout.readline())
            if m:
                links[m.group(1)] = m.group(2)
        base = f"http://127.0.0.1:{port}"
        try:
            while httpx.get(base + "/healthz").status_code != 200:
                time.sleep(0.2)
            shoot(base, db, links, out)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _judge(base: str, token: str, n: int) -> None:
    h = {"Authorization": f"Bearer {token}"}
    for _ in range(n):
        a = httpx.get(f"{base}/api/campaigns/hh-sample/assignment", headers=h).json()["assignment"]
        if a is None:
            return
        ratings = {c["name"]: {"left": 4, "right": 3} for c in a["criteria"]}
        body = {"key": uuid.uuid4().hex, "preference": "left", "ratings": ratings,
                "rationale": RATIONALE, "strength": 2}  # fmt: skip
        httpx.post(f"{base}/api/assignments/{a['id']}/submit", json=body, headers=h)


def api_token(db: str, name: str) -> str:
    """An API token for ``name``, made by the CLI on the same store."""
    res = subprocess.run(
        [str(PREFKIT), "user", "api-token", "add", name, "--db", db, "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return str(json.loads(res.stdout)["token"])


def shoot(base: str, db: str, links: dict[str, str], out: Path) -> None:
    """Sign the demo's people in, judge a few pairs, and photograph the pages."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tokens = {}
        for name in ("alice", "bob", "admin"):
            ctx = browser.new_context(viewport={"width": 1366, "height": 900})
            page = ctx.new_page()
            page.goto(links[name])
            page.locator("button[type=submit]").first.click()
            page.wait_for_load_state("networkidle")
            tokens[name] = ctx
        for name, n in (("alice", 9), ("bob", 6)):  # some judgments, so the dashboard has figures
            _judge(base, api_token(db, name), n)
        admin = tokens["admin"].new_page()
        page = tokens["alice"].new_page()
        page.goto(f"{base}/c/hh-sample")
        page.wait_for_function("() => window.prefkitAnnotate !== undefined")
        for key in "4354":
            page.keyboard.press(key)
        page.screenshot(path=str(out / "annotate.png"))
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        for cookie in tokens["alice"].cookies():
            phone.add_cookies([cookie])
        ph = phone.new_page()
        ph.goto(f"{base}/c/hh-sample")
        ph.wait_for_function("() => window.prefkitAnnotate !== undefined")
        ph.screenshot(path=str(out / "annotate-phone.png"))
        admin.goto(f"{base}/admin/c/hh-sample")
        admin.screenshot(path=str(out / "dashboard.png"), full_page=True)
        browser.close()
    for name in ("annotate.png", "annotate-phone.png", "dashboard.png"):
        print(out / name, (out / name).stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
