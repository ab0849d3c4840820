"""The site's own pages in Chromium, on a desktop (1280×900) and a phone (390×844): the front
page at 1, 5 and 50 articles, the About and Privacy pages, and "Follow us". Each is
screenshotted, checked by axe-core, and checked for headings that stand over nothing."""

import pytest

from newsroom.home.standard_pages import ensure_standard_pages
from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.helpers import TIMEOUT_MS
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, home_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
PHONE_HEADER_MAX_PX = 64
TAGS = ["Russia", "Ukraine", "Korea", "Energy", "Courts"]

# The headings in <main> with nothing visible between them and the next heading (or the end
# of their container): a heading over an empty list or section.
EMPTY_HEADINGS_JS = """() => Array.from(document.querySelectorAll("main h2, main h3"))
  .filter(h => h.offsetParent !== null)
  .filter(h => {
    for (let n = h.nextElementSibling; n && !/^H[1-6]$/.test(n.tagName); n = n.nextElementSibling) {
      if (n.innerText.trim() || n.querySelector("img")) return false;
    }
    return true;
  })
  .map(h => h.innerText)"""


@pytest.fixture(params=list(SIZES))
def sized_page(request, chromium, live_server):
    """One browser context at the parametrized size, for the whole test."""
    width, height = SIZES[request.param]
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def add_articles(news, start, stop):
    for i in range(start, stop):
        ArticlePageFactory(
            parent=news,
            title=f"Story number {i}: what happened in the region today",
            standfirst="What happened, in one sentence that a reader can take in at a glance.",
            tags=[TAGS[i % len(TAGS)]] + (["Russia"] if i % 3 == 0 else []),
            with_revision=False,
        )


def check_page(page, url, label, axe_check):
    page.goto(url)
    page.screenshot(path=str(SCREENSHOT_DIR / f"site-{label}-{page.size_name}.png"), full_page=True)
    assert page.evaluate(EMPTY_HEADINGS_JS) == [], label
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (label, width)
    if page.size_name == "phone":
        height = page.locator(".site-header").bounding_box()["height"]
        assert height <= PHONE_HEADER_MAX_PX, (label, height)
    axe_check(page, f"{label} ({page.size_name})")


def test_front_page_with_1_5_and_50_articles(sized_page, axe_check):
    page = sized_page
    news = ArticleIndexPageFactory(parent=home_page())

    # Each visit has its own URL: the browser may keep the front page for a while.
    add_articles(news, 0, 1)
    check_page(page, "/?articles=1", "front-1", axe_check)
    assert page.locator(".latest, .tag-section").count() == 0
    assert page.locator(".top-story h3").inner_text().startswith("Story number 0")

    add_articles(news, 1, 5)
    check_page(page, "/?articles=5", "front-5", axe_check)
    assert page.locator(".latest-list li").count() == 4
    if page.size_name == "desktop":
        # The latest list stands beside the top story, not under it.
        top = page.locator(".top-story").bounding_box()
        latest = page.locator(".latest").bounding_box()
        assert latest["x"] > top["x"] + top["width"] / 2
        assert abs(latest["y"] - top["y"]) < 5

    add_articles(news, 5, 50)
    check_page(page, "/?articles=50", "front-50", axe_check)
    assert page.locator(".tag-section").count() == 3


def test_about_privacy_and_follow_pages(sized_page, axe_check):
    page = sized_page
    home = home_page()
    news = ArticleIndexPageFactory(parent=home)
    add_articles(news, 0, 6)
    ensure_standard_pages(home)

    check_page(page, "/about/", "about", axe_check)
    assert page.locator("h1").inner_text() == "About us"
    check_page(page, "/privacy/", "privacy", axe_check)
    assert "no cookies" in page.locator("main").inner_text()

    # The footer leads to them, and to the Follow us page.
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="About us").get_attribute("href") == "/about/"
    footer.get_by_role("link", name="RSS feeds").click()
    page.wait_for_url("**/follow/")
    check_page(page, "/follow/", "follow", axe_check)
    assert page.locator(".feed-list__tag").first.inner_text() == "Russia"

    # On a phone the header's search is a link to the search page, which has one form.
    check_page(page, "/search/", "search", axe_check)
    assert page.locator("form[role=search]").count() == 1
