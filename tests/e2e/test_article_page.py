"""The seed article in Chromium at desktop and phone sizes: a compact appeal, focus after a
dismissal, the source link, external Read also links, and no serious accessibility problems."""

import pytest
from django.core.management import call_command

from articles.models import ArticlePage, ReadAlsoLink
from membership.models import Appeal
from membership.seed import SEED_APPEAL_NAME
from tests.e2e.helpers import SEED_TITLE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
APPEAL = ".patron-appeal"
SOURCE_URL = "https://news.example/north-korea-containers"
EXTERNAL_URL = "https://bloomberg.example/eu-leaders"
FIRST_PARAGRAPH = "We keep our reporting open"
REST = "A little bit goes a long way"


@pytest.fixture
def seeded():
    """The seed story and its appeal, with a source URL and one external Read also link (the
    seed's own Read also links are draft stubs, which readers don't see)."""
    call_command("import_seed", verbosity=0)
    story = ArticlePage.objects.get(title=SEED_TITLE)
    story.source_url = SOURCE_URL
    story.read_also_links = [
        *story.read_also_links.all(),
        ReadAlsoLink(
            external_url=EXTERNAL_URL,
            external_title="EU leaders to call for sanctions",
            external_source="Bloomberg",
        ),
    ]
    for i, link in enumerate(story.read_also_links.all()):
        link.sort_order = i
    story.save_revision().publish()
    return ArticlePage.objects.get(pk=story.pk), Appeal.objects.get(name=SEED_APPEAL_NAME)


def test_on_a_phone_the_appeal_fits_one_screen_until_read_more(seeded, browser_page):
    story, _ = seeded
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(story.url)

    aside = page.locator(APPEAL)
    aside.scroll_into_view_if_needed()
    height = aside.bounding_box()["height"]
    print(f"appeal height on a 390x844 phone, closed: {height:.0f} px")
    assert height <= PHONE["height"], height
    assert aside.get_by_text(FIRST_PARAGRAPH).is_visible()
    assert not aside.get_by_text(REST).is_visible()
    # The buttons come before "Read more", so they show without opening it.
    assert aside.get_by_role("link", name="Become a patron").is_visible()
    order = aside.evaluate(
        """node => {
          const cta = node.querySelector(".patron-appeal__cta");
          const more = node.querySelector("details");
          return Boolean(cta.compareDocumentPosition(more) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert order

    aside.locator("summary", has_text="Read more").click()
    assert aside.locator("details").get_attribute("open") is not None
    assert aside.get_by_text(REST).is_visible()
    print(f"appeal height on a 390x844 phone, open: {aside.bounding_box()['height']:.0f} px")


def test_after_dismissing_the_appeal_focus_is_on_the_content_that_follows(seeded, browser_page):
    story, _ = seeded
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(story.url)
    following = page.evaluate(
        """() => {
          const aside = document.querySelector(".patron-appeal");
          // The end placement is the last thing in the body: what follows is the footer.
          if (aside.nextElementSibling) return "sibling";
          return aside.parentElement.nextElementSibling.className;
        }"""
    )
    assert following == "article-footer"

    page.get_by_role("button", name="Dismiss this appeal").click()
    page.locator(APPEAL).wait_for(state="hidden")

    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName, cls: document.activeElement.className})"
    )
    assert focused["tag"] != "BODY"
    assert "article-footer" in focused["cls"].split()
    # Tab goes on from there: the next link is in the footer, not the page's header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => Boolean(document.activeElement.closest('.article-footer'))")


def test_after_dismissing_an_inline_appeal_focus_is_on_the_next_paragraph(seeded, browser_page):
    story, appeal = seeded
    appeal.placement = Appeal.Placement.INLINE
    appeal.inline_after_paragraph = 1
    appeal.save_revision().publish()
    page = browser_page
    page.goto(story.url)
    expected = page.locator(APPEAL).evaluate("node => node.nextElementSibling.textContent.trim()")

    page.get_by_role("button", name="Dismiss this appeal").click()
    page.locator(APPEAL).wait_for(state="hidden")

    assert page.evaluate("() => document.activeElement.textContent.trim()") == expected
    assert page.evaluate("() => document.activeElement.tagName") != "BODY"


def test_the_source_links_out_and_external_read_also_links_are_marked(seeded, browser_page):
    story, _ = seeded
    page = browser_page
    page.goto(story.url)

    source = page.locator(".source-line a")
    assert source.get_attribute("href") == SOURCE_URL
    assert set(source.get_attribute("rel").split()) == {"external", "noopener"}
    assert source.inner_text().strip().startswith("Sky News")
    # The marker: an icon hidden from assistive technology, and words for screen readers.
    assert source.locator("svg").get_attribute("aria-hidden") == "true"
    assert source.locator(".visually-hidden").text_content().strip() == "(external site)"

    external = page.locator(f".read-also a[href='{EXTERNAL_URL}']")
    assert external.locator(".source").inner_text() == "Bloomberg:"
    assert external.locator("svg").is_visible()
    accessible = page.get_by_role(
        "link", name="Bloomberg: EU leaders to call for sanctions (external site)"
    )
    assert accessible.count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_seed_article_has_no_serious_accessibility_problems(
    seeded, browser_page, axe_check, viewport
):
    story, _ = seeded
    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(story.url)
    axe_check(page, f"article {viewport['width']}x{viewport['height']}")
    page.locator(f"{APPEAL} summary").click()
    axe_check(page, f"article, appeal opened, {viewport['width']}x{viewport['height']}")
