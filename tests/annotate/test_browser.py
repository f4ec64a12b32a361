"""What a person sees and does, in a real headless Chromium against a real ``prefkit serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from prefkit.annotate import CampaignConfig, create_campaign
from prefkit.data import judgment_from_dict

from .conftest import Workbench, server, sign_in


def current(base: str, token: str) -> dict[str, Any]:
    r = httpx.get(
        f"{base}/api/campaigns/demo/assignment", headers={"Authorization": f"Bearer {token}"}
    )
    return r.json()["assignment"]  # type: ignore[no-any-return]


def test_keyboard_only_judging_with_a_reload(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    wb = bench_sqlite
    plan = [  # ratings in key order (criterion by criterion, A then B), verdict, rationale
        (
            "425534",
            "a",
            "Response A answers the question directly. B ignores the request, so A is better here.",
        ),
        (
            "231455",
            "b",
            "Response B is more careful and more accurate. A makes a claim that is plainly false.",
        ),
        (
            "333333",
            "t",
            "Both replies say nearly the same thing with the same quality, so neither is better.",
        ),
    ]
    expected = []
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in(page, base, wb.invites["alice"])
        page.goto(f"{base}/c/demo")
        for i, (digits, verdict, why) in enumerate(plan):
            page.wait_for_function("() => window.prefkitAnnotate !== undefined")
            form = page.locator("#judgment")
            aid = int(form.get_attribute("data-assignment"))
            shown = current(base, wb.tokens["alice"])
            assert shown["id"] == aid
            for d in digits:
                page.keyboard.press(d)
            page.keyboard.press(verdict)
            page.keyboard.press("r")
            page.keyboard.type(why)
            page.keyboard.press("Escape")
            if i == 1:  # reload mid-way: same pair, same sides, the draft kept
                page.wait_for_selector('#draft-status[data-saved="1"]')
                page.reload()
                page.wait_for_function("() => window.prefkitAnnotate !== undefined")
                assert int(page.locator("#judgment").get_attribute("data-assignment")) == aid
                again = current(base, wb.tokens["alice"])
                assert (again["left"], again["right"]) == (shown["left"], shown["right"])
                assert page.locator("#rationale").input_value() == why
                kept = [
                    page.locator(f'input[name="rating.{c}.{side}"]:checked').get_attribute("value")
                    for c in ("helpfulness", "harmlessness", "honesty")
                    for side in ("left", "right")
                ]
                assert kept == list(digits)
                assert (
                    page.locator('input[name="preference"]:checked').get_attribute("value")
                    == "right"
                )
            page.keyboard.press("Enter")
            page.wait_for_function(
                "aid => document.querySelector('#judgment') === null || "
                "document.querySelector('#judgment').dataset.assignment !== String(aid)",
                arg=aid,
            )
            expected.append((aid, shown, digits, verdict, why))
        assert dialogs == []
    recs = {r.metadata["assignment"]: r for r in wb.store.records(campaign="demo")}
    assert len(recs) == 3
    names = ["helpfulness", "harmlessness", "honesty"]
    for aid, shown, digits, verdict, why in expected:
        rec = recs[aid]
        left, right = rec.shown  # type: ignore[misc]
        text = {r.id: r.text for r in rec.responses}
        assert (text[left], text[right]) == (shown["left"], shown["right"])
        assert rec.preference == {"a": left, "b": right, "t": "tie"}[verdict]
        assert rec.ratings == {
            n: {left: int(digits[2 * k]), right: int(digits[2 * k + 1])}
            for k, n in enumerate(names)
        }
        assert rec.rationale == why and rec.annotator == "alice" and rec.source == "human"
        assert rec.timings is not None and rec.timings.submitted_at is not None


HOSTILE = [
    "<script>window.__pwned = 'script'</script>Plain words after a script tag.",
    "<img src=x onerror=\"window.__pwned = 'img'\"> and [click me](javascript:window.__pwned='link')"
    " and <a href=\"javascript:window.__pwned='a'\">raw link</a> <svg onload=\"window.__pwned='svg'\">",
]


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_untrusted_text_never_runs(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path, csp: bool
) -> None:
    """Nothing executes; and with the browser told to ignore our CSP, escaping alone holds."""
    wb = bench_sqlite
    rec = judgment_from_dict(
        {
            "id": "hostile-1",
            "prompt": "<script>window.__pwned = 'prompt'</script>Which is safer?",
            "responses": [{"id": "r1", "text": HOSTILE[0]}, {"id": "r2", "text": HOSTILE[1]}],
            "preference": "r1",
            "source": "ai",
        }
    )
    wb.store.add_records([rec])
    create_campaign(wb.store, CampaignConfig(name="hostile", pairs={"ids": ["hostile-1"]}))
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page(bypass_csp=not csp)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in(page, base, wb.invites["alice"])
        resp = page.goto(f"{base}/c/hostile")
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        page.wait_for_timeout(300)
        body = page.locator("main").inner_text()
        assert "<script>window.__pwned = 'script'</script>" in body  # shown as text
        assert "<img src=x onerror=" in body and "<svg onload=" in body
        assert (
            page.evaluate(
                "document.querySelectorAll('main script, main img, main svg, main iframe').length"
            )
            == 0
        )
        hrefs = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h and h.strip().lower().startswith("javascript")]
        page.get_by_text("click me").first.click()
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
    if not csp:  # control: the same text as raw HTML does run, so the check above can fail
        control = browser.new_page()
        control.set_content(HOSTILE[1])
        control.wait_for_timeout(200)
        assert control.evaluate("window.__pwned") in ("img", "svg")


def test_api_docs_render_offline_under_the_csp(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    """/api/docs was a blank page (Swagger UI from a CDN, an inline script the CSP blocks)."""
    with server(bench_sqlite.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page()  # the CSP is enforced
        violations: list[str] = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        outside: list[str] = []
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith(base) and not r.url.startswith("data:")
                else None
            ),
        )
        page.goto(f"{base}/api/docs")
        page.wait_for_selector(".opblock", timeout=20_000)  # the operations are listed
        assert page.locator(".opblock").count() > 10
        assert "/api/campaigns/{campaign}/assignment" in page.content()
        assert outside == [] and not [v for v in violations if "script" in v.lower()], (
            outside,
            violations,
        )
        page.close()


def test_images_in_model_output_show_as_links_and_are_never_fetched(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    """A markdown image became a real <img> to a remote host (only the CSP stopped it)."""
    wb = bench_sqlite
    rec = judgment_from_dict(
        {
            "id": "img-1",
            "prompt": "Show me a cat.",
            "responses": [
                {"id": "r1", "text": "Here: ![a cat](http://tracker.invalid/cat.png)"},
                {"id": "r2", "text": "x" * 5000},  # one long word: it must wrap, not overflow
            ],
            "preference": "r1",
            "source": "ai",
        }
    )
    wb.store.add_records([rec])
    create_campaign(wb.store, CampaignConfig(name="images", pairs={"ids": ["img-1"]}))
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page(bypass_csp=True)  # even without the CSP nothing is fetched
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        sign_in(page, base, wb.invites["alice"])
        page.goto(f"{base}/c/images")
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelectorAll('main img').length") == 0
        link = page.locator("main a.image-link")
        assert link.count() == 1 and link.inner_text() == "[image: a cat]"
        assert link.get_attribute("href") == "http://tracker.invalid/cat.png"
        assert not [u for u in requested if "tracker.invalid" in u]
        assert page.evaluate("document.querySelectorAll('main .md').length") >= 2
        wide = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main .md')]"
            ".map(e => e.scrollWidth - e.clientWidth))"
        )
        assert wide <= 1  # the long word wraps inside its box


def test_shortcuts_stay_in_the_form_and_a_seventh_digit_changes_nothing(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    wb = bench_sqlite
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page()
        sign_in(page, base, wb.invites["alice"])
        page.goto(f"{base}/c/demo")
        page.wait_for_function("() => window.prefkitAnnotate !== undefined")
        for d in "4255343":  # six boxes, then one digit too many
            page.keyboard.press(d)
        last = page.locator('input[name="rating.honesty.right"]:checked').get_attribute("value")
        assert last == "4"  # not overwritten by the seventh
        note = page.locator("#key-note")
        assert note.is_visible() and "All 6 boxes are rated" in note.inner_text()
        page.keyboard.press("Backspace")
        page.keyboard.press("1")
        assert (
            page.locator('input[name="rating.honesty.right"]:checked').get_attribute("value") == "1"
        )
        # Enter on the instructions opens them instead of submitting the form
        page.focus("details.instructions > summary")
        page.keyboard.press("Enter")
        assert page.locator("details.instructions").get_attribute("open") is not None
        assert page.locator("#errors").is_hidden()  # no submit was attempted
        # and Enter on "sign out" signs out
        page.focus('form[action="/logout"] button')
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/login")


def test_a_stale_tab_offers_the_next_pair(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    wb = bench_sqlite
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        context = browser.new_context()
        first = context.new_page()
        sign_in(first, base, wb.invites["alice"])
        second = context.new_page()  # the same session in another tab
        tabs = (first, second)
        for tab in tabs:
            tab.goto(f"{base}/c/demo")
            tab.wait_for_function("() => window.prefkitAnnotate !== undefined")
        aid = first.locator("#judgment").get_attribute("data-assignment")
        assert second.locator("#judgment").get_attribute("data-assignment") == aid
        for tab in tabs:
            tab.bring_to_front()
            for d in "444444":
                tab.keyboard.press(d)
            tab.keyboard.press("a")
            tab.fill(
                "#rationale",
                "A answers the question that was asked and B does not, so A is the better one here.",
            )
            tab.locator("#submit").click()
            if tab is first:
                tab.wait_for_function(
                    "aid => document.querySelector('#judgment')?.dataset.assignment !== aid",
                    arg=aid,
                )
        second.wait_for_selector("#onward")
        assert "submitted already" in second.locator("#errors").inner_text()
        second.locator("#onward").click()
        second.wait_for_function("() => window.prefkitAnnotate !== undefined")
        assert second.locator("#judgment").get_attribute("data-assignment") != aid


def test_an_edit_then_a_quick_reload_keeps_the_edit(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    wb = bench_sqlite
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page()
        sign_in(page, base, wb.invites["alice"])
        page.goto(f"{base}/c/demo")
        page.wait_for_function("() => window.prefkitAnnotate !== undefined")
        page.keyboard.press("4")
        page.wait_for_selector('#draft-status[data-saved="1"]')
        for text in ("first version of the reason", "SECOND version, typed just before leaving"):
            page.fill("#rationale", text)
            page.reload()  # at once: the save on leaving races the new page
            page.wait_for_function("() => window.prefkitAnnotate !== undefined")
            assert page.locator("#rationale").input_value() == text
        page.wait_for_selector('#draft-status[data-saved="1"]')
        assert current(base, wb.tokens["alice"])["draft"]["rationale"].startswith("SECOND")
        assert (
            page.locator('input[name="rating.helpfulness.left"]:checked').get_attribute("value")
            == "4"
        )


def test_an_empty_submit_marks_what_is_missing_and_shows_it(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    wb = bench_sqlite
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        page = browser.new_page(viewport={"width": 1366, "height": 600})
        sign_in(page, base, wb.invites["alice"])
        page.goto(f"{base}/c/demo")
        page.wait_for_function("() => window.prefkitAnnotate !== undefined")
        page.keyboard.press("4")
        page.keyboard.press("Enter")  # five boxes, the verdict and the rationale still missing
        assert page.locator("fieldset.rating.missing").count() == 5
        assert page.locator("#preference.missing").count() == 1
        assert page.locator("#rationale.missing").count() == 1
        first = page.locator(".missing").first.bounding_box()
        assert first is not None and 0 <= first["y"] < 600  # scrolled to it
        page.keyboard.press("4")
        assert page.locator("fieldset.rating.missing").count() == 4  # marks go as boxes fill


def _judge_by_keys(page: Any) -> None:
    page.wait_for_function("() => window.prefkitAnnotate !== undefined")
    aid = page.locator("#judgment").get_attribute("data-assignment")
    for key in "444433a":
        page.keyboard.press(key)
    page.fill(
        "#rationale",
        "A answers the question that was asked, and B does not; so A is the better reply.",
    )
    page.locator("#rationale").press("Control+Enter")
    page.wait_for_function(
        "aid => document.querySelector('#judgment')?.dataset.assignment !== aid", arg=aid
    )


def test_the_lead_sees_the_dashboard_and_a_crowd_worker_finishes_a_study(
    bench_sqlite: Workbench, browser: Any, tmp_path: Path
) -> None:
    wb = bench_sqlite
    key = "study-key-for-chromium"
    crowd = {"key": key, "units": 1, "completion_code": "CHROME42"}
    create_campaign(wb.store, CampaignConfig(name="study", pairs={"limit": 4}, crowd=crowd))
    with server(wb.url, log=tmp_path / "server.log") as (base, _proc):
        lead = browser.new_context().new_page()
        sign_in(lead, base, wb.invites["boss"], landing="/admin")
        lead.goto(f"{base}/admin/c/demo")
        assert "0 of 12 judgments" in lead.locator("#fig-progress").inner_text()
        rows = lead.locator("#annotators tbody tr td:first-child").all_inner_texts()
        assert rows == ["alice", "bob"]  # members before anyone starts
        alice = browser.new_context().new_page()
        sign_in(alice, base, wb.invites["alice"])
        alice.goto(f"{base}/c/demo")
        assert alice.locator("#progress-text").inner_text() == "1 of 12 (12 left)"
        _judge_by_keys(alice)
        assert alice.locator("#progress-text").inner_text() == "2 of 12 (11 left)"
        lead.reload()
        assert "1 of 12 judgments" in lead.locator("#fig-progress").inner_text()
        assert "Nobody is flagged" in lead.locator("#fig-flags").inner_text()
        lead.goto(f"{base}/admin/c/demo/analysis")
        text = lead.locator("main").inner_text()
        assert "loo_majority_agreement" not in text and "dawid_skene" not in text
        lead.goto(f"{base}/admin/c/demo/leaderboard")
        assert lead.locator("#no-leaderboard").is_visible()
        lead.locator("main a", has_text="←").first.click()
        lead.wait_for_url(f"{base}/admin/c/demo")
        # a crowd worker arrives from the platform, judges their one unit, gets the code
        worker = browser.new_context().new_page()
        worker.goto(f"{base}/join/study/{key}?PROLIFIC_PID=chromium01")
        worker.wait_for_url(f"{base}/c/study")
        _judge_by_keys(worker)
        assert worker.locator("#completion-code").inner_text() == "CHROME42"
