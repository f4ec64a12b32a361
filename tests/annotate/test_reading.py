"""What an annotator sees, in real Chromium: the question being answered, readable replies, phones.

A multi-turn conversation whose final user turn must be in view on arrival, a reply with a
markdown table, a long code line and an image, and a reply long enough to be capped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prefkit.annotate import CampaignConfig, create_campaign, create_user, open_workbench
from prefkit.data import judgment_from_dict

from .conftest import server, sign_in

LONG = "This earlier turn goes on and on about the weather and the sea. " * 40
TABLE = "| " + " | ".join(f"column {i}" for i in range(12)) + " |\n|" + "---|" * 12 + "\n| " + " | ".join(
    f"value {i} with words" for i in range(12)
) + " |"  # fmt: skip
CODE = "```python\ndef f(x):\n    return [" + ", ".join(f"x * {i}" for i in range(60)) + "]\n```"
REPLY_A = f"Here is the table:\n\n{TABLE}\n\nAnd the code:\n\n{CODE}\n\n![a cat](https://example.org/cat.png)"
REPLY_B = "\n\n".join(f"Paragraph {i}: the reply keeps going with more detail." for i in range(120))
REPLY_B += "\n\nTHE-CLOSING-LINE"


@pytest.fixture
def reading(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    store = open_workbench(url)
    turns = []
    for i in range(4):
        turns += [{"role": "user", "content": f"Question {i}. {LONG}"},
                  {"role": "assistant", "content": f"Answer {i}. {LONG}"}]  # fmt: skip
    turns.append({"role": "user", "content": "FINAL-QUESTION: which table is clearer?"})
    rec = {"id": "read-1", "prompt": turns, "preference": None,
           "responses": [{"id": "a", "text": REPLY_A}, {"id": "b", "text": REPLY_B}]}  # fmt: skip
    store.add_records([judgment_from_dict(rec)])
    create_campaign(store, CampaignConfig(name="demo", pairs={"ids": ["read-1"]}))
    token = create_user(store, "alice")[1]
    store.close()
    yield url, token


def _open(chromium: Any, base: str, token: str, width: int, height: int) -> Any:
    page = chromium.new_page(viewport={"width": width, "height": height})
    sign_in(page, base, token)
    page.goto(f"{base}/c/demo")
    page.wait_for_function("() => window.prefkitAnnotate !== undefined")
    return page


def test_the_question_and_the_replies_are_readable(
    reading: tuple[str, str],
    browser: Any,
    tmp_path: Path,
) -> None:
    url, token = reading
    with server(url, log=tmp_path / "server.log") as (base, _proc):
        page = _open(browser, base, token, 1366, 900)
        final = page.locator("#final-turn")
        box = final.bounding_box()
        assert "FINAL-QUESTION" in final.inner_text()
        assert box is not None and box["y"] + box["height"] <= 900  # in view on arrival
        assert page.locator("details.earlier").get_attribute("open") is None  # folded
        assert "8 turns" in page.locator("details.earlier > summary").inner_text()
        # a table is a table, code keeps its lines and scrolls, an image is a link with its text
        a = page.locator(".response", has=page.locator("table"))  # sides are shuffled
        assert a.locator("table th").count() == 12
        pre = a.locator("pre")
        assert pre.evaluate("e => getComputedStyle(e).whiteSpace") == "pre"
        assert pre.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls, does not wrap
        assert a.locator("img").count() == 0 and "[image: a cat]" in a.inner_text()
        # a long reply is capped only with a visible way to the rest
        long_reply = page.locator(".response", has_text="THE-CLOSING-LINE")
        b = long_reply.locator(".response-text")
        assert "capped" in (b.get_attribute("class") or "")
        more = long_reply.locator(".more")
        assert more.is_visible()
        more.click()
        assert "capped" not in (b.get_attribute("class") or "")
        page.locator("text=THE-CLOSING-LINE").scroll_into_view_if_needed()
        assert page.locator("text=THE-CLOSING-LINE").is_visible()
        page.close()


def test_a_phone_gets_a_compact_layout(
    reading: tuple[str, str],
    browser: Any,
    tmp_path: Path,
) -> None:
    url, token = reading
    with server(url, log=tmp_path / "server.log") as (base, _proc):
        page = _open(browser, base, token, 390, 844)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways
        switch = page.locator(".ab-switch")
        assert switch.is_visible()
        for label in page.locator("fieldset.rating label").all()[:5]:
            box = label.bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= 44
        page.locator(".ab-switch a[href='#response-right']").click()
        b = page.locator("#response-right h2").bounding_box()
        assert b is not None and 0 <= b["y"] < 844
        page.mouse.wheel(0, 3000)  # the bar stays within reach while scrolling
        assert switch.bounding_box()["y"] < 60  # type: ignore[index]
        page.close()
