"""articles is a reusable app: every ARTICLES_* setting it reads has a default, and the site
name comes from the Wagtail Site."""

import pytest
from wagtail.models import PageViewRestriction, Site

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

DEFAULT_CACHE_CONTROL = {"public", "max-age=30", "s-maxage=60", "stale-while-revalidate=30"}


@pytest.fixture
def story(news):
    return ArticlePageFactory(parent=news, tags=["Russia"])


def public_urls(story):
    return [
        "/",
        "/news/",
        story.url,
        "/tags/russia/",
        "/feed/",
        "/tags/russia/feed/",
        "/sitemap.xml",
    ]


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_public_pages_feeds_and_the_sitemap_have_cdn_cache_headers_by_default(
    client, settings, story
):
    for name in ("ARTICLES_CACHE_MAX_AGE", "ARTICLES_CACHE_S_MAXAGE"):
        if hasattr(settings, name):
            delattr(settings, name)
    for url in public_urls(story):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == DEFAULT_CACHE_CONTROL, url


def test_the_cache_settings_are_honoured(client, settings, story):
    settings.ARTICLES_CACHE_MAX_AGE = 5
    settings.ARTICLES_CACHE_S_MAXAGE = 3600
    settings.ARTICLES_CACHE_STALE_WHILE_REVALIDATE = 30
    for url in public_urls(story):
        assert directives(client.get(url)) == {
            "public",
            "max-age=5",
            "s-maxage=3600",
            "stale-while-revalidate=30",
        }, url


def test_a_restricted_article_is_never_stored(client, story):
    PageViewRestriction.objects.create(page=story, restriction_type="password", password="x")
    response = client.get(story.url)
    assert response.status_code == 200  # the password form
    assert "public" not in directives(response)
    assert {"private", "no-store"} <= directives(response)


def test_the_site_name_comes_from_the_wagtail_site(client, settings, story):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "The Daily Reader"
    site.save()
    settings.WAGTAIL_SITE_NAME = "Not this one"

    html = client.get(story.url).content.decode()
    assert f"<title>{story.title} | The Daily Reader</title>" in html
    assert '"name": "The Daily Reader"' in html  # the JSON-LD publisher
    assert "<title>The Daily Reader</title>" in client.get("/feed/").content.decode()


def test_without_a_site_name_it_falls_back_to_the_setting_then_to_news(client, settings, story):
    Site.objects.update(site_name="")
    settings.WAGTAIL_SITE_NAME = "Newsroom Weekly"
    assert "<title>Newsroom Weekly</title>" in client.get("/feed/").content.decode()

    del settings.WAGTAIL_SITE_NAME
    for url in ("/feed/", "/tags/russia/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<title>News" in response.content.decode()
    assert (
        '"publisher": {"@type": "Organization", "name": "News"}'
        in client.get(story.url).content.decode()
    )
