"""“Patrons voted for this”: an article that covered a topic patrons voted for says so, with
a link to the topic in its round's results. It reaches the article through the articles
body-insertion seam (the insert_into_article hook, registered in wagtail_hooks.py), and is
the same for every reader.

Which articles covered which topics comes from one cached map per site, versioned with the
appeal snapshot (membership.selection), whose version membership.coverage bumps when a topic,
its articles or the topics page change. Why a cache: looking the article up costs a query on
every article render, and articles already spend their whole budget (16 queries,
tests/articles/measure.py; measured 2026-11-30: an article with 1 tag, 1 Read also link and
7 blocks costs 16 with the appeal). On a warm cache the map costs no query.
"""

from django.core.cache import cache
from django.template.loader import render_to_string

from articles.insertions import ArticleExtras, Insertion

from . import selection
from .models import Topic
from .placement import site_for
from .topic_listing import topics_page

KEY = "patrons-voted"


def build_map(site):
    """{article id: ((topic title, link), ...)} for every covered topic: two queries (three
    the first time a site's root page is looked up)."""
    page = topics_page(site)
    rows = (
        Topic.objects.filter(status=Topic.Status.COVERED, covered_by__isnull=False)
        .order_by("round__opens_at", "pk")
        .values_list("covered_by", "pk", "title", "round_id")
    )
    covered = {}
    for article_id, topic_id, title, round_id in rows:
        results_url = page.results_url(round_id) if page else ""
        link = f"{results_url}#topic-{topic_id}" if results_url else ""
        covered.setdefault(article_id, []).append((title, link))
    return {article_id: tuple(topics) for article_id, topics in covered.items()}


def covered_articles(site):
    key = f"membership:covered:{site.pk if site else 0}:{selection.snapshot_version()}"
    covered = cache.get(key)
    if covered is None:
        covered = build_map(site)
        cache.set(key, covered, selection.SNAPSHOT_TIMEOUT)
    return covered


def voted_for_this(page, *, request=None, tags=(), preview=False):
    """The insert_into_article hook: the note at the end of an article that covered a topic
    (also on articles with no promotions: it is a fact about the story, not an appeal)."""
    if page.pk is None:
        return None
    topics = covered_articles(site_for(page, request)).get(page.pk)
    if not topics:
        return None
    html = render_to_string("membership/voted_for_this.html", {"topics": topics})
    head = render_to_string("membership/voted_for_this_head.html")
    return ArticleExtras(head=[head], body=[Insertion(html, key=KEY)])
