"""End to end in a real browser: Debian's chromium, Playwright, `streamlit run app.py`."""

import shutil
from pathlib import Path

import pytest

from tests.e2e import BENCH_QUESTIONS, CHROMIUM, ask, browser_page, concurrent_sessions, served_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="make test installs chromium"),
]


def test_ask_open_a_citation_filter_actions_and_no_egress(real_index, tmp_path):
    corpus, index = real_index
    guard_log = tmp_path / "egress.log"
    requests: list[str] = []
    with served_app(corpus, index, guard_log) as (url, _, _), browser_page(url, requests) as page:
        ask(page, "Who owns the return-refill guidelines?", "responsible team: Facilitation")
        answer = page.locator('[data-testid="stChatMessage"]').nth(1)
        assert "Body in charge: PTC" in answer.inner_text()
        answer.get_by_text("[1] Draft Green Customs Action Plan").click()
        page.get_by_text("Open in the document reader").first.wait_for()
        assert page.get_by_role("cell", name="Facilitation").first.is_visible() or "Facilitation" in (
            answer.inner_text()
        )
        # a test run changes no tracked file: `make screenshots` refreshes the README's pictures
        page.screenshot(path=str(tmp_path / "ask.png"), full_page=False)

        page.get_by_role("link", name="Actions").first.click()
        page.get_by_text("38 of 38 actions").wait_for(timeout=30_000)
        body = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Body in charge")
        body.locator("input").click()
        page.keyboard.type("EC")
        page.get_by_role("option", name="EC", exact=True).click()
        page.get_by_text("16 of 38 actions").wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "actions.png"))

    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
    assert [r for r in requests if not r.startswith(local)] == []
    assert not guard_log.exists() or guard_log.read_text() == ""


def test_admin_upload_in_the_browser(real_index, tmp_path):
    corpus, index = tmp_path / "served" / "corpus", tmp_path / "served" / "index"
    shutil.copytree(real_index[0], corpus)
    shutil.copytree(real_index[1], index)
    document = tmp_path / "status update 2026.txt"
    document.write_text("I. Progress\n\n1. The self-assessment tool was piloted in 2026.\n", encoding="utf-8")
    with (
        served_app(corpus, index, tmp_path / "egress.log", token="t0ken") as (url, _, _),
        browser_page(url) as page,
    ):
        page.get_by_role("link", name="Admin").first.click()
        page.get_by_label("Admin token").fill("t0ken")
        page.keyboard.press("Enter")
        page.locator('input[type="file"]').set_input_files(str(document))
        page.get_by_text("waiting to be added").wait_for(timeout=30_000)
        page.get_by_role("button", name="Add to the corpus").click()
        page.get_by_text("is in the corpus; rebuild").wait_for(timeout=30_000)
        page.get_by_role("button", name="Rebuild now").click()
        page.get_by_text("1 added").wait_for(timeout=120_000)
    assert (corpus / "status-update-2026.txt").exists()


def test_ten_sessions_at_once_are_all_answered(real_index, tmp_path):
    corpus, index = real_index
    guard_log = tmp_path / "egress.log"
    with served_app(corpus, index, guard_log) as (url, _, _):
        times = concurrent_sessions(url, sessions=10, timeout=180)
    assert len(times) == 10  # each session saw its own answer (a missing one raises)
    assert not guard_log.exists() or guard_log.read_text() == ""
    assert len(BENCH_QUESTIONS) >= 10
