"""A reader meets the patron appeal: placed in the article, capped, dismissed, counted.

Real Chromium under the site's real CSP: the appeal script is a static file allowed only by
its sha256 hash, so these journeys also prove the browser accepts that hash.
"""

import re
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import ArticlePage
from membership.models import Appeal, AppealDay
from membership.seed import SEED_APPEAL_NAME
from tests.e2e.helpers import PASSWORD, sign_in_to_admin
from tests.factories import ArticlePageFactory, paragraph_body

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEED_TITLE = "North Korea ships “7,000 containers of military aid to Russia”"
HEADING = (
    "You could close this page. Or you could join our community and help us produce more "
    "materials like this."
)
APPEAL = ".patron-appeal"
BEACON_PATH = "/membership/beacon/"

# Runs before any page script: records CSP violations, and how each appeal looked the moment
# the parser inserted it (a MutationObserver callback runs before the next paint).
WATCH_PAGE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
});
window.__appealFirstSeen = [];
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType === 1 && node.matches(".patron-appeal")) {
        window.__appealFirstSeen.push(getComputedStyle(node).display);
      }
    }
  }
}).observe(document, { childList: true, subtree: true });
"""


@pytest.fixture
def seeded():
    call_command("import_seed", verbosity=0)
    story = ArticlePage.objects.get(title=SEED_TITLE)
    appeal = Appeal.objects.get(name=SEED_APPEAL_NAME)
    return story, appeal


def publish(appeal, **changes):
    for name, value in changes.items():
        setattr(appeal, name, value)
    appeal.save_revision().publish()
    return Appeal.objects.get(pk=appeal.pk)


def long_article(title, count=8):
    texts = [
        f"Paragraph {i} of the story. " + "It goes on with more detail about the matter. " * 6
        for i in range(1, count + 1)
    ]
    return ArticlePageFactory(title=title, body=paragraph_body(*texts))


def watch(page):
    """Console errors and beacon requests of a page, as lists that fill as it runs."""
    errors, beacons = [], []
    page.add_init_script(WATCH_PAGE)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda r: beacons.append(r.post_data) if r.url.endswith(BEACON_PATH) else None,
    )
    return errors, beacons


def csp_problems(page, errors):
    console = [
        text
        for text in errors
        if re.search(r"Content Security Policy|integrity|Refused", text, re.IGNORECASE)
    ]
    return console + page.evaluate("window.__csp")


def wait_for_day(appeal, **expected):
    """Polls today's totals until they match (the beacon is answered after the page moves on)."""
    deadline = time.monotonic() + 5
    while True:
        day = AppealDay.objects.filter(appeal=appeal, date=timezone.localdate()).first()
        got = {name: getattr(day, name, 0) for name in expected}
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def is_shown(page, selector=APPEAL):
    return page.locator(selector).evaluate("node => getComputedStyle(node).display !== 'none'")


def sign_in(page, django_user_model):
    if not django_user_model.objects.filter(username="editor").exists():
        django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    sign_in_to_admin(page)


def open_preview(page, article):
    """What the editor's preview panel does: post the edit form, then load the preview."""
    page.goto(f"/admin/pages/{article.pk}/edit/")
    preview_url = f"/admin/pages/{article.pk}/edit/preview/"
    posted = page.evaluate(
        """async (url) => {
          const form = document.querySelector("form[data-edit-form]") ||
            document.querySelector("#page-edit-form");
          const response = await fetch(url, { method: "POST", body: new FormData(form) });
          return response.json();
        }""",
        preview_url,
    )
    assert posted["is_valid"], posted
    page.goto(preview_url)


