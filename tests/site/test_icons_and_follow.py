"""The favicon and touch icon, and the "Follow us" page that the site's RSS links lead to."""

import struct

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders

from newsroom.views import FOLLOW_TAG_COUNT
from tests.articles.measure import count_queries
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_pages_link_an_svg_favicon_and_a_touch_icon(client, home):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    icon = soup.find("link", rel="icon")
    assert icon["type"] == "image/svg+xml"
    assert finders.find(icon["href"].removeprefix("/static/"))
    touch = soup.find("link", rel="apple-touch-icon")
    with open(finders.find(touch["href"].removeprefix("/static/")), "rb") as file:
        png = file.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (180, 180)


@pytest.mark.parametrize(
    "url", ["/favicon.ico", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"]
)
def test_the_icons_browsers_ask_for_are_not_404(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/icons/apple-touch-icon.png")
    assert "public" in response["Cache-Control"]
    assert not response.cookies


def feed_soup(client):
    response = client.get("/follow/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    return BeautifulSoup(response.content, "html.parser")


def test_follow_page_explains_rss_and_lists_the_site_feed(client, home):
    soup = feed_soup(client)
    assert soup.h1.get_text(strip=True) == "Follow us"
    assert "RSS" in soup.select_one(".listing-intro").get_text()
    urls = [a["href"] for a in soup.select("a.feed-url")]
    assert urls == ["http://localhost/feed/"]
    # No tags yet: no heading over an empty list.
    assert "One topic at a time" not in soup.get_text()


def test_follow_page_lists_the_most_used_tags_feeds_most_first(client, news):
    for _ in range(3):
        ArticlePageFactory(parent=news, tags=["Russia"], with_revision=False)
    ArticlePageFactory(parent=news, tags=["Korea", "Russia"], with_revision=False)
    ArticlePageFactory(parent=news, tags=["Only a draft"], live=False)
    soup = feed_soup(client)
    tags = [h.get_text(strip=True) for h in soup.select(".feed-list__tag")]
    assert tags == ["Russia", "Korea"]
    urls = [a["href"] for a in soup.select(".feed-list__tags a.feed-url")]
    assert urls == ["http://localhost/tags/russia/feed/", "http://localhost/tags/korea/feed/"]
    for url in urls:
        assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_rss_links_in_the_footer_lead_to_the_follow_page(client, home):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert soup.select_one("footer").find("a", href="/follow/")
    # Feed readers still find the feed itself in <head>.
    assert soup.find("link", rel="alternate", href="/feed/")


def test_follow_page_costs_the_same_for_1_and_many_tags(client, news):
    ArticlePageFactory(parent=news, tags=["Tag 0"], with_revision=False)
    one = count_queries(client, "/follow/")
    for i in range(1, FOLLOW_TAG_COUNT + 5):
        ArticlePageFactory(parent=news, tags=[f"Tag {i}"], with_revision=False)
    many = count_queries(client, "/follow/")
    assert one == many <= 4
    assert len(feed_soup(client).select(".feed-list__tag")) == FOLLOW_TAG_COUNT
