"""Tags: every tag gets a usable slug, and a tag only drafts carry is not public anywhere."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from articles.models import ArticlePage, ArticleSettings
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

TAG_LINK = re.compile(r'<a href="(/tags/[^"]+/)" rel="tag">([^<]*)</a>')


def tag_links(html):
    return {name: url for url, name in TAG_LINK.findall(html)}


# Tags whose names have no letters or digits


def test_tags_without_letters_or_digits_get_distinct_usable_slugs(client, news):
    page = ArticlePageFactory(parent=news, title="Punctuated", tags=["!!!", "🙂", "%"])

    slugs = {tag.name: tag.slug for tag in Tag.objects.all()}
    assert all(slugs.values()), slugs
    assert len(set(slugs.values())) == 3

    response = client.get(page.url)
    assert response.status_code == 200
    links = tag_links(response.content.decode())
    assert set(links) == {"!!!", "🙂", "%"}
    for name, url in links.items():
        assert url == reverse("articles:tag", args=[slugs[name]])
        tag_page = client.get(url)
        assert tag_page.status_code == 200, url
        assert "Punctuated" in tag_page.content.decode()
        assert client.get(url + "feed/").status_code == 200


def test_a_fallback_slug_does_not_take_an_existing_tags_slug(news):
    ArticlePageFactory(parent=news, tags=["Tag"])
    ArticlePageFactory(parent=news, tags=["!!!"])
    ArticlePageFactory(parent=news, tags=["???"])
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert sorted(slugs) == sorted(set(slugs))
    assert "tag" in slugs
    assert "" not in slugs


def test_a_named_tag_keeps_taggits_slug(news):
    ArticlePageFactory(parent=news, tags=["North Korea", "Україна"])
    assert set(Tag.objects.values_list("slug", flat=True)) == {"north-korea", "україна"}


def test_a_tag_that_already_has_an_empty_slug_renders_as_plain_text(client, news):
    page = ArticlePageFactory(parent=news, title="Old data", tags=["!!!", "Russia"])
    Tag.objects.filter(name="!!!").update(slug="")  # as saved before the fallback existed

    response = client.get(page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert set(tag_links(html)) == {"Russia"}
    assert "!!!" in html


def test_a_clash_on_the_fallback_slug_still_ends_with_a_distinct_fallback(news, monkeypatch):
    """Two editors adding such tags at once: taggit retries with "_1", which is replaced too."""
    from articles import signal_handlers

    ArticlePageFactory(parent=news, tags=["!!!"])
    real = signal_handlers.unique_fallback_slug
    calls = []

    def stale_first(*args, **kwargs):
        calls.append(1)
        return "tag" if len(calls) == 1 else real(*args, **kwargs)  # "tag" is already taken

    monkeypatch.setattr(signal_handlers, "unique_fallback_slug", stale_first)
    tag = Tag.objects.create(name="???")

    assert len(calls) == 2
    assert tag.slug == "tag_1"


def test_the_migration_fills_empty_slugs(news):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0004_tag_fallback_slugs")
    ArticlePageFactory(parent=news, tags=["Tag"])
    ArticlePageFactory(parent=news, tags=["!!!"])
    Tag.objects.filter(name="!!!").update(slug="")  # the slug is unique: one can be empty

    migration.fill_empty_tag_slugs(apps, None)

    assert dict(Tag.objects.values_list("name", "slug")) == {"Tag": "tag", "!!!": "tag_1"}


# Tags that only drafts carry


@pytest.fixture
def draft_only_tag(news):
    ArticlePageFactory(parent=news, title="Published story", tags=["Russia"])
    ArticlePageFactory(parent=news, title="Draft story", tags=["Secret Plan"], live=False)
    return Tag.objects.get(name="Secret Plan")


def test_a_draft_only_tag_has_no_page_and_no_feed(client, draft_only_tag):
    assert client.get(f"/tags/{draft_only_tag.slug}/").status_code == 404
    response = client.get(f"/tags/{draft_only_tag.slug}/feed/")
    assert response.status_code == 404
    assert "Secret Plan" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ({"tag": "russia"}, "/tags/russia/"),
        ({"tag": "russia", "page": "2"}, "/tags/russia/?page=2"),
        ({"tag": "secret-plan"}, "/tags/secret-plan/"),
        ({"tag": "ветер"}, "/tags/%D0%B2%D0%B5%D1%82%D0%B5%D1%80/"),
    ],
)
def test_the_old_news_tag_filter_redirects_to_the_tag_page(client, draft_only_tag, query, location):
    """One URL per listing: /news/?tag=<slug> moved to /tags/<slug>/ for good."""
    response = client.get("/news/", query)
    assert response.status_code == 301
    assert response["Location"] == location


def test_the_redirect_never_names_a_draft_only_tag(client, draft_only_tag):
    response = client.get("/news/", {"tag": draft_only_tag.slug}, follow=True)
    assert response.status_code == 404
    assert "Secret Plan" not in response.content.decode()


@pytest.mark.parametrize("query", [{"tag": ""}, {"tag": "a/b"}])
def test_an_empty_or_unroutable_tag_filter_shows_the_news(client, draft_only_tag, query):
    response = client.get("/news/", query)
    assert response.status_code == 200
    assert "Published story" in response.content.decode()


def test_a_tag_on_a_private_article_only_is_not_public(client, news):
    page = ArticlePageFactory(parent=news, title="Members only", tags=["Insider"])
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/tags/insider/").status_code == 404
    assert client.get("/tags/insider/feed/").status_code == 404
    assert "Insider" not in client.get("/news/", {"tag": "insider"}, follow=True).content.decode()


def test_a_tag_with_a_live_article_stays_public_everywhere(client, draft_only_tag):
    assert client.get("/tags/russia/").status_code == 200
    feed = client.get("/tags/russia/feed/")
    assert feed.status_code == 200
    assert "Russia" in feed.content.decode()
    html = client.get("/news/", {"tag": "russia"}, follow=True).content.decode()
    assert '<h1><span class="visually-hidden">Articles tagged </span>Russia</h1>' in html
    assert "Published story" in html


# A tag page's count of articles


def test_a_tag_pages_count_is_kept_until_an_article_changes(client, news):
    settings = ArticleSettings.for_site(news.get_site())
    settings.articles_per_page = 1
    settings.save()
    for title in ("One", "Two"):
        ArticlePageFactory(parent=news, title=title, tags=["Kharkiv"])
    url = reverse("articles:tag", args=["kharkiv"])

    with CaptureQueriesContext(connection) as counted:
        assert "Page 1 of 2" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        assert "Page 1 of 2" in client.get(url).content.decode()
    assert [q for q in counted if "COUNT(" in q["sql"]]
    assert not [q for q in kept if "COUNT(" in q["sql"]]

    ArticlePageFactory(parent=news, title="Three", tags=["Kharkiv"])
    assert "Page 1 of 3" in client.get(url).content.decode()

    ArticlePage.objects.get(title="Two").unpublish()
    assert "Page 1 of 2" in client.get(url).content.decode()
