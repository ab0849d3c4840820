"""Query budgets: an article and a listing cost the same whatever their size.

Measured on a warm cache (the page was rendered once, so image renditions and embeds
exist), as an anonymous reader, not in preview.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleAuthor, ArticlePage, ReadAlsoLink
from tests.factories import ArticlePageFactory, AuthorFactory, ImageFactory

# Routing costs 8 (site and its root page, a child and a specific lookup for News and
# for the article, ancestors, view restrictions). The article adds: tags, settings,
# curated links, tag frequencies, top-up candidates, inline Read also targets, embeds and
# bylines: 16 in all. The appeal adds nothing on a warm cache.
ARTICLE_QUERY_BUDGET = 16
# Plus the lead image and its renditions, body images and their renditions, and byline
# photo renditions.
ARTICLE_WITH_IMAGES_BUDGET = 21


def body(blocks, *, image=None, target=None):
    stream = []
    for i in range(blocks):
        kind = i % 6
        if kind == 0 or (kind == 2 and image is None):
            stream.append({"type": "paragraph", "value": f"<p>Paragraph {i}.</p>"})
        elif kind == 1:
            stream.append({"type": "heading", "value": f"Heading {i}"})
        elif kind == 2:
            stream.append(
                {
                    "type": "image",
                    "value": {
                        "image": image.pk,
                        "alt_text": "",
                        "caption": "A caption",
                        "credit": "AP",
                    },
                }
            )
        elif kind == 3:
            stream.append({"type": "quote", "value": {"text": "Said.", "attribution": "X"}})
        elif kind == 4:
            stream.append({"type": "embed", "value": f"https://video.example.com/watch/{i}"})
        elif target is not None:
            stream.append({"type": "read_also", "value": {"article": target.pk}})
        else:
            stream.append({"type": "paragraph", "value": f"<p>Paragraph {i}.</p>"})
    return json.dumps(stream)


def build_article(news, *, tags, links, blocks, images=False):
    tag_names = [f"Tag {i}" for i in range(tags)]
    targets = [
        ArticlePageFactory(parent=news, title=f"Target {i}", tags=tag_names[:1])
        for i in range(max(links, 3))
    ]
    # Some siblings that share tags, so the top-up has work to do.
    for i in range(3):
        ArticlePageFactory(parent=news, title=f"Sibling {i}", tags=tag_names[i:])
    image = ImageFactory() if images else None
    page = ArticlePageFactory(
        parent=news,
        title="Measured story",
        tags=tag_names,
        body=body(blocks, image=image, target=targets[0]),
        lead_image=image,
    )
    page.read_also_links = [
        ReadAlsoLink(target=target, sort_order=i) for i, target in enumerate(targets[:links])
    ]
    if images:
        page.article_authors = [
            ArticleAuthor(author=AuthorFactory(photo=ImageFactory()), sort_order=i)
            for i in range(3)
        ]
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def count_queries(client, url):
    assert client.get(url).status_code == 200  # warm up renditions, embeds, site root paths
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("tags", "links", "blocks"),
    [(0, 0, 1), (1, 1, 6), (1, 5, 12), (16, 5, 30), (20, 20, 60)],
)
def test_article_page_query_count_is_fixed(
    client, news, tags, links, blocks, django_assert_max_num_queries
):
    page = build_article(news, tags=tags, links=links, blocks=blocks)
    client.get(page.url)
    with django_assert_max_num_queries(ARTICLE_QUERY_BUDGET):
        response = client.get(page.url)
    html = response.content.decode()
    assert "Measured story" in html
    assert html.count("<li") >= min(links, 5)


def test_article_query_count_does_not_grow_with_size(client, news):
    # Fewer curated links than the limit (5), so both pages also run the tag top-up.
    small = count_queries(client, build_article(news, tags=1, links=1, blocks=6).url)
    large = count_queries(client, build_article(news, tags=16, links=4, blocks=60).url)
    assert small == large == ARTICLE_QUERY_BUDGET


@pytest.mark.parametrize(("tags", "links", "blocks"), [(1, 1, 6), (16, 4, 60), (20, 20, 60)])
def test_article_with_images_and_bylines_has_a_fixed_query_count(client, news, tags, links, blocks):
    page = build_article(news, tags=tags, links=links, blocks=blocks, images=True)
    assert count_queries(client, page.url) <= ARTICLE_WITH_IMAGES_BUDGET


def make_listing(news, n, *, tag="Russia", images=True):
    image = ImageFactory() if images else None
    for i in range(n):
        ArticlePageFactory(parent=news, title=f"Listed {i}", tags=[tag], lead_image=image)


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
