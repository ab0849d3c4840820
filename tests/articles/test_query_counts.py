"""Query budgets: an article and a listing cost the same whatever their size.

Measured on a warm cache (the page was rendered once, so image renditions and embeds
exist), as an anonymous reader, not in preview. With the appeal in the article:
tests/membership/test_query_counts.py.
"""

import pytest

from tests.articles.measure import (
    ARTICLE_QUERY_BUDGET,
    ARTICLE_WITH_IMAGES_BUDGET,
    READ_ALSO_LIMIT,
    build_article,
    count_queries,
    make_listing,
    measure,
)


def assert_full_page(soup, *, links):
    """The measured page really has its Read also list."""
    assert "Measured story" in soup.title.get_text()
    # Every curated link, in order; tag matches top the list up to the limit, never past it.
    items = [li.get_text(" ", strip=True) for li in soup.select(".read-also li")]
    assert links <= len(items) <= max(links, READ_ALSO_LIMIT)
    for i, text in enumerate(items[:links]):
        assert text.endswith(f"Target {i}"), items


@pytest.mark.parametrize(
    ("tags", "links", "blocks"),
    [(0, 0, 1), (1, 1, 7), (1, 5, 14), (16, 5, 30), (20, 20, 60)],
)
def test_article_page_query_count_is_fixed(client, news, tags, links, blocks):
    page = build_article(news, tags=tags, links=links, blocks=blocks)
    count, soup = measure(client, page.url)
    assert count <= ARTICLE_QUERY_BUDGET
    assert_full_page(soup, links=links)


def test_article_query_count_does_not_grow_with_size(client, news):
    # Fewer curated links than the limit (5), so both pages also run the tag top-up.
    small, small_soup = measure(client, build_article(news, tags=1, links=1, blocks=7).url)
    large, large_soup = measure(client, build_article(news, tags=16, links=4, blocks=60).url)
    assert small == large <= ARTICLE_QUERY_BUDGET
    assert_full_page(small_soup, links=1)
    assert_full_page(large_soup, links=4)


@pytest.mark.parametrize(("tags", "links", "blocks"), [(1, 1, 7), (16, 4, 60), (20, 20, 60)])
def test_article_with_images_and_bylines_has_a_fixed_query_count(client, news, tags, links, blocks):
    page = build_article(news, tags=tags, links=links, blocks=blocks, images=True)
    count, soup = measure(client, page.url)
    assert count <= ARTICLE_WITH_IMAGES_BUDGET
    assert_full_page(soup, links=links)
    assert len(soup.select(".article-body figure img")) >= 1


@pytest.mark.parametrize("url", ["/", "/news/", "/tags/russia/", "/feed/", "/tags/russia/feed/"])
def test_listing_query_count_is_the_same_for_10_and_100_items(client, news, url):
    make_listing(news, 10)
    ten = count_queries(client, url)
    make_listing(news, 90)
    hundred = count_queries(client, url)
    assert ten == hundred
    assert hundred <= 12


def test_search_query_count_is_the_same_for_10_and_100_results(client, news):
    make_listing(news, 10)
    ten = count_queries(client, "/search/?q=Listed")
    make_listing(news, 90)
    assert count_queries(client, "/search/?q=Listed") == ten


@pytest.mark.parametrize(("url", "budget"), [("/feed/", 2), ("/tags/russia/feed/", 3)])
def test_feeds_load_no_images(client, news, url, budget):
    """The site (and the tag), then the items: a feed shows no images, so it loads none."""
    make_listing(news, 10)
    assert count_queries(client, url) <= budget


@pytest.mark.parametrize(
    ("small", "large"),
    [
        ({"tags": 1, "links": 1, "blocks": 7}, {"tags": 10, "links": 1, "blocks": 7}),
        ({"tags": 1, "links": 1, "blocks": 7}, {"tags": 1, "links": 20, "blocks": 7}),
        ({"tags": 1, "links": 1, "blocks": 7}, {"tags": 1, "links": 1, "blocks": 60}),
    ],
    ids=["tags 1 vs 10", "links 1 vs 20", "blocks 7 vs 60"],
)
def test_article_query_count_is_constant_in_tags_links_and_body(client, news, small, large):
    small_count, _soup = measure(client, build_article(news, **small).url)
    large_count, _soup = measure(client, build_article(news, **large).url)
    assert small_count == large_count <= ARTICLE_QUERY_BUDGET
