"""Readers' Read also lists are cached per article, and a change shows at once."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from articles import read_also
from articles.models import ArticleSettings
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, add_read_also

pytestmark = pytest.mark.django_db


def shown(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".read-also li")]


@pytest.fixture
def story(news):
    ArticlePageFactory(parent=news, title="Older rare story", tags=["Rare"])
    page = ArticlePageFactory(parent=news, title="Main story", tags=["Rare"])
    return page


def test_a_second_render_reads_the_list_from_the_cache(client, story):
    assert shown(client, story) == ["Older rare story"]
    assert read_also.cache.get(read_also.plan_key(story)) is not None


def test_publishing_an_article_with_a_shared_tag_tops_the_list_up_at_once(client, news, story):
    assert shown(client, story) == ["Older rare story"]
    ArticlePageFactory(parent=news, title="New rare story", tags=["Rare"])
    assert shown(client, story) == ["New rare story", "Older rare story"]


def test_an_unpublished_target_disappears_at_once(client, news, story):
    curated = ArticlePageFactory(parent=news, title="Curated")
    story = add_read_also(story, curated)
    assert shown(client, story) == ["Curated", "Older rare story"]
    curated.unpublish()
    assert shown(client, story) == ["Older rare story"]
    older = story.get_parent().get_children().get(title="Older rare story")
    older.unpublish()
    assert shown(client, story) == []


def test_a_target_made_private_disappears_at_once(client, news, story):
    assert shown(client, story) == ["Older rare story"]
    older = story.get_parent().get_children().get(title="Older rare story")
    PageViewRestriction.objects.create(page=older, restriction_type=PageViewRestriction.LOGIN)
    assert shown(client, story) == []


def test_a_deleted_target_disappears_at_once(client, story):
    assert shown(client, story) == ["Older rare story"]
    story.get_parent().get_children().get(title="Older rare story").delete()
    assert shown(client, story) == []


def test_a_new_limit_applies_at_once(client, news, story):
    ArticlePageFactory(parent=news, title="New rare story", tags=["Rare"])
    assert len(shown(client, story)) == 2
    settings = ArticleSettings.for_site(story.get_site())
    settings.read_also_limit = 1
    settings.save()
    assert shown(client, story) == ["New rare story"]


def test_a_preview_is_never_served_from_the_cache(rf, news, story):
    shown_items = story.read_also_items(rf.get("/"))
    assert [item.title for item in shown_items] == ["Older rare story"]
    cached = read_also.cache.get(read_also.plan_key(story))
    assert cached is not None
    read_also.cache.set(read_also.plan_key(story), (), 60)  # a stale list, if it were read
    assert [item.title for item in story.read_also_items(rf.get("/"), preview=True)] == [
        "Older rare story"
    ]


def test_a_target_moved_under_a_view_restriction_disappears_at_once(client, home, news, story):
    members = ArticleIndexPageFactory(parent=home, title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    assert shown(client, story) == ["Older rare story"]  # cached, then moved:
    older = news.get_children().get(title="Older rare story")
    older.move(members, pos="last-child")
    assert shown(client, story) == []
