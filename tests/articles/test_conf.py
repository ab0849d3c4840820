"""articles is a reusable app: every NEWSROOM_* setting it reads has a default."""

import pytest

from articles import conf
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(news):
    return ArticlePageFactory(parent=news, tags=["Russia"])


def urls(story):
    return ["/", "/news/", story.url, "/tags/russia/"]


def test_pages_are_cacheable_for_a_minute_without_the_setting(client, settings, story):
    del settings.NEWSROOM_PAGE_CACHE_SECONDS
    assert conf.page_cache_seconds() == 60
    for url in urls(story):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "max-age=60" in response["Cache-Control"], url


def test_the_setting_is_honoured(client, settings, story):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    assert conf.page_cache_seconds() == 300
    for url in urls(story):
        assert "max-age=300" in client.get(url)["Cache-Control"], url


def test_feeds_and_json_ld_work_without_a_site_name(client, settings, story):
    from articles.templatetags.article_tags import article_json_ld

    del settings.WAGTAIL_SITE_NAME
    assert conf.site_name() == "News"
    for url in ("/feed/", "/tags/russia/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<title>News" in response.content.decode()
    html = article_json_ld({}, story)
    assert '"publisher": {"@type": "Organization", "name": "News"}' in html
