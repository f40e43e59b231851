"""End to end in a real browser: Debian's chromium, Playwright, the app as `make run` serves it."""

import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e import (
    BENCH_QUESTIONS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PLACEHOLDER,
    ask,
    browser_page,
    concurrent_sessions,
    served_app,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="make test installs chromium"),
]
PLAN = "green-customs-action-plan-draft-2023.txt"


def _main(page):
    return page.locator('[data-testid="stMainBlockContainer"]')


def _scrolled_to_the_mark(page) -> None:
    """Waits until the marked passage or row is within the window (the page scrolled to it)."""
    page.wait_for_function(
        "() => { const r = document.querySelector('.st-key-cited').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }",
        timeout=10_000,
    )


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
        # the filter is in the address: a reload keeps it, and so does a shared link
        page.wait_for_url(re.compile(r"/actions\?body=EC$"), timeout=30_000)
        page.reload()
        page.get_by_text("16 of 38 actions").wait_for(timeout=60_000)
        page.goto(f"{url}/actions?body=EC&priority=A")
        page.get_by_text("5 of 38 actions").wait_for(timeout=60_000)

    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
    assert [r for r in requests if not r.startswith(local)] == []
    assert not guard_log.exists() or guard_log.read_text() == ""


def test_the_actions_table_and_charts_read_at_1400_px(real_index, tmp_path):
    corpus, index = real_index
    with served_app(corpus, index, tmp_path / "egress.log") as (url, _, _), browser_page(url) as page:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(f"{url}/actions")
        page.get_by_text("38 of 38 actions").wait_for(timeout=60_000)
        # without an admin token, delegates' menu has no Admin page
        assert page.get_by_role("link", name="Documents").count() >= 1
        assert page.get_by_role("link", name="Admin").count() == 0
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for()
        # every column staff filter on fits: the grid does not scroll sideways (the grid's
        # scroller is always 10 px wider than its box, room for its scroll bar)
        sideways = grid.evaluate(
            "e => Math.max(...Array.from(e.querySelectorAll('*')).map(x => x.scrollWidth - x.clientWidth))"
        )
        assert sideways <= 12, f"the table scrolls {sideways} px sideways"
        header_cells = grid.locator('[role="columnheader"]')  # the grid's accessible table
        header_cells.last.wait_for(state="attached")
        headers = header_cells.all_inner_texts()
        for name in (
            "Action",
            "Body in charge",
            "Responsible team",
            "Timeframe",
            "Due",
            "Priority",
            "KPI",
            "Status",
        ):
            assert name in headers
        # the grid is as tall as its 38 rows (no ten-row box), each row tall enough to wrap
        assert grid.bounding_box()["height"] > 38 * 60

        page.get_by_text("The plan at a glance").scroll_into_view_if_needed()
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        charts.nth(1).scroll_into_view_if_needed()
        time.sleep(1)  # vega draws after the element is attached
        owners, timeline = charts.nth(0), charts.nth(1)
        labels = owners.evaluate("e => Array.from(e.querySelectorAll('text')).map(t => t.textContent)")
        labels += timeline.evaluate("e => Array.from(e.querySelectorAll('text')).map(t => t.textContent)")
        assert "not assigned" in labels, labels
        for non_body in ("TBD", "All", "None", "In coordination with PTC"):
            assert non_body not in labels
        numbers = [t for t in labels if re.fullmatch(r"\d+(\.\d+)?", t)]
        assert numbers and all(re.fullmatch(r"\d+", t) for t in numbers), numbers  # whole-number ticks
        years = [t for t in labels if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)]
        assert {t[-4:] for t in years} >= {"2023", "2024"}, labels  # dates carry their year
        assert any(t.startswith("3. Undertake Business Process Mapping") for t in labels)
        colours = owners.evaluate(
            "e => Array.from(new Set(Array.from(e.querySelectorAll('path')).map(p => p.getAttribute('fill'))"
            ".filter(f => f && f.startsWith('#'))))"
        )
        assert {"#c0392b", "#2471a3", "#e69f00"} <= set(colours)  # A, B and "?" told apart
        page.screenshot(path=str(tmp_path / "charts.png"))

        # a row clicked far down the table opens over the page, in sight, and its link lands on
        # the reader, scrolled to the row and marked
        page.get_by_text("38 of 38 actions").scroll_into_view_if_needed()
        box = grid.bounding_box()
        row_31 = box["y"] + box["height"] * (30.5 / 38)  # the header row is about a row's height
        page.mouse.wheel(0, row_31 - 450)
        time.sleep(0.5)
        grid.click(position={"x": 20, "y": row_31 - grid.bounding_box()["y"]})
        dialog = page.locator('[data-testid="stDialog"]')
        link = dialog.get_by_text(re.compile(r"Open the source page \(p\. \d+\) at row \d+"))
        link.wait_for(timeout=30_000)
        opened = int(re.search(r"at row (\d+)", link.inner_text()).group(1))
        assert 28 <= opened <= 33, opened
        # the row whole: its strategic priority, objectives and the date it sorts by
        assert re.search(
            r"SP\d\..* · strategic objectives: .* · (due \w+ \d{4}|no date to sort by)", dialog.inner_text()
        )
        shown = dialog.bounding_box()
        assert shown["y"] >= 0 and shown["y"] < 900, shown  # in the window, not under the table
        link.click()
        marked = page.locator(".st-key-cited")
        marked.get_by_text(f"Row {opened}, the row you opened").wait_for(timeout=60_000)
        _scrolled_to_the_mark(page)
        # staff who know the address learn there how to turn the Admin page on
        page.goto(f"{url}/admin")
        page.get_by_text("The admin page is off").wait_for(timeout=60_000)


