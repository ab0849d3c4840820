"""Browser journeys: pip's Playwright driving Debian's Chromium against pytest-django's live server.

Without Chromium or the playwright package these tests skip, saying why; in CI (CI=true)
they fail instead, so a broken browser setup can never pass quietly.
"""

import os
import re
from pathlib import Path

import pytest

from tests.e2e.helpers import TIMEOUT_MS

# Playwright's sync API runs an event loop in this thread; the tests still need the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCREENSHOT_DIR = Path(os.environ.get("NEWSROOM_E2E_SCREENSHOTS", "/tmp"))


def browser_unavailable(reason):
    print(f"Browser tests cannot run: {reason}")
    if IN_CI:
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def chromium():
    """Chromium, started per test.

    While Playwright's event loop runs, asgiref hands this thread fresh database connections
    (it sees a running loop), and those lack the serialized test data that
    serialized_rollback restores from. Stopping Playwright after each test hands the
    original connection back before the database is flushed and restored.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the playwright package is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        browser_unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_browser_page(request, chromium, live_server):
    """Opens fresh browser tabs on the live server, each in its own context (its own cookies:
    a second person); on failure each leaves a screenshot in /tmp."""
    contexts = []

    def open_page():
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "report_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            suffix = f"-{number + 1}" if number else ""
            path = SCREENSHOT_DIR / f"e2e-{name}{suffix}.png"
            for page in context.pages:
                try:
                    page.screenshot(path=str(path), full_page=True)
                    print(f"Screenshot of the failing page: {path} ({page.url})")
                except Exception as error:  # noqa: BLE001 - a screenshot must never hide the failure
                    print(f"Could not take a screenshot: {error}")
        context.close()


@pytest.fixture
def browser_page(new_browser_page):
    """A fresh browser tab on the live server; on failure it leaves a screenshot in /tmp."""
    return new_browser_page()


@pytest.fixture
def axe_check():
    """Runs axe-core on a page and fails on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label):
        results = axe.run(page)
        bad = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        if bad:
            for violation in bad:
                print(f"[{label}] {violation['impact']}: {violation['id']}: {violation['help']}")
                for node in violation["nodes"][:5]:
                    print("    ", node.get("target"), node.get("failureSummary", "")[:300])
        assert not bad, f"{label}: {[v['id'] for v in bad]}"
        return results

    return check
