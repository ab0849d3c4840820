"""Publishing or unpublishing an article purges every cached page that shows it.

The purges go to a real HTTP cache stand-in (the `purged` fixture, tests/conftest.py): a
server on loopback that records the PURGE requests Wagtail's HTTP frontend-cache backend
sends it.
"""

from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, add_read_also, seed_shaped_body


def test_publishing_purges_the_article_and_everything_that_lists_it(news, purged, committed):
    curating = ArticlePageFactory(parent=news, title="Curating story")
    article = ArticlePageFactory(parent=news, title="New story", tags=["Russia"], live=False)
    add_read_also(curating, article)
    purged.clear()

    with committed():
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


def test_purges_wait_for_the_commit(news, purged, django_capture_on_commit_callbacks):
    """A cache that refetched a listing before the commit would store the old one again.
    (Wagtail itself purges the article's own URL at once.)"""
    article = ArticlePageFactory(parent=news, title="Not yet", tags=["Russia"], live=False)
    purged.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        ArticlePage.objects.get(pk=article.pk).save_revision().publish()
        assert "http://localhost/feed/" not in purged
        assert "http://localhost/tags/russia/" not in purged
    for callback in callbacks:
        callback()
    assert "http://localhost/feed/" in purged


def test_publishing_purges_articles_that_link_it_inline(news, purged, committed):
    article = ArticlePageFactory(parent=news, title="Follow-up", live=False)
    linking = ArticlePageFactory(parent=news, title="Links inline", body=seed_shaped_body(article))
    unrelated = ArticlePageFactory(parent=news, title="Unrelated")
    purged.clear()

    with committed():
        ArticlePage.objects.get(pk=article.pk).save_revision().publish()

    assert f"http://localhost/news/{linking.slug}/" in purged
    assert f"http://localhost/news/{unrelated.slug}/" not in purged


def test_unpublishing_purges_the_same_pages(news, purged, committed):
    article = ArticlePageFactory(parent=news, title="Withdrawn story", tags=["Russia"])
    linking = ArticlePageFactory(parent=news, title="Links inline", body=seed_shaped_body(article))
    purged.clear()

    with committed():
        ArticlePage.objects.get(pk=article.pk).unpublish()

    assert "http://localhost/tags/russia/" in purged
    assert f"http://localhost/news/{article.slug}/" in purged
    assert "http://localhost/feed/" in purged
    assert f"http://localhost/news/{linking.slug}/" in purged


def test_nothing_is_sent_once_the_cache_is_no_longer_configured(news, settings, purged, committed):
    with committed():
        ArticlePageFactory(parent=news, tags=["Russia"])
    assert "http://localhost/feed/" in purged
    purged.clear()
    settings.WAGTAILFRONTENDCACHE = {}
    with committed():
        ArticlePageFactory(parent=news, tags=["Russia"])
    assert purged == []