def test_a_cited_passage_is_scrolled_to_and_the_document_reads_as_written(real_index, tmp_path):
    corpus, index = real_index
    with served_app(corpus, index, tmp_path / "egress.log") as (url, _, _), browser_page(url) as page:
        ask(page, "Which SDGs does Green Customs relate to?", "SDG")
        answer = page.locator('[data-testid="stChatMessage"]').nth(1)
        answer.locator('[data-testid="stExpander"] summary').first.click()
        link = answer.get_by_role("link", name="Open in the document reader").first
        link.click()
        # in fresh-clone CI runs the first click has twice left the Ask page as it was (app
        # idle, link visible): a delegate would click again, and so does the test, once
        # (issue notes, stop 20); the reader must then open
        try:
            page.wait_for_url("**/documents?**", timeout=20_000)
        except PlaywrightTimeout:
            link.click()
        marked = page.locator(".st-key-cited")
        marked.get_by_text("The cited passage").wait_for(timeout=60_000)
        _scrolled_to_the_mark(page)
        page.screenshot(path=str(tmp_path / "reader.png"))
        text = _main(page).inner_text()
        # the SDG list as a list, paragraph numbers and headings once
        items = _main(page).locator("li").all_inner_texts()
        assert any(i.startswith("SDG 2:") for i in items) and any(i.startswith("SDG 3:") for i in items)
        # one Back returns to the answer: the reader added no history entry of its own
        page.go_back()
        page.wait_for_url(lambda address: "/documents" not in address, timeout=30_000)
        page.goto(f"{url}/documents?doc={PLAN}&page=2")
        page.get_by_text("II. Next steps").wait_for()
        text = _main(page).inner_text()
        assert len(re.findall(r"^4\.", text, re.M)) == 1
        assert text.count("III. The PTC is invited to") == 1
        # the address follows the page chosen, so a reload shows what was read
        _main(page).get_by_label("Page").click()
        page.get_by_role("option", name="3", exact=True).click()
        page.wait_for_url(re.compile(r"page=3"), timeout=30_000)
        page.reload()
        page.get_by_text("Action table (").first.wait_for(timeout=60_000)
        assert "page=3" in page.url and f"doc={PLAN}" in page.url
        # a link to a document the index does not hold says so
        page.goto(f"{url}/documents?doc=nope.txt")
        page.get_by_text("The link asks for “nope.txt”, which is not in the index").wait_for(timeout=60_000)
        # from the menu, the reader opens on its first page and one Back leaves it
        page.goto(f"{url}/actions")
        page.get_by_text("38 of 38 actions").wait_for(timeout=60_000)
        page.get_by_role("link", name="Documents").first.click()
        _main(page).get_by_label("Page").wait_for(timeout=60_000)
        page.go_back()
        page.get_by_text("38 of 38 actions").wait_for(timeout=60_000)
        assert "/actions" in page.url, page.url


