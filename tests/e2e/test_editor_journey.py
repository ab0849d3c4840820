"""An editor signs in, writes an article with a tag and a curated Read also link, publishes it,
and sees it on the site."""

import re

import pytest

from articles.models import ArticlePage
from tests.e2e.helpers import PASSWORD, sign_in_to_admin
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Kyiv metro reopens two stations"
STANDFIRST = "Commuters are back underground after months of repairs."
PARAGRAPH = "The stations closed after a strike damaged a tunnel in the spring."
EARLIER = "Repairs begin on the damaged metro tunnel"


@pytest.fixture
def newsroom(django_user_model):
    news = ArticleIndexPageFactory()
    earlier = ArticlePageFactory(parent=news, title=EARLIER, standfirst="Work starts today.")
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    return news, earlier


def test_editor_writes_and_publishes_an_article(newsroom, browser_page):
    news, earlier = newsroom
    page = browser_page

    # Sign in.
    sign_in_to_admin(page)

    # Add an article under News.
    page.goto(f"/admin/pages/add/articles/articlepage/{news.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_standfirst").fill(STANDFIRST)

    # A paragraph in the StreamField body.
    body = page.locator('[data-contentpath="body"]').first
    body.locator('button[title="Insert a block"]').first.click()
    page.get_by_role("option", name="Paragraph", exact=True).click()
    editor = body.locator('[contenteditable="true"]').first
    editor.wait_for(state="visible")
    editor.click()
    page.keyboard.type(PARAGRAPH)

    # A tag: the tag widget turns typed text into a tag on Enter.
    tag_input = page.locator('[data-contentpath="tags"] .tagit-new input')
    tag_input.click()
    page.keyboard.type("Kyiv")
    page.keyboard.press("Enter")
    assert page.locator('[data-contentpath="tags"] .tagit-choice').count() == 1

    # A curated Read also link, chosen from the live articles in the page chooser.
    page.locator("#id_read_also_links-ADD").click()
    page.locator("#id_read_also_links-0-target-chooser").get_by_role(
        "button", name=re.compile("Choose")
    ).first.click()
    modal = page.locator(".modal.in").first
    modal.get_by_role("link", name=EARLIER, exact=True).click()
    modal.wait_for(state="hidden")
    assert page.locator("#id_read_also_links-0-target-title").inner_text().strip() == EARLIER

    # Publish, from the footer's action menu.
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{news.pk}/$"))
    # Wagtail's autosave may have created the page as a draft before Publish was clicked.
    assert page.get_by_text(
        re.compile(rf"Page '{re.escape(TITLE)}' (created and published|has been published)\.")
    ).is_visible()

    article = ArticlePage.objects.get(title=TITLE)
    assert article.live
    assert [tag.name for tag in article.tags.all()] == ["Kyiv"]
    assert [link.target_id for link in article.read_also_links.all()] == [earlier.pk]

    # The reader's view of it.
    page.goto(article.url)
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".standfirst").inner_text() == STANDFIRST
    assert PARAGRAPH in page.locator(".article-body").inner_text()
    tag_link = page.locator(".tags").get_by_role("link", name="Kyiv")
    assert tag_link.get_attribute("href") == "/tags/kyiv/"
    read_also = page.locator(".read-also").get_by_role("link", name=EARLIER)
    assert read_also.get_attribute("href") == earlier.url

    # And the Read also link leads to the earlier story.
    read_also.click()
    page.wait_for_url(f"**{earlier.url}")
    assert page.locator("h1").inner_text() == EARLIER
