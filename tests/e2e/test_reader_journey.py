"""A reader arrives on the front page, reads the seed story, follows a tag, and searches."""

import re

import pytest
from django.core.management import call_command

SEED_TITLE = "North Korea ships “7,000 containers of military aid to Russia”"
SEED_STANDFIRST = (
    "South Korea claims that North Korea has sent around 7,000 containers of munitions "
    "and military equipment to Russia since last year."
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded():
    call_command("import_seed", verbosity=0)


def test_reader_reads_the_seed_story_follows_a_tag_and_searches(seeded, browser_page, axe_check):
    page = browser_page

    # The front page leads with the seed story.
    page.goto("/")
    top = page.locator(".top-story")
    assert top.locator("h3").inner_text() == SEED_TITLE
    assert top.locator(".top-story__standfirst").inner_text() == SEED_STANDFIRST
    assert page.locator("h1").count() == 1
    axe_check(page, "front page")

    # Click through to the story.
    top.get_by_role("link", name=SEED_TITLE).click()
    page.wait_for_url(re.compile(r"/news/[^/]+/$"))
    assert page.locator("h1").inner_text() == SEED_TITLE
    assert page.locator(".standfirst").inner_text() == SEED_STANDFIRST
    paragraphs = page.locator(".article-body > p:not(.read-also-inline)").all_inner_texts()
    assert len(paragraphs) == 3, paragraphs
    assert paragraphs[0].startswith("South Korea has claimed that North Korea has sent")
    assert "Sky News reports" in paragraphs[0]
    assert paragraphs[1].startswith("Mr. Shin stated")
    assert paragraphs[2].startswith("The US and South Korea have previously accused")
    assert "Sky News reports" in page.locator("article").inner_text()
    assert page.get_by_text("Source: Sky News").is_visible()
    # The appeal passage never becomes part of the story itself.
    assert not any("You could close this page" in p for p in paragraphs)
    tag_links = page.locator(".tags a")
    assert tag_links.count() >= 1
    for href in tag_links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("/tags/"), href
    axe_check(page, "article")

    # Follow a tag to its page, which lists the story.
    page.locator(".tags").get_by_role("link", name="Russia", exact=True).click()
    page.wait_for_url("**/tags/russia/")
    assert "Russia" in page.locator("h1").text_content()
    assert page.get_by_role("link", name=SEED_TITLE).is_visible()
    assert page.locator('a[href="/tags/russia/feed/"]').count() == 1
    axe_check(page, "tag page")

    # Search from the header.
    page.get_by_label("Search articles").first.fill("containers")
    page.get_by_label("Search articles").first.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=containers"))
    assert page.get_by_role("link", name=SEED_TITLE).is_visible()
    assert page.locator("#search-q").input_value() == "containers"
    axe_check(page, "search results")

    # And back to the story from the results.
    page.get_by_role("link", name=SEED_TITLE).click()
    page.wait_for_url(re.compile(r"/news/[^/]+/$"))
    assert page.locator("h1").inner_text() == SEED_TITLE


def test_reader_pages_work_on_a_phone_without_javascript(seeded, chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/")
        link = page.locator(".top-story").get_by_role("link", name=SEED_TITLE)
        link.click()
        page.wait_for_url(re.compile(r"/news/[^/]+/$"))
        assert page.locator("h1").inner_text() == SEED_TITLE
        # Nothing overflows sideways on a narrow screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        # On a phone the header links to the search page, whose form works as a plain GET form.
        page.locator(".site-nav").get_by_role("link", name="Search").click()
        page.wait_for_url("**/search/")
        assert page.locator("form[role=search]").count() == 1
        page.locator("#search-q").fill("containers")
        page.locator(".search-form button").click()
        page.wait_for_url(re.compile(r"/search/\?q=containers"))
        assert page.get_by_role("link", name=SEED_TITLE).count() == 1
    finally:
        context.close()
