"""A real server and a real browser: `streamlit run app.py` on loopback, Debian's chromium
driven by Playwright. Used by the browser tests and by the browser benchmark."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
]
PLACEHOLDER = "Ask about the Green Customs Action Plan and its updates"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_app(corpus: Path, index: Path, guard_log: Path, token: str | None = None, timeout: float = 120):
    """`streamlit run app.py` on 127.0.0.1, with outgoing connections refused and logged.
    Yields (url, seconds from process start to the health check answering). The server's output
    goes to a file beside `guard_log` (a pipe nobody reads would stall a chatty server), and its
    end is added to any error raised inside the block."""
    port = free_port()
    server_log = guard_log.with_name(f"streamlit-{port}.log")
    env = {
        **os.environ,
        "ASSISTANT_CORPUS": str(corpus),
        "ASSISTANT_INDEX": str(index),
        "ASSISTANT_NETGUARD_LOG": str(guard_log),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "netguard"), str(ROOT)]),
    }
    env.pop("ASSISTANT_ADMIN_TOKEN", None)
    if token:
        env["ASSISTANT_ADMIN_TOKEN"] = token
    started = time.perf_counter()
    with server_log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ui.serve",  # as `make run` starts it: the model and the index load before it listens
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {server_log.read_text()}")
            time.sleep(0.2)
        yield url, time.perf_counter() - started, started
    except Exception as exc:
        exc.add_note(f"the server's last output ({server_log}):\n{server_log.read_text()[-3000:]}")
        raise
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def browser_page(url: str, requests: list[str] | None = None):
    """A headless chromium page; every request URL is appended to `requests`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            if requests is not None:
                page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=120_000)
            try:
                yield page
            except Exception as exc:  # what the browser showed when the test failed
                main = page.locator('[data-testid="stMainBlockContainer"]')
                shown = main.inner_text(timeout=5_000) if main.count() else page.content()
                state = page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")
                exc.add_note(f"the browser was at {page.url} (script {state}), showing:\n{shown[:3000]}")
                raise
        finally:
            browser.close()


def ask(page, question: str, expect: str, timeout: float = 60_000) -> float:
    """Type a question into the chat; seconds until `expect` is shown in the answer."""
    answers_before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.locator('[data-testid="stChatMessage"]').nth(answers_before + 1).get_by_text(
        expect, exact=False
    ).first.wait_for(timeout=timeout)
    seconds = time.perf_counter() - started
    # the answer shows before the page's script ends (its sources and buttons come after):
    # the next click waits until the app is idle, as its status indicator tells a reader
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout)
    return seconds


def concurrent_sessions(url: str, sessions: int = 10, timeout: float = 120) -> list[float]:
    """`sessions` browser sessions at once, each asking one question; seconds each took to see
    its answer. Bounded: one question per session, a time limit for all."""
    import asyncio

    from playwright.async_api import async_playwright

    async def one(browser, index: int) -> float:
        question, expect = BENCH_QUESTIONS[index % len(BENCH_QUESTIONS)]
        page = await browser.new_page()
        try:
            await page.goto(url, timeout=timeout * 1000)  # ten pages at once on a loaded machine
            box = page.get_by_placeholder(PLACEHOLDER)
            await box.wait_for(timeout=timeout * 1000)
            await box.fill(question)
            started = time.perf_counter()
            await box.press("Enter")
            await (
                page.locator('[data-testid="stChatMessage"]')
                .nth(1)
                .get_by_text(expect, exact=False)
                .first.wait_for(timeout=timeout * 1000)
            )
            return time.perf_counter() - started
        finally:
            await page.close()

    async def run() -> list[float]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                return await asyncio.wait_for(
                    asyncio.gather(*(one(browser, i) for i in range(sessions))), timeout
                )
            finally:
                await browser.close()

    return asyncio.run(run())


