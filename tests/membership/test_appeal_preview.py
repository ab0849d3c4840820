"""The appeal's "Inside an article" preview: the article it would really be placed on, a banner
that says which and where, and an anchor to scroll to."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from membership.assets import PREVIEW_SCRIPT, script_hash
from membership.models import Appeal
from membership.previews import MATCHED, PINNED, SAMPLE, article_for_preview
from tests.factories import ArticlePageFactory, paragraph_body
from tests.membership.test_appeal_admin import PREVIEW_ADD, appeal_form, post_then_get

pytestmark = pytest.mark.django_db


def preview(client, **overrides):
    return post_then_get(client, reverse(PREVIEW_ADD), appeal_form(**overrides), mode="article")


def banner(html):
    start = html.index('class="appeal-preview-banner"')
    return html[start : html.index("</aside>", start)]


@pytest.fixture
def stories(news):
    Tag.objects.create(name="Russia")
    Tag.objects.create(name="Sport")
    older = ArticlePageFactory(parent=news, title="Older Russia story", tags=["Russia"])
    sport = ArticlePageFactory(parent=news, title="Russia sport story", tags=["Russia", "Sport"])
    newest = ArticlePageFactory(parent=news, title="Newest untagged story")
    return older, sport, newest


def test_an_untargeted_appeal_is_shown_in_the_newest_article(admin_client, stories):
    html = preview(admin_client)
    assert "Newest untagged story" in banner(html)
    assert "the newest live article it would be placed on, at its end" in banner(html)


def test_the_preview_respects_include_and_exclude_tags(admin_client, stories):
    html = preview(admin_client, include_tags="Russia")
    assert "Russia sport story" in banner(html)
    html = preview(admin_client, include_tags="Russia", exclude_tags="Sport")
    assert "Older Russia story" in banner(html)
    assert "<h1" in html and "Older Russia story" in html[html.index("<h1") :]


def test_a_pinned_article_comes_first(admin_client, stories):
    older, _, _ = stories
    html = preview(admin_client, exclude_tags="Russia", pinned_pages=[str(older.pk)])
    assert "“Older Russia story”, the newest live article it is pinned to" in banner(html)


def test_no_matching_article_falls_back_to_a_sample_and_says_so(admin_client, stories):
    Tag.objects.create(name="Climate")
    html = preview(admin_client, include_tags="Climate")
    text = banner(html)
    assert "No live article matches this appeal&#x27;s tags and pins" in text
    assert "“Newest untagged story”, as a sample" in text


def test_the_banner_names_the_inline_placement_and_links_to_the_appeal(admin_client, news):
    ArticlePageFactory(parent=news, title="Long story", body=paragraph_body("One.", "Two.", "3."))
    html = preview(admin_client, placement="both", inline_after_paragraph="1")
    text = banner(html)
    assert "inside it after paragraph 1, and at its end" in text
    assert 'href="#appeal-in-preview"' in text
    # The anchor is the inline placement, the first one a reader meets.
    anchor = html.index('id="appeal-in-preview"')
    assert anchor < html.index("patron-appeal--inline") < html.index("Two.")
    assert html.count('id="appeal-in-preview"') == 1
    assert "membership/appeal_preview" in html  # the script that scrolls to it


def test_articles_without_promotions_are_never_chosen_even_pinned(admin_client, news):
    quiet = ArticlePageFactory(parent=news, title="Sensitive story", no_promotions=True)
    ArticlePageFactory(parent=news, title="Plain story")
    html = preview(admin_client, pinned_pages=[str(quiet.pk)])
    assert "Sensitive story" not in html
    assert "Plain story" in banner(html)


def test_article_for_preview_uses_the_unsaved_pins_and_tags(stories):
    older, sport, newest = stories
    appeal = Appeal(name="Unsaved", heading="Unsaved", body="<p>x</p>")
    assert article_for_preview(appeal) == (newest, MATCHED)
    appeal.include_tags = [Tag.objects.get(name="Russia")]
    assert article_for_preview(appeal) == (sport, MATCHED)
    appeal.pinned_pages = [older]
    assert article_for_preview(appeal) == (older, PINNED)
    appeal.pinned_pages = []
    appeal.exclude_tags = [Tag.objects.get(name="Russia")]
    assert article_for_preview(appeal) == (newest, SAMPLE)


def test_without_any_live_article_the_appeal_is_shown_on_its_own(admin_client, news):
    ArticlePageFactory(parent=news, title="A draft story", live=False)
    html = preview(admin_client)
    assert "no live article" in html
    assert "A draft story" not in html


def test_the_scroll_script_is_allowed_in_the_preview_only(admin_client, client, news):
    article = ArticlePageFactory(parent=news, title="A story")
    allowed = f"'{script_hash(PREVIEW_SCRIPT)}'"
    url = reverse(PREVIEW_ADD) + "?mode=article"
    assert admin_client.post(url, appeal_form()).json()["is_valid"] is True
    response = admin_client.get(url)
    assert f'integrity="{script_hash(PREVIEW_SCRIPT)}"' in response.content.decode()
    assert allowed in response["Content-Security-Policy"]
    assert "style=" not in banner(response.content.decode())  # the policy allows no inline style
    assert allowed not in client.get(article.url)["Content-Security-Policy"]
