"""Publishing or unpublishing an article purges every cached page that shows it.

The purges go to a real HTTP cache stand-in: a server on loopback that records the PURGE
requests Wagtail's HTTP frontend-cache backend sends it.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, add_read_also, seed_shaped_body


class PurgeRecorder(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append(f"http://{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cache_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def purged(settings, cache_server):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{cache_server.server_port}",
        }
    }
    return cache_server.purged


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


def test_publishing_purges_articles_that_link_it_inline(news, purged):
    article = ArticlePageFactory(parent=news, title="Follow-up", live=False)
    linking = ArticlePageFactory(parent=news, title="Links inline", body=seed_shaped_body(article))
    unrelated = ArticlePageFactory(parent=news, title="Unrelated")
    purged.clear()

    ArticlePage.objects.get(pk=article.pk).save_revision().publish()

    assert f"http://localhost/news/{linking.slug}/" in purged
    assert f"http://localhost/news/{unrelated.slug}/" not in purged


def test_unpublishing_purges_the_same_pages(news, purged):
    article = ArticlePageFactory(parent=news, title="Withdrawn story", tags=["Russia"])
    linking = ArticlePageFactory(parent=news, title="Links inline", body=seed_shaped_body(article))
    purged.clear()

    ArticlePage.objects.get(pk=article.pk).unpublish()

    assert "http://localhost/tags/russia/" in purged
    assert f"http://localhost/news/{article.slug}/" in purged
    assert "http://localhost/feed/" in purged
    assert f"http://localhost/news/{linking.slug}/" in purged


def test_nothing_is_sent_without_a_configured_cache(news, settings, cache_server):
    settings.WAGTAILFRONTENDCACHE = {}
    ArticlePageFactory(parent=news, tags=["Russia"])
    assert cache_server.purged == []
