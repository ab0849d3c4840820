"""An editor finds the seed's stubs under "Stories to write" on the dashboard, and writes a new
article in a form that is ready to type into."""

import re

import pytest
from django.core.management import call_command

from articles.models import ArticlePage
from tests.e2e.helpers import PASSWORD, sign_in_to_admin

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLOW_MS = 30_000


@pytest.fixture
def newsroom(django_user_model):
    call_command("import_seed", verbosity=0)
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)


def test_editor_sees_stories_to_write_and_writes_an_article(newsroom, browser_page, axe_check):
    page = browser_page
    page.set_default_timeout(SLOW_MS)
    sign_in_to_admin(page)

    # The dashboard: the seed's seven stubs, each linked by the one live story.
    panel = page.locator("#stories-to-write-section")
    rows = panel.locator("tbody tr")
    assert rows.count() == 7
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == {"1 article"}
    axe_check(page, "dashboard")
    first_title = rows.first.locator("a").inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    assert page.locator("#id_title").input_value() == first_title

    # A new article under News.
    news = ArticlePage.objects.first().get_parent()
    page.goto(f"/admin/pages/add/articles/articlepage/{news.pk}/")
    assert page.locator("label[for=id_title]").inner_text().startswith("Headline")
    assert page.get_by_text("Aim for 70 characters or fewer").is_visible()
    # The lead image panel starts folded; its toggle opens it.
    lead_image = page.locator("#id_lead_image_alt")
    assert not lead_image.is_visible()
    lead_panel = page.locator("section.w-panel", has=lead_image).last
    lead_panel.locator("button.w-panel__toggle").first.click()
    lead_image.wait_for(state="visible")
    # "No promotions" is on the content tab.
    assert page.locator("#id_no_promotions").is_visible()

    page.locator("#id_title").fill("Ports reopen after the storm")
    page.locator("#id_standfirst").fill("Shipping resumed on Tuesday.")
    # The body already holds one paragraph: type straight into it.
    editors = page.locator('[data-contentpath="body"] [contenteditable="true"]')
    assert editors.count() == 1
    editors.first.click()
    page.keyboard.type("Harbour masters said the first ships left at dawn.")
    # Draftail copies its content to the block's hidden input a moment later.
    page.wait_for_function(
        "text => document.querySelector('[name=\"body-0-value\"]').value.includes(text)",
        arg="Harbour masters",
    )
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

    article = ArticlePage.objects.get(title="Ports reopen after the storm")
    assert article.live
    assert [block.block_type for block in article.body] == ["paragraph"]
    assert "first ships left at dawn" in article.body[0].value.source
