"""Publishing or unpublishing an article purges every cached page that shows it."""

import pytest
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, add_read_also

PURGED = []


class RecordingBackend(BaseBackend):
    """Stands in for the CDN's purge API, which tests cannot reach."""

    def __init__(self, params):
        super().__init__(params)

    def purge(self, url):
        PURGED.append(url)


@pytest.fixture
def purged(settings):
    settings.WAGTAILFRONTENDCACHE = {
        "recording": {"BACKEND": "tests.articles.test_purging.RecordingBackend"}
    }
    PURGED.clear()
    return PURGED


def test_publishing_purges_the_article_and_everything_that_lists_it(news, purged):
    curating = ArticlePageFactory(parent=news, title="Curating story")
    article = ArticlePageFactory(parent=news, title="New story", tags=["Russia"], live=False)
    add_read_also(curating, article)
    purged.clear()

    ArticlePage.objects.get(pk=article.pk).save_revision().publish()

    root = "http://localhost"
    expected = {
        f"{root}/news/{article.slug}/",
        f"{root}/news/",
        f"{root}/",
        f"{root}/feed/",
        f"{root}/sitemap.xml",
        f"{root}/tags/russia/",
        f"{root}/tags/russia/feed/",
        f"{root}/news/{curating.slug}/",
    }
    assert expected <= set(purged)


def test_unpublishing_purges_the_same_pages(news, purged):
    article = ArticlePageFactory(parent=news, title="Withdrawn story", tags=["Russia"])
    purged.clear()

    ArticlePage.objects.get(pk=article.pk).unpublish()

    assert "http://localhost/tags/russia/" in purged
    assert f"http://localhost/news/{article.slug}/" in purged
    assert "http://localhost/feed/" in purged


def test_nothing_is_purged_without_a_configured_cache(news, settings):
    settings.WAGTAILFRONTENDCACHE = {}
    PURGED.clear()
    ArticlePageFactory(parent=news, tags=["Russia"])
    assert PURGED == []
