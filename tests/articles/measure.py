"""Building articles of a given size and counting the queries of a warm request."""

import json

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleAuthor, ArticlePage, ReadAlsoLink
from tests.factories import ArticlePageFactory, AuthorFactory, ImageFactory

# Routing costs 1 on a warm cache: the article by id (articles.routing keeps the site, the
# path's page and that it has no view restriction; a cold route costs the site, the home
# page's specific row, News and its specific row, the article as an article in one query, and
# its view restrictions). The article adds: tags, the Read also list's targets (its composition
# is cached per article: read_also.cached_items), the inline Read also targets, embeds and
# bylines: 6 in all (16 before the cached list, the cached route, the one-query route and
# restrictions), whatever the tags, links and blocks, with or without insertions from other
# apps on a warm cache.
ARTICLE_QUERY_BUDGET = 6
# Plus the lead image and its renditions, body images and their renditions, and byline
# photo renditions.
ARTICLE_WITH_IMAGES_BUDGET = 11
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


def make_listing(news, n, *, tag="Russia", images=True):
    image = ImageFactory() if images else None
    for i in range(n):
        ArticlePageFactory(
            parent=news, title=f"Listed {i}", tags=[tag], lead_image=image, with_revision=False
        )