def stored_caps(page):
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(localStorage)
             .filter((key) => key.startsWith("membership.appeal."))
             .map((key) => [key, localStorage.getItem(key)]))"""
    )


def test_reader_sees_the_seed_appeal_at_the_end_of_the_seed_story(seeded, browser_page):
    story, appeal = seeded
    # Publish the stories the seed story links to, so it has a Read also list to come before.
    for stub in ArticlePage.objects.filter(live=False):
        stub.standfirst = "Published for this test."
        stub.save_revision().publish()
    page = browser_page
    errors, _ = watch(page)

    response = page.goto(story.url)
    policy = response.headers["content-security-policy"]
    script = page.locator("script[src$='membership/appeal.js']")
    integrity = script.get_attribute("integrity")
    assert integrity.startswith("sha256-")
    assert f"script-src '{integrity}'" in policy, policy

    aside = page.locator(APPEAL)
    assert aside.count() == 1
    assert aside.get_attribute("class") == "patron-appeal patron-appeal--end"
    assert aside.get_by_role("heading", level=2).inner_text() == HEADING
    cta = aside.get_by_role("link", name="Become a patron")
    assert re.search(rf"[?&]appeal={appeal.pk}(&|$)", cta.get_attribute("href"))
    assert aside.get_by_role("link", name="see other ways to support").is_visible()
    assert aside.is_visible()

    # At the end: the last thing in the body, after its last paragraph, before Read also.
    order = page.evaluate(
        """() => {
          const body = document.querySelector(".article-body");
          const aside = document.querySelector(".patron-appeal");
          const readAlso = document.querySelector(".read-also");
          return {
            last: body.lastElementChild === aside,
            afterParagraph: aside.previousElementSibling.tagName,
            beforeReadAlso: !!readAlso &&
              !!(aside.compareDocumentPosition(readAlso) & Node.DOCUMENT_POSITION_FOLLOWING),
          };
        }"""
    )
    assert order == {"last": True, "afterParagraph": "P", "beforeReadAlso": True}, order

    # The script ran under the real CSP: it marked <html> and revealed the close control.
    assert "patron-appeal-js" in page.evaluate("document.documentElement.className")
    assert aside.get_by_role("button", name="Dismiss this appeal").is_visible()
    assert csp_problems(page, errors) == []


def test_inline_appeal_appears_after_paragraph_n(seeded, browser_page):
    _, appeal = seeded
    article = long_article("Inline appeal story", count=6)
    publish(appeal, placement=Appeal.Placement.INLINE, inline_after_paragraph=2)
    page = browser_page

    page.goto(article.url)
    aside = page.locator(APPEAL)
    assert aside.count() == 1  # inline only: not repeated at the end
    assert aside.get_attribute("class") == "patron-appeal patron-appeal--inline"
    assert aside.is_visible()
    neighbours = aside.evaluate(
        "node => [node.previousElementSibling.textContent, node.nextElementSibling.textContent]"
    )
    assert neighbours[0].startswith("Paragraph 2 of the story.")
    assert neighbours[1].startswith("Paragraph 3 of the story.")
    paragraphs = page.locator(".article-body > p")
    assert paragraphs.count() == 6


def test_a_dismissed_appeal_stays_hidden_without_a_layout_shift(seeded, browser_page):
    story, _ = seeded
    page = browser_page
    errors, _ = watch(page)
    page.goto(story.url)
    assert is_shown(page)

    # Reach the close control by keyboard and press Enter.
    close = page.get_by_role("button", name="Dismiss this appeal")
    assert close.get_attribute("aria-label")
    for _ in range(60):
        page.keyboard.press("Tab")
        if close.evaluate("node => node === document.activeElement"):
            break
    else:
        pytest.fail("the close control was never reached with Tab")
    page.keyboard.press("Enter")
    page.locator(APPEAL).wait_for(state="hidden")

    # The next page view: hidden from the first paint, so nothing moves.
    page.goto(story.url, wait_until="domcontentloaded")
    at_dom_ready = page.evaluate(
        """() => ({
          display: getComputedStyle(document.querySelector(".patron-appeal")).display,
          hidden: document.documentElement.classList.contains("patron-appeal-hidden"),
        })"""
    )
    assert at_dom_ready == {"display": "none", "hidden": True}
    assert page.evaluate("window.__appealFirstSeen") == ["none"]
    page.wait_for_load_state("load")
    shifts = page.evaluate(
        """() => new Promise((resolve) => {
          new PerformanceObserver((list) => resolve(list.getEntries().map((e) => e.value)))
            .observe({ type: "layout-shift", buffered: true });
          setTimeout(() => resolve([]), 500);
        })"""
    )
    assert sum(shifts) == 0, shifts
    assert not page.locator(APPEAL).is_visible()
    assert csp_problems(page, errors) == []


def test_once_every_three_views(seeded, browser_page):
    story, appeal = seeded
    other = long_article("Another story")
    publish(appeal, frequency=Appeal.Frequency.EVERY_K_VIEWS, frequency_views=3)
    page = browser_page

    seen = []
    # Caps count article views across articles, so alternate between two.
    for url in [story.url, other.url] * 3:
        page.goto(url)
        assert page.locator(APPEAL).count() == 1  # the HTML always carries it
        seen.append(is_shown(page))
    assert seen == [True, False, False, True, False, False]


def test_views_of_articles_without_an_appeal_count_toward_the_cap(seeded, browser_page):
    story, appeal = seeded
    publish(appeal, frequency=Appeal.Frequency.EVERY_K_VIEWS, frequency_views=3)
    sensitive = ArticlePageFactory(
        title="A sensitive story", no_promotions=True, body=paragraph_body("Quiet.")
    )
    page = browser_page
    errors, _ = watch(page)

    seen = []
    for url in [story.url, sensitive.url, story.url, story.url]:
        page.goto(url)
        if url == sensitive.url:
            assert page.locator(APPEAL).count() == 0  # no appeal, only the counting script
            assert page.locator("script[data-appeal='']").count() == 1
        else:
            seen.append(is_shown(page))
    # Views 1, 3 and 4: the sensitive story's view 2 counted, so view 4 is 3 after view 1.
    assert seen == [True, False, True]
    assert stored_caps(page)["membership.appeal.views"] == "4"
    assert csp_problems(page, errors) == []


def test_without_javascript_the_appeal_shows_without_a_close_control(seeded, chromium, live_server):
    story, _ = seeded
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(story.url)
        aside = page.locator(APPEAL)
        assert aside.is_visible()
        assert aside.get_by_role("heading", name=HEADING).is_visible()
        assert aside.get_by_role("link", name="Become a patron").is_visible()
        close = aside.locator(".patron-appeal__close")
        assert close.count() == 1
        assert not close.is_visible()
        assert "patron-appeal-js" not in (page.locator("html").get_attribute("class") or "")
    finally:
        context.close()


def test_views_and_clicks_are_counted_but_never_in_preview(
    seeded, browser_page, chromium, live_server, django_user_model
):
    _, appeal = seeded
    article = long_article("A long story", count=12)
    page = browser_page
    _, beacons = watch(page)

    page.goto(article.url)
    aside = page.locator(APPEAL)
    box = aside.bounding_box()
    viewport = page.viewport_size["height"]
    assert box["y"] > viewport, "the appeal should start below the fold"

    # A quarter of it in view is not a view.
    page.evaluate(f"window.scrollTo(0, {box['y'] - viewport + box['height'] * 0.25})")
    page.wait_for_timeout(600)
    assert beacons == []

    # Fully in view: one view, sent once however often it comes back into view.
    with page.expect_request(lambda r: r.url.endswith(BEACON_PATH)) as request:
        aside.scroll_into_view_if_needed()
    assert request.value.method == "POST"
    assert request.value.post_data == f"appeal={appeal.pk}&event=view"
    assert wait_for_day(appeal, views=1, clicks=0) == {"views": 1, "clicks": 0}
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    aside.scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    assert len(beacons) == 1

    # The call to action adds a click, even as the browser leaves the page.
    aside.get_by_role("link", name="Become a patron").click()
    page.wait_for_url(re.compile(rf"[?&]appeal={appeal.pk}"))
    assert wait_for_day(appeal, views=1, clicks=1) == {"views": 1, "clicks": 1}

    # An editor previewing the article, and reloading the preview, never counts.
    admin = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        editor = admin.new_page()
        _, preview_beacons = watch(editor)
        sign_in(editor, django_user_model)
        open_preview(editor, article)
        for _ in range(2):
            editor.reload()
            preview_appeal = editor.locator(APPEAL)
            assert preview_appeal.get_by_role("heading", name=HEADING).is_visible()
            assert preview_appeal.get_attribute("data-beacon") is None
            preview_appeal.scroll_into_view_if_needed()
            editor.wait_for_timeout(500)
        assert preview_beacons == []
    finally:
        admin.close()
    assert wait_for_day(appeal, views=1, clicks=1) == {"views": 1, "clicks": 1}


def test_patrons_do_not_see_an_appeal_hidden_for_patrons(seeded, browser_page, live_server):
    story, appeal = seeded
    assert appeal.hide_for_patrons
    page = browser_page
    page.context.add_cookies([{"name": "membership_patron", "value": "1", "url": live_server.url}])

    page.goto(story.url)
    assert page.locator(APPEAL).count() == 1
    assert not is_shown(page)

    # The same patron sees an appeal that is not hidden for patrons (reloading: the article
    # is publicly cacheable, so a plain second visit may come from the browser's cache).
    publish(appeal, hide_for_patrons=False)
    page.reload()
    assert (
        page.locator("script[data-hide-for-patrons]").get_attribute("data-hide-for-patrons") == "0"
    )
    assert is_shown(page)


def test_an_editor_who_dismissed_the_appeal_as_a_reader_still_sees_it_in_preview(
    seeded, browser_page, django_user_model
):
    story, appeal = seeded
    publish(appeal, frequency=Appeal.Frequency.EVERY_K_VIEWS, frequency_views=3)
    page = browser_page
    _, beacons = watch(page)

    # As a reader: dismiss it. The next view hides it.
    page.goto(story.url)
    page.get_by_role("button", name="Dismiss this appeal").click()
    page.locator(APPEAL).wait_for(state="hidden")
    page.goto(story.url)
    assert not is_shown(page)
    caps = stored_caps(page)
    assert caps["membership.appeal.views"] == "2"
    page.wait_for_timeout(300)
    beacons_before = len(beacons)
    day = AppealDay.objects.filter(appeal=appeal).first()
    counted = {"views": getattr(day, "views", 0), "clicks": getattr(day, "clicks", 0)}

    # The same browser, now signed in, previews the story: the appeal shows, with its close
    # control, and neither the reader's caps nor the counts move.
    sign_in(page, django_user_model)
    for _ in range(2):
        open_preview(page, story)
        aside = page.locator(APPEAL)
        assert is_shown(page)
        assert aside.get_by_role("heading", name=HEADING).is_visible()
        assert page.locator("script[data-preview='1']").count() == 1
        assert aside.get_by_role("button", name="Dismiss this appeal").is_visible()
        aside.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    assert stored_caps(page) == caps
    assert len(beacons) == beacons_before

    # Closing it in preview hides it there and stores nothing.
    page.get_by_role("button", name="Dismiss this appeal").click()
    page.locator(APPEAL).wait_for(state="hidden")
    assert stored_caps(page) == caps
    assert len(beacons) == beacons_before
    assert wait_for_day(appeal, **counted) == counted
