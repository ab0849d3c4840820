"""Query budgets with the appeal: placing it (at the end and inline) costs no query on a warm
cache, whatever the article's size."""

import pytest
from wagtail.models import Site

from membership.models import Appeal, MembershipSettings
from tests.articles.measure import (
    ARTICLE_QUERY_BUDGET,
    ARTICLE_WITH_IMAGES_BUDGET,
    build_article,
    measure,
)
from tests.membership.factories import AppealFactory


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


def assert_appeal_placed(soup, *, blocks):
    assert len(soup.select(".article-body .patron-appeal--end")) == 1
    # Inline after paragraph 1 whenever the body has its second paragraph.
    assert len(soup.select(".article-body .patron-appeal--inline")) == (1 if blocks >= 2 else 0)
    assert len(soup.select("script[data-appeal]")) == 1


@pytest.mark.parametrize(
    ("tags", "links", "blocks"),
    [(0, 0, 1), (1, 1, 7), (16, 5, 30), (20, 20, 60)],
)
def test_an_article_with_the_appeal_keeps_its_query_budget(
    client, news, appeal, tags, links, blocks
):
    page = build_article(news, tags=tags, links=links, blocks=blocks)
    count, soup = measure(client, page.url)
    assert count <= ARTICLE_QUERY_BUDGET
    assert_appeal_placed(soup, blocks=blocks)


def test_the_appeal_costs_the_same_at_every_size(client, news, appeal):
    small, small_soup = measure(client, build_article(news, tags=1, links=1, blocks=7).url)
    large, large_soup = measure(client, build_article(news, tags=16, links=4, blocks=60).url)
    assert small == large <= ARTICLE_QUERY_BUDGET
    assert_appeal_placed(small_soup, blocks=7)
    assert_appeal_placed(large_soup, blocks=60)


def test_with_images_and_bylines(client, news, appeal):
    page = build_article(news, tags=16, links=4, blocks=60, images=True)
    count, soup = measure(client, page.url)
    assert count <= ARTICLE_WITH_IMAGES_BUDGET
    assert_appeal_placed(soup, blocks=60)
