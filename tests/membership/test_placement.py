"""Rendering the chosen appeal: the fragment cache per site, and previews."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from membership.models import Appeal, MembershipSettings
from membership.placement import appeal_insertions
from membership.selection import load_snapshot
from tests.factories import ArticlePageFactory, paragraph_body
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(news):
    return ArticlePageFactory(parent=news, body=paragraph_body("A", "B", "C"))


def links(site, *, cta_url, other_ways_url):
    settings = MembershipSettings.for_site(site)
    settings.cta_url = cta_url
    settings.other_ways_url = other_ways_url
    settings.save()


def end_html(page, host, **kwargs):
    request = RequestFactory().get(page.url, HTTP_HOST=host)
    extras = appeal_insertions(page, request=request, tags=[], **kwargs)
    return next(insertion.html for insertion in extras.body if insertion.after_paragraph is None)


def test_each_site_renders_the_appeal_with_its_own_links(home, article):
    main = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="other.example", port=80, root_page=home)
    links(main, cta_url="/join/", other_ways_url="/other-ways/")
    links(other, cta_url="https://other.example/patrons/", other_ways_url="/donate/")
    appeal = AppealFactory()

    # The main site renders first and fills the cache; the other site must not get its HTML.
    first = end_html(article, main.hostname)
    second = end_html(article, "other.example")
    assert f'href="/join/?appeal={appeal.pk}"' in first
    assert 'href="/other-ways/"' in first
    assert f'href="https://other.example/patrons/?appeal={appeal.pk}"' in second
    assert 'href="/donate/"' in second
    # And each from the cache on the next view.
    assert end_html(article, main.hostname) == first
    assert end_html(article, "other.example") == second


def appeal_queries(ctx):
    return [
        query["sql"] for query in ctx.captured_queries if 'FROM "membership_appeal"' in query["sql"]
    ]


def test_preview_fetches_the_appeal_once_and_leaves_the_readers_cache_alone(article):
    AppealFactory(heading="Preview me", placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    site = Site.objects.get(is_default_site=True)
    cache.clear()
    load_snapshot(site)  # the selection's own cache is warm; the rendered HTML is not
    request = RequestFactory().get(article.url)
    request.is_preview = True
    with CaptureQueriesContext(connection) as ctx:
        extras = appeal_insertions(article, request=request, tags=[], preview=True)
    assert len(appeal_queries(ctx)) == 1
    assert [insertion.html.count("Preview me") for insertion in extras.body] == [1, 1]
    assert not any("data-beacon" in insertion.html for insertion in extras.body)
    assert not [key for key in cache._cache if "appeal-html" in key]  # locmem

    # Readers still get the beacon, and preview never read their cached HTML either.
    assert "data-beacon" in end_html(article, site.hostname)
    assert "data-beacon" not in end_html(article, site.hostname, preview=True)
