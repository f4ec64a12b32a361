"""Layout time of a 100 kB unbroken word in a reply, in real headless Chromium.

Two measurements, each side by side in one browser: as the workbench renders it now
(``render_markdown``: a ``<wbr>`` break opportunity every 40 characters) and with those
removed (what it rendered before). ``box``: the markdown alone inside the workbench's
stylesheet and reply box. ``page``: the real annotation page from a running ``prefkit serve``
(signed in, the pair with the long word), served again with and without the ``<wbr>`` and
timed from ``set_content`` on the page's origin to a forced layout. Medians of ``--repeat`` runs.

Usage: python bench/browser_layout.py [--kb 100] [--repeat 5]   (needs Debian's chromium)
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from prefkit.annotate._render import render_markdown

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
CSS = (Path(__file__).resolve().parents[1] / "src/prefkit/annotate/static/style.css").read_text()

MEASURE = """(html) => {
  const box = document.getElementById('box');
  box.innerHTML = '';
  void box.offsetHeight;
  const t0 = performance.now();
  box.innerHTML = html;
  void box.offsetHeight;           // force style + layout
  box.getBoundingClientRect();
  return performance.now() - t0;
}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    word = "abcdefghij" * (args.kb * 100)
    now = render_markdown(f"before {word} after")
    before = now.replace("<wbr>", "")
    page_html = (
        f"<html><head><style>{CSS}</style></head><body><main><section class='response'>"
        "<div id='box' class='md response-text'></div></section></main></body></html>"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_content(page_html)
        times = {}
        for name, html in (("with <wbr> (now)", now), ("without (before)", before)):
            runs = [page.evaluate(MEASURE, html) for _ in range(args.repeat)]
            times[f"box, {name}"] = statistics.median(runs)
        times.update(whole_page(browser, word, args.repeat))
        browser.close()
    print(f"a {args.kb} kB unbroken word in a reply, Chromium layout (median of {args.repeat})")
    for name, ms in times.items():
        print(f"  {name:28s} {ms:9.1f} ms")


def whole_page(browser: object, word: str, repeat: int) -> dict[str, float]:
    import sys
    import tempfile
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from annotate.conftest import make_workbench, server  # the suite's real-server helpers
    from prefkit.data import judgment_from_dict

    tmp = Path(tempfile.mkdtemp(prefix="prefkit-layout-"))
    url = f"sqlite:///{tmp / 'l.db'}"
    rec = judgment_from_dict({"id": "long", "prompt": "Say one long word.", "preference": "a",
        "responses": [{"id": "a", "text": f"before {word} after"}, {"id": "b", "text": "ok"}],
        "metadata": {"dataset": "long"}})  # fmt: skip
    wb = make_workbench(url)
    wb.store.add_records([rec])
    from prefkit.annotate import CampaignConfig, create_campaign

    create_campaign(wb.store, CampaignConfig(name="longword", pairs={"dataset": "long"}))
    out: dict[str, float] = {}
    with server(url) as (base, _proc):
        page = browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
        page.goto(f"{base}/invite/{wb.invites['alice']}")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/c/longword")
        html_now = page.content()
        assert word[:200] in html_now.replace("<wbr>", "")
        for name, html in (("with <wbr> (now)", html_now),
                           ("without (before)", html_now.replace("<wbr>", ""))):  # fmt: skip
            runs = []
            for _ in range(repeat):  # on the page's own origin: its CSS and script load
                t0 = time.perf_counter()
                page.set_content(html, wait_until="load", timeout=120_000)
                page.evaluate("() => document.body.offsetHeight")
                runs.append((time.perf_counter() - t0) * 1000)
            out[f"page, {name}"] = statistics.median(runs)
    wb.store.close()
    return out


if __name__ == "__main__":
    main()