BENCH_QUESTIONS = [
    ("What is Green Customs?", "Green Customs refers to"),
    ("Who owns the return-refill guidelines?", "responsible team: Facilitation"),
    ("Which priority-A actions are due in 2023?", "5 action(s) match"),
    ("What is the status of GCAP-19?", "Status: in progress"),
    ("When is the Enforcement Handbook to be developed?", "timeframe: June 2023"),
    ("What is EC in charge of?", "16 action(s) match"),
    ("Who proposed the Baku Declaration?", "Republic of Azerbaijan"),
    ("What is the KPI for the operation on wildlife trafficking?", "Operation and final report delivered"),
    ("How do I reset my CENcomm password?", "not in these documents"),
    ("Which body is in charge of waste SOPs?", "body in charge: EC"),
]


def first_page_seconds(url: str) -> float:
    """Seconds from opening the app in a fresh browser to the chat box being shown."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(url)
            page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=120_000)
            return time.perf_counter() - started
        finally:
            browser.close()


def screenshots(folder: Path) -> None:
    """The README's pictures: Ask with an open source, Actions with its charts, Admin preview."""
    import tempfile

    from assistant.config import get_settings

    settings = get_settings()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(settings.corpus_dir, corpus, ignore=shutil.ignore_patterns(".*"))
        shutil.copytree(settings.index_dir, index)
        with (
            served_app(corpus, index, Path(tmp) / "egress.log", token="screenshots") as (url, _, _),
            browser_page(url) as page,
        ):
            page.set_viewport_size({"width": 1400, "height": 900})
            ask(page, "Who owns the return-refill guidelines?", "responsible team: Facilitation")
            answer = page.locator('[data-testid="stChatMessage"]').nth(1)
            answer.locator('[data-testid="stExpander"] summary').first.click()
            answer.get_by_role("link", name="Open in the document reader").first.wait_for()
            page.screenshot(path=str(folder / "ask.png"))
            page.goto(f"{url}/actions")
            page.get_by_text("The plan at a glance").scroll_into_view_if_needed()
            page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()
            time.sleep(1)
            page.screenshot(path=str(folder / "actions.png"))
            page.goto(f"{url}/admin")
            page.get_by_label("Admin token").fill("screenshots")
            page.keyboard.press("Enter")
            plan = next(corpus.glob("*.txt"))
            upload = Path(tmp) / "status-update-draft.txt"
            upload.write_text(plan.read_text(encoding="utf-8")[:4000], encoding="utf-8")
            page.locator('input[type="file"]').set_input_files(str(upload))
            page.get_by_text("waiting to be added").wait_for(timeout=120_000)
            page.get_by_role("button", name="Add to the corpus").wait_for(timeout=120_000)
            page.get_by_text("Documents in the corpus").wait_for(timeout=120_000)
            time.sleep(1)
            page.screenshot(path=str(folder / "admin.png"))
    print(f"wrote {folder}/ask.png, actions.png, admin.png")


def main() -> None:
    """Browser figures: `streamlit run` to the first answer, and the median answer time."""
    import statistics
    import tempfile

    from assistant.config import get_settings

    settings = get_settings()
    with (
        tempfile.TemporaryDirectory() as tmp,
        served_app(settings.corpus_dir, settings.index_dir, Path(tmp) / "egress.log") as (url, _, started),
    ):
        first_page = first_page_seconds(url)
        with browser_page(url) as page:
            first = ask(page, *BENCH_QUESTIONS[0])
            to_first = time.perf_counter() - started
            times = [ask(page, question, expect) for question, expect in BENCH_QUESTIONS]
        # after the sync browser has closed: its event loop would refuse the async sessions
        together = concurrent_sessions(url, sessions=10)
    print(
        f"browser: `streamlit run` to the first answer shown: {to_first:.1f} s "
        f"(of which the question itself: {first:.2f} s)"
    )
    print(f"browser: first page after the server is healthy: {first_page:.2f} s (goal < 3 s)")
    print(
        f"browser: answer shown, median over {len(times)} questions: "
        f"{statistics.median(times) * 1000:.0f} ms (max {max(times) * 1000:.0f} ms)"
    )
    print(
        f"browser: 10 sessions at once, all answered; median {statistics.median(together):.2f} s, "
        f"slowest {max(together):.2f} s"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["screenshots"]:
        screenshots(Path(sys.argv[2] if len(sys.argv) > 2 else "docs"))
    else:
        main()