def test_document_text_is_never_markup_on_any_page(real_embedder, tmp_path):
    """Markdown, HTML and Streamlit directives in a document, its title and its action table are
    shown as the characters they are, on every page."""
    from assistant.index.build import build

    corpus, index = tmp_path / "hostile" / "corpus", tmp_path / "hostile" / "index"
    corpus.mkdir(parents=True)
    hostile = (
        "- **Bold** <img src=x onerror=alert(1)> [a link](http://evil.example) :red[red] $x^2$ # Heading"
    )
    (corpus / "hostile-plan.txt").write_text(
        f"I. Purpose\n\n1. The marker phrase zebra crossing audit: {hostile}.\n", encoding="utf-8"
    )
    (corpus / "manifest.toml").write_text(
        '[[document]]\nfile = "hostile-plan.txt"\ntitle = "**Plan** <i>slanted</i> [t](http://evil.example)"\n'
        'kind = "plan"\n',
        encoding="utf-8",
    )
    (corpus / "hostile-plan.actions.csv").write_text(
        "row,page,section,strategic_objectives,topic,objective,action,timeframe,priority,kpi,"
        "body_in_charge,responsible_team,inherited,note\n"
        f'1,1,SP1. Tools,SO1,Audits,Objective,"{hostile}",June 2024,A,"<b>KPI</b>",EC,Compliance,,\n',
        encoding="utf-8",
    )
    build(corpus, index, real_embedder)
    with (
        served_app(corpus, index, tmp_path / "egress.log", token="t0ken") as (url, _, _),
        browser_page(url) as page,
    ):
        ask(page, "What does the zebra crossing audit say?", "zebra crossing audit")
        page.locator('[data-testid="stChatMessage"]').nth(1).locator(
            '[data-testid="stExpander"] summary'
        ).first.click()
        _assert_shown_as_text(page, "- **Bold** <img src=x onerror=alert(1)> [a link](http://evil.example)")

        page.goto(f"{url}/actions")
        page.get_by_text("1 of 1 actions").wait_for(timeout=60_000)
        page.locator('[data-testid="stDataFrame"]').first.click(position={"x": 20, "y": 55})  # row 1
        dialog = page.locator('[data-testid="stDialog"]')  # the row opens over the page
        dialog.get_by_text("Open the source page").wait_for(timeout=30_000)
        _assert_shown_as_text(
            page, "- **Bold** <img src=x onerror=alert(1)> [a link](http://evil.example)", dialog
        )

        page.goto(f"{url}/documents?doc=hostile-plan.txt&page=1")
        page.get_by_text("zebra crossing audit").first.wait_for(timeout=60_000)
        _assert_shown_as_text(page, "**Bold** <img src=x onerror=alert(1)> [a link](http://evil.example)")

        page.goto(f"{url}/admin")
        page.get_by_label("Admin token").fill("t0ken")
        page.keyboard.press("Enter")
        page.get_by_text("Documents in the corpus").wait_for(timeout=60_000)
        _assert_shown_as_text(page, "**Plan** <i>slanted</i> [t](http://evil.example)")


def _assert_shown_as_text(page, literal: str, within=None) -> None:
    """The literal characters are on the page (or `within` a part of it, such as a dialog),
    and none of them became an element."""
    main = within if within is not None else _main(page)
    # a page shows its heading before the rest of its script has run (the admin page's table
    # of documents came a moment after "Documents in the corpus" in a CI run): wait for it
    deadline = time.monotonic() + 30
    text = main.inner_text()
    while literal not in text and time.monotonic() < deadline:
        time.sleep(0.2)
        text = main.inner_text()
    assert literal in text, text
    made = "img[src='x'], i:has-text('slanted'), h1:has-text('Heading'), .katex, strong:has-text('Bold')"
    # a bare URL in the text may be linked as itself (GitHub-flavoured Markdown does that), but
    # document text never makes a link that reads as something else
    disguised = main.locator("a[href*='evil']").evaluate_all(
        "es => es.filter(e => e.textContent !== e.getAttribute('href')).map(e => e.outerHTML)"
    )
    assert disguised == []
    assert main.locator(made).count() == 0, main.locator(made).evaluate_all("es => es.map(e => e.outerHTML)")


