"""The article form in the admin: headline, a body ready to type into, the lead image folded
away, "No promotions" on the content tab, and no Read also link from an article to itself."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils.html import escape
from wagtail.test.utils.form_data import rich_text

from articles.forms import SELF_LINK_MESSAGE, is_empty_paragraph
from articles.models import ArticlePage
from tests.articles.test_admin import add_url, article_form
from tests.factories import ArticlePageFactory, seed_shaped_body


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def body_blocks(response):
    return list(response.context["form"]["body"].value())


def test_the_title_is_the_headline_with_a_length_hint(editor_client, news):
    html = editor_client.get(add_url(news)).content.decode()
    soup = BeautifulSoup(html, "html.parser")

    label = soup.find("label", attrs={"for": "id_title"})
    assert label.get_text(strip=True).startswith("Headline")
    assert "Aim for 70 characters or fewer" in html


def test_a_new_article_starts_with_one_empty_paragraph(editor_client, news):
    blocks = body_blocks(editor_client.get(add_url(news)))

    assert [block.block_type for block in blocks] == ["paragraph"]
    assert is_empty_paragraph(blocks[0])


def test_editing_an_article_adds_no_paragraph(editor_client, news):
    page = ArticlePageFactory(body=seed_shaped_body(ArticlePageFactory()))
    stub = ArticlePage(title="A bare stub", live=False)
    news.add_child(instance=stub)
    stub.save_revision(clean=False)

    assert [b.block_type for b in body_blocks(editor_client.get(edit_url(page)))] == [
        "paragraph",
        "read_also",
        "paragraph",
        "paragraph",
    ]
    assert body_blocks(editor_client.get(edit_url(stub))) == []


# An untouched paragraph as Draftail posts it ("null") and as an emptied one (an empty block).
EMPTY_PARAGRAPHS = [pytest.param("null", id="untouched"), pytest.param(rich_text(""), id="emptied")]


@pytest.mark.parametrize("empty", EMPTY_PARAGRAPHS)
def test_a_draft_saved_with_the_untouched_paragraph_stores_no_empty_block(
    editor_client, news, empty
):
    data = article_form("Just a headline", body=[("paragraph", empty)])
    data["slug"] = "just-a-headline"

    response = editor_client.post(add_url(news), data)

    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="just-a-headline")
    assert len(page.body) == 0
    assert len(page.get_latest_revision_as_object().body) == 0


@pytest.mark.parametrize("empty", EMPTY_PARAGRAPHS)
def test_empty_paragraphs_are_dropped_and_the_rest_kept(editor_client, news, empty):
    data = article_form(
        "Some text",
        body=[
            ("paragraph", rich_text("<p>Written.</p>")),
            ("paragraph", empty),
            ("heading", "A heading"),
        ],
    )
    data["slug"] = "some-text"
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(news), data)

    assert response.status_code == 302, response.context["form"].errors
    page = ArticlePage.objects.get(slug="some-text")
    assert [block.block_type for block in page.body] == ["paragraph", "heading"]
    assert "Written." in page.body[0].value.source


@pytest.mark.parametrize("empty", EMPTY_PARAGRAPHS)
def test_publishing_with_only_the_empty_paragraph_asks_for_a_body(editor_client, news, empty):
    data = article_form("Headline only", body=[("paragraph", empty)])
    data["slug"] = "headline-only"
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(news), data)

    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not ArticlePage.objects.filter(slug="headline-only").exists()


def test_the_lead_image_panel_starts_collapsed_and_no_promotions_is_on_the_content_tab(
    editor_client, news
):
    html = editor_client.get(add_url(news)).content.decode()
    soup = BeautifulSoup(html, "html.parser")

    lead = soup.find(id="id_lead_image").find_parent("section", class_="w-panel")
    assert "collapsed" in lead["class"]
    assert "Lead image" in lead.find(class_="w-panel__heading").get_text()

    content_tab = soup.find(id="tab-content")
    promote_tab = soup.find(id="tab-promote")
    assert content_tab.find(id="id_no_promotions") is not None
    assert promote_tab.find(id="id_no_promotions") is None
    promotions = content_tab.find(id="id_no_promotions").find_parent("section", class_="w-panel")
    assert "Promotions" in promotions.find(class_="w-panel__heading").get_text()
    # Right after the body, before the tags.
    assert html.index('id="body"') < html.index('id="id_no_promotions"')
    assert html.index('id="id_no_promotions"') < html.index('id="id_tags"')


def test_no_promotions_is_saved_from_the_content_tab(editor_client, news):
    data = article_form("A sensitive story", body=[("paragraph", rich_text("<p>Text.</p>"))])
    data["slug"] = "a-sensitive-story"
    data["no_promotions"] = "on"
    data["action-publish"] = "action-publish"

    assert editor_client.post(add_url(news), data).status_code == 302
    assert ArticlePage.objects.get(slug="a-sensitive-story").no_promotions


def self_link_post(editor_client, page, **kwargs):
    data = article_form(page.title, **kwargs)
    data["slug"] = page.slug
    data["action-publish"] = "action-publish"
    return editor_client.post(edit_url(page), data)


def test_a_curated_read_also_link_to_the_article_itself_is_refused(editor_client, news):
    other = ArticlePageFactory(title="Another story")
    page = ArticlePageFactory(title="The story")

    response = self_link_post(
        editor_client,
        page,
        body=[("paragraph", rich_text("<p>Text.</p>"))],
        read_also=[other, page],
    )

    assert response.status_code == 200
    rows = response.context["form"].formsets["read_also_links"].forms
    assert not rows[0].errors
    assert rows[1].errors["target"] == [str(SELF_LINK_MESSAGE)]
    assert escape(str(SELF_LINK_MESSAGE)) in response.content.decode()
    assert not ArticlePage.objects.get(pk=page.pk).read_also_links.exists()


def test_an_inline_read_also_block_to_the_article_itself_is_refused(editor_client, news):
    page = ArticlePageFactory(title="The story")

    response = self_link_post(
        editor_client,
        page,
        body=[
            ("paragraph", rich_text("<p>Text.</p>")),
            ("read_also", {"article": str(page.pk)}),
        ],
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0]
    assert list(errors.block_errors) == [1]
    assert escape(str(SELF_LINK_MESSAGE)) in response.content.decode()
    saved = ArticlePage.objects.get(pk=page.pk)
    assert [block.block_type for block in saved.body] == ["paragraph", "paragraph"]


def test_links_to_other_articles_still_save(editor_client, news):
    other = ArticlePageFactory(title="Another story")
    page = ArticlePageFactory(title="The story")

    response = self_link_post(
        editor_client,
        page,
        body=[
            ("paragraph", rich_text("<p>Text.</p>")),
            ("read_also", {"article": str(other.pk)}),
        ],
        read_also=[other],
    )

    assert response.status_code == 302
    saved = ArticlePage.objects.get(pk=page.pk)
    assert [link.target_id for link in saved.read_also_links.all()] == [other.pk]


def chooser_titles(editor_client, url, *, referer):
    response = editor_client.get(url, HTTP_REFERER=referer)
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def test_the_page_chooser_opened_from_an_article_does_not_offer_the_article(editor_client, news):
    page = ArticlePageFactory(title="The story being edited")
    ArticlePageFactory(title="Another story")
    referer = "http://testserver" + edit_url(page)
    browse = reverse("wagtailadmin_choose_page_child", args=[news.pk]) + (
        "?page_type=articles.articlepage"
    )
    search = reverse("wagtailadmin_choose_page_search") + (
        "?page_type=articles.articlepage&q=story"
    )

    for url in (browse, search):
        html = chooser_titles(editor_client, url, referer=referer)
        assert "Another story" in html
        assert "The story being edited" not in html
        # From anywhere else, it is offered.
        html = chooser_titles(editor_client, url, referer="http://testserver" + add_url(news))
        assert "The story being edited" in html


def test_the_chooser_opened_from_a_non_article_page_leaves_nothing_out(editor_client, home, news):
    ArticlePageFactory(title="A story")
    html = chooser_titles(
        editor_client,
        reverse("wagtailadmin_choose_page_child", args=[home.pk]),
        referer="http://testserver" + edit_url(home),
    )
    assert "News" in html
