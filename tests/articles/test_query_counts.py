"""Query budgets: an article and a listing cost the same whatever their size.

Measured on a warm cache (the page was rendered once, so image renditions and embeds
exist), as an anonymous reader, not in preview.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from articles.models import ArticleAuthor, ArticlePage, ReadAlsoLink
from membership.models import Appeal, MembershipSettings
from tests.factories import ArticlePageFactory, AuthorFactory, ImageFactory
from tests.membership.factories import AppealFactory

# Routing costs 8 (site and its root page, a child and a specific lookup for News and
# for the article, ancestors, view restrictions). The article adds: tags, settings,
# curated links, tag frequencies, top-up candidates, inline Read also targets, embeds and
# bylines: 16 in all. The appeal adds nothing on a warm cache.
ARTICLE_QUERY_BUDGET = 16
# Plus the lead image and its renditions, body images and their renditions, and byline
# photo renditions.
ARTICLE_WITH_IMAGES_BUDGET = 21
READ_ALSO_LIMIT = 5  # the default of ArticleSettings.read_also_limit, for the top-up


def body(blocks, *, image=None, target=None):
    """`blocks` blocks cycling through every type (all of them from 7 blocks on), starting
    with two paragraphs side by side: the inline appeal's slot, from 2 blocks on."""
    stream = []
    for i in range(blocks):
        kind = i % 7
        if kind in (0, 1) or (kind == 3 and image is None):
            stream.append({"type": "paragraph", "value": f"<p>Paragraph {i}.</p>"})
        elif kind == 2:
            stream.append({"type": "heading", "value": f"Heading {i}"})
        elif kind == 3:
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
        elif kind == 4:
            stream.append({"type": "quote", "value": {"text": "Said.", "attribution": "X"}})
        elif kind == 5:
            stream.append({"type": "embed", "value": f"https://video.example.com/watch/{i}"})
        elif target is not None:
            stream.append({"type": "read_also", "value": {"article": target.pk}})
        else:
            stream.append({"type": "paragraph", "value": f"<p>Paragraph {i}.</p>"})
    return json.dumps(stream)


@pytest.fixture
def appeal(news):
    """A live appeal, at the end and inline after paragraph 1, as the site's default."""
    appeal = AppealFactory(
        heading="Measured appeal", placement=Appeal.Placement.BOTH, inline_after_paragraph=1
    )
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = appeal
    settings.save()
    return appeal


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


def warm_request(client, url):
    assert client.get(url).status_code == 200  # warm up renditions, embeds, site root paths
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def measure(client, url):
    """The queries of a warm request to the article at `url`, and its HTML, parsed."""
    count, response = warm_request(client, url)
    return count, BeautifulSoup(response.content, "html.parser")


def count_queries(client, url):
    return warm_request(client, url)[0]


def assert_full_page(soup, *, links, blocks):
    """The measured page really has its Read also list and the appeal, in both places."""
    assert "Measured story" in soup.title.get_text()
    # Every curated link, in order; tag matches top the list up to the limit, never past it.
    items = [li.get_text(" ", strip=True) for li in soup.select(".read-also li")]
    assert links <= len(items) <= max(links, READ_ALSO_LIMIT)
    for i, text in enumerate(items[:links]):
        assert text.endswith(f"Target {i}"), items
    assert len(soup.select(".article-body .patron-appeal--end")) == 1
    # Inline after paragraph 1 whenever the body has its second paragraph.
    assert len(soup.select(".article-body .patron-appeal--inline")) == (1 if blocks >= 2 else 0)
    assert len(soup.select("script[data-appeal]")) == 1


@pytest.mark.parametrize(
    ("tags", "links", "blocks"),
    [(0, 0, 1), (1, 1, 7), (1, 5, 14), (16, 5, 30), (20, 20, 60)],
)
def test_article_page_query_count_is_fixed(client, news, appeal, tags, links, blocks):
    page = build_article(news, tags=tags, links=links, blocks=blocks)
    count, soup = measure(client, page.url)
    assert count <= ARTICLE_QUERY_BUDGET
    assert_full_page(soup, links=links, blocks=blocks)


def test_article_query_count_does_not_grow_with_size(client, news, appeal):
    # Fewer curated links than the limit (5), so both pages also run the tag top-up.
    small, small_soup = measure(client, build_article(news, tags=1, links=1, blocks=7).url)
    large, large_soup = measure(client, build_article(news, tags=16, links=4, blocks=60).url)
    assert small == large == ARTICLE_QUERY_BUDGET
    assert_full_page(small_soup, links=1, blocks=7)
    assert_full_page(large_soup, links=4, blocks=60)


@pytest.mark.parametrize(("tags", "links", "blocks"), [(1, 1, 7), (16, 4, 60), (20, 20, 60)])
def test_article_with_images_and_bylines_has_a_fixed_query_count(
    client, news, appeal, tags, links, blocks
):
    page = build_article(news, tags=tags, links=links, blocks=blocks, images=True)
    count, soup = measure(client, page.url)
    assert count <= ARTICLE_WITH_IMAGES_BUDGET
    assert_full_page(soup, links=links, blocks=blocks)
    assert len(soup.select(".article-body figure img")) >= 1


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