# every text the rebuild's progress bar shows, recorded as the page changes
RECORD_PROGRESS = """() => {
  window.progressTexts = [];
  new MutationObserver(() => {
    for (const bar of document.querySelectorAll('[data-testid="stProgress"]')) {
      const text = bar.innerText.trim();
      if (text && window.progressTexts.at(-1) !== text) window.progressTexts.push(text);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_admin_uploads_with_details_removes_and_rebuilds_in_the_browser(real_index, tmp_path):
    corpus, index = tmp_path / "served" / "corpus", tmp_path / "served" / "index"
    shutil.copytree(real_index[0], corpus)
    shutil.copytree(real_index[1], index)
    document = tmp_path / "status update 2026.txt"
    paragraphs = "\n\n".join(
        f"{n}. The self-assessment tool was piloted in region {n} in 2026, with customs officers "
        f"trained on waste controls and {n * 3} inspections recorded."
        for n in range(1, 120)
    )
    document.write_text(f"I. Progress\n\n{paragraphs}\n", encoding="utf-8")
    with (
        served_app(corpus, index, tmp_path / "egress.log", token="t0ken") as (url, _, _),
        browser_page(url) as page,
    ):
        page.get_by_role("link", name="Admin").first.click()
        page.get_by_label("Admin token").fill("t0ken")
        page.keyboard.press("Enter")
        page.locator('input[type="file"]').set_input_files(str(document))
        page.get_by_text("waiting to be added").wait_for(timeout=60_000)
        # the uploader is cleared once the file is staged: it lists no file
        listed = '[data-testid="stFileChip"], [data-testid="stFileUploaderFile"]'
        page.wait_for_function(f"() => !document.querySelector('{listed}')", timeout=30_000)
        page.get_by_label("Title", exact=True).fill("Status update on the Green Customs Action Plan, 2026")
        page.get_by_label("Date", exact=True).fill("June 2026")  # refused: the form says what to enter
        page.get_by_label("Meeting", exact=True).fill("Permanent Technical Committee, 245th Session")
        page.get_by_role("button", name="Add to the corpus").click()
        page.get_by_text("enter it as YYYY, YYYY-MM or YYYY-MM-DD").wait_for(timeout=30_000)
        assert not (corpus / "status-update-2026.txt").exists()
        page.get_by_label("Date", exact=True).fill("2026-06")
        page.get_by_role("button", name="Add to the corpus").click()
        page.get_by_text("is in the corpus; rebuild").wait_for(timeout=30_000)
        manifest = (corpus / "manifest.toml").read_text(encoding="utf-8")
        assert 'title = "Status update on the Green Customs Action Plan, 2026"' in manifest
        assert 'date = "2026-06"' in manifest and "# One [[document]] per corpus file" in manifest

        page.evaluate(RECORD_PROGRESS)
        page.get_by_role("button", name="Rebuild now").click()
        page.get_by_text("1 added").wait_for(timeout=300_000)
        seen = page.evaluate("window.progressTexts")
        assert len([t for t in seen if t.startswith("embed")]) >= 2, seen  # the bar moved while embedding
        page.get_by_text("Status update on the Green Customs Action Plan, 2026").first.wait_for()

        # remove it again: confirmed in a dialog, the file kept, the index rebuilt without it
        row = page.locator('[data-testid="stHorizontalBlock"]').filter(has_text="status-update-2026.txt")
        row.get_by_role("button", name="Remove").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("corpus/.removed/").wait_for(timeout=30_000)
        dialog.get_by_role("button", name="Remove and rebuild").click()
        page.get_by_text("1 removed").wait_for(timeout=120_000)
    assert not (corpus / "status-update-2026.txt").exists()
    assert [p.name for p in (corpus / ".removed").glob("*/*.txt")] == ["status-update-2026.txt"]
    assert "status-update-2026.txt" not in (corpus / "manifest.toml").read_text(encoding="utf-8")


def test_ten_sessions_at_once_are_all_answered(real_index, tmp_path):
    corpus, index = real_index
    guard_log = tmp_path / "egress.log"
    with served_app(corpus, index, guard_log) as (url, _, _):
        times = concurrent_sessions(url, sessions=10, timeout=180)
    assert len(times) == 10  # each session saw its own answer (a missing one raises)
    assert not guard_log.exists() or guard_log.read_text() == ""
    assert len(BENCH_QUESTIONS) >= 10


def test_the_first_page_is_ready_soon_after_the_server_says_healthy(real_index, tmp_path):
    """The model and the index load before the server listens: the first visit does not wait."""
    from playwright.sync_api import sync_playwright

    corpus, index = real_index
    with served_app(corpus, index, tmp_path / "egress.log") as (url, _, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            started = time.perf_counter()  # the browser is up: what counts is the server's work
            page.goto(url)
            page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=60_000)
            first = time.perf_counter() - started
        finally:
            browser.close()
    # generous against a loaded machine; `make bench` prints the figure (goal < 3 s)
    assert first < 15, f"the first page took {first:.1f} s after the server was healthy"
