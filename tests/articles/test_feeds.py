"""RSS feeds keep no state between requests, so threaded servers can't mix them up."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Site

from articles import feeds
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def item_links(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    return [item.findtext("link") for item in root.iter("item")]


@pytest.mark.parametrize(
    ("feed_class", "url"),
    [(feeds.LatestArticlesFeed, "/feed/"), (feeds.TagFeed, "/tags/russia/feed/")],
)
def test_each_request_gets_its_own_feed(client, news, monkeypatch, feed_class, url):
    ArticlePageFactory(parent=news, title="Story", slug="story", tags=["Russia"])
    # A second site whose root is the News index: there, the story's URL is /story/.
    Site.objects.create(hostname="b.example", port=80, root_page=news)
    original = feed_class.get_object
    nested = []

    def get_object(self, request, *args, **kwargs):
        obj = original(self, request, *args, **kwargs)
        if not nested:
            # Another request for the same feed runs while this one is being built, as it
            # can under a threaded server.
            nested.append(None)
            nested[0] = client.get(url, HTTP_HOST="b.example")
        return obj

    monkeypatch.setattr(feed_class, "get_object", get_object)

    links = item_links(client.get(url))

    assert links == ["http://testserver/news/story/"]
    assert item_links(nested[0]) == ["http://b.example/story/"]
