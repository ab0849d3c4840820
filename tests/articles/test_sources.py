"""Sources: the article's source line links to the source's report, and Read also marks the
links that leave the site."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from articles.models import ReadAlsoLink
from articles.read_also import ReadAlsoItem
from tests.factories import ArticlePageFactory, add_read_also, seed_shaped_body


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_source_line_links_the_source_name_to_its_url(client, news):
    page = ArticlePageFactory(
        parent=news, source_label="Sky News", source_url="https://news.example/story"
    )

    line = soup(client.get(page.url)).select_one(".source-line")

    link = line.select_one("a")
    assert link["href"] == "https://news.example/story"
    assert set(link["rel"]) == {"external", "noopener"}
    assert link.select_one("svg")["aria-hidden"] == "true"
    assert link.select_one(".visually-hidden").get_text(strip=True) == "(external site)"
    assert " ".join(line.get_text(" ", strip=True).split()) == "Source: Sky News (external site)"


def test_without_a_url_the_source_line_is_plain_text(client, news):
    page = ArticlePageFactory(parent=news, source_label="Sky News")

    line = soup(client.get(page.url)).select_one(".source-line")

    assert line.get_text(strip=True) == "Source: Sky News"
    assert line.select_one("a") is None


def test_a_url_without_a_source_name_shows_the_url(client, news):
    page = ArticlePageFactory(parent=news, source_url="https://news.example/story")

    link = soup(client.get(page.url)).select_one(".source-line a")

    assert link.contents[0].strip() == "https://news.example/story"


def test_no_source_no_source_line(client, news):
    page = ArticlePageFactory(parent=news)

    assert soup(client.get(page.url)).select_one(".source-line") is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/x", "not a url"])
def test_the_source_url_must_be_http_or_https(news, url):
    page = ArticlePageFactory.build(
        title="Story", slug="story", standfirst="S.", source_url=url, body=[]
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean(exclude=["path", "depth", "body"])
    assert "source_url" in error.value.message_dict


def test_read_also_items_know_whether_they_leave_the_site():
    assert ReadAlsoItem(title="T", url="https://example.com/").is_external
    assert not ReadAlsoItem(title="T", url="/news/t/", page=object()).is_external


def test_read_also_marks_external_links_and_keeps_the_source_headline_form(client, news):
    ours = ArticlePageFactory(parent=news, title="Our story", source_label="Bloomberg")
    external = ReadAlsoLink(
        external_url="https://example.com/eu",
        external_title="EU leaders to call for sanctions",
        external_source="Bloomberg",
    )
    page = add_read_also(ArticlePageFactory(parent=news, title="Story"), ours, external)

    links = soup(client.get(page.url)).select(".read-also li a")

    assert len(links) == 2
    [inner] = [link for link in links if link["href"] == ours.url]
    [outer] = [link for link in links if link["href"] != ours.url]
    # One of ours, even with a source: no marker.
    assert inner.get_text(" ", strip=True) == "Bloomberg: Our story"
    assert inner.select_one("svg") is None and "rel" not in inner.attrs
    # Another outlet's story: "Source: headline", then the marker.
    assert outer["href"] == "https://example.com/eu"
    assert set(outer["rel"]) == {"external", "noopener"}
    assert outer.select_one(".source").get_text() == "Bloomberg:"
    assert outer.select_one("svg")["aria-hidden"] == "true"
    assert " ".join(outer.get_text(" ", strip=True).split()) == (
        "Bloomberg: EU leaders to call for sanctions (external site)"
    )


def test_the_inline_read_also_block_to_one_of_ours_has_no_marker(client, news):
    target = ArticlePageFactory(parent=news, title="Bloomberg: Sanctions", source_label="")
    page = ArticlePageFactory(parent=news, title="Story", body=seed_shaped_body(target))

    block = soup(client.get(page.url)).select_one(".read-also-inline")

    assert block.select_one("a")["href"] == target.url
    assert block.select_one("svg") is None
