"""Read also: curated links first, then articles sharing the rarest tags."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles import read_also
from articles.models import ArticlePage, ArticleSettings, ReadAlsoLink
from tests.factories import ArticlePageFactory, add_read_also


def titles(items):
    return [item.title for item in items]


def published(news, title, *, tags=(), days_ago=0, live=True):
    page = ArticlePageFactory(parent=news, title=title, tags=list(tags), live=live)
    if live and days_ago:
        when = timezone.now() - datetime.timedelta(days=days_ago)
        ArticlePage.objects.filter(pk=page.pk).update(first_published_at=when)
        page.refresh_from_db()
    return page


@pytest.fixture
def limit(home):
    def set_limit(n):
        settings = ArticleSettings.for_site(home.get_site())
        settings.read_also_limit = n
        settings.save()

    return set_limit


def test_curated_links_come_first_in_editor_order(news):
    first, second, third = (published(news, t) for t in ("First", "Second", "Third"))
    page = add_read_also(published(news, "Story"), third, first, second)

    assert titles(page.read_also_items()) == ["Third", "First", "Second"]


def test_every_live_curated_link_shows_even_beyond_the_limit(news, limit):
    limit(2)
    targets = [published(news, f"Target {i}") for i in range(4)]
    page = add_read_also(published(news, "Story"), *targets)

    assert titles(page.read_also_items()) == [f"Target {i}" for i in range(4)]


def test_readers_never_see_links_to_drafts_or_unpublished_pages(news):
    draft = published(news, "Draft", live=False)
    unpublished = published(news, "Withdrawn")
    live = published(news, "Live")
    page = add_read_also(published(news, "Story"), draft, unpublished, live)
    ArticlePage.objects.get(pk=unpublished.pk).unpublish()

    items = page.read_also_items()

    assert titles(items) == ["Live"]
    assert not any(item.hidden_reason for item in items)


def test_readers_never_see_links_to_private_pages(news):
    private = published(news, "Members only", tags=["Russia"])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    page = add_read_also(published(news, "Story", tags=["Russia"]), private)

    assert "Members only" not in titles(page.read_also_items())


def test_preview_keeps_hidden_targets_marked(news):
    draft = published(news, "Draft", live=False)
    page = add_read_also(published(news, "Story"), draft)

    items = page.read_also_items(preview=True)

    assert titles(items) == ["Draft"]
    assert items[0].hidden_reason == "draft"


def test_external_links_keep_their_title_url_and_source(news):
    external = ReadAlsoLink(
        external_url="https://example.com/story",
        external_title="EU leaders call for sanctions",
        external_source="Bloomberg",
    )
    page = add_read_also(published(news, "Story"), external)

    [item] = page.read_also_items()

    assert (item.title, item.url, item.source_label) == (
        "EU leaders call for sanctions",
        "https://example.com/story",
        "Bloomberg",
    )
    assert item.page is None


def test_top_up_ranks_rarer_shared_tags_higher_then_newer(news):
    # "Russia" is on many articles, "Kharkiv" on few: sharing Kharkiv counts more.
    for i in range(5):
        published(news, f"Filler {i}", tags=["Russia"], days_ago=30 + i)
    both = published(news, "Both tags", tags=["Russia", "Kharkiv"], days_ago=10)
    rare = published(news, "Rare tag only", tags=["Kharkiv"], days_ago=9)
    common_new = published(news, "Common tag, newest", tags=["Russia"], days_ago=1)
    common_old = published(news, "Common tag, older", tags=["Russia"], days_ago=2)
    published(news, "Unrelated", tags=["Weather"])
    page = published(news, "Story", tags=["Russia", "Kharkiv"])

    items = page.read_also_items()

    assert titles(items) == [
        both.title,
        rare.title,
        common_new.title,
        common_old.title,
        "Filler 0",
    ]


def test_top_up_looks_at_each_tags_most_recently_added_articles_only(news, monkeypatch):
    # A tag on more articles than RECENT_PER_TAG counts (as a candidate and in its weight)
    # only on the ones added last: here "Russia" on Added 1, Added 2 and Story itself.
    monkeypatch.setattr(read_also, "RECENT_PER_TAG", 3)
    first = published(news, "Added first", tags=["Russia", "Kharkiv"], days_ago=1)
    published(news, "Added 0", tags=["Russia"], days_ago=10)
    published(news, "Added 1", tags=["Russia"], days_ago=11)
    published(news, "Added 2", tags=["Russia"], days_ago=12)
    page = published(news, "Story", tags=["Russia", "Kharkiv"])

    items = page.read_also_items()

    # Added first shares Kharkiv (1/2) but not, in the window, Russia (1/3 each for the rest).
    assert titles(items) == [first.title, "Added 1", "Added 2"]


def test_top_up_fills_to_the_site_limit_excluding_self_and_listed(news, limit):
    limit(3)
    curated = published(news, "Curated", tags=["Russia"])
    others = [published(news, f"Other {i}", tags=["Russia"], days_ago=i + 1) for i in range(5)]
    page = add_read_also(published(news, "Story", tags=["Russia"]), curated)

    items = page.read_also_items()

    assert titles(items) == ["Curated", others[0].title, others[1].title]
    assert page.title not in titles(items)


def test_top_up_leaves_out_drafts_and_private_pages(news):
    published(news, "Draft sibling", tags=["Russia"], live=False)
    private = published(news, "Private sibling", tags=["Russia"])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    page = published(news, "Story", tags=["Russia"])

    assert titles(page.read_also_items()) == []


def test_tags_match_case_insensitively(news):
    published(news, "Lower case tag", tags=["north korea"])
    page = published(news, "Story", tags=["North Korea"])

    assert titles(page.read_also_items()) == ["Lower case tag"]
    assert ArticlePage.objects.get(pk=page.pk).tags.get().name in {"north korea", "North Korea"}


def test_a_zero_limit_shows_curated_links_only(news, limit):
    limit(0)
    curated = published(news, "Curated", tags=["Russia"])
    published(news, "Sibling", tags=["Russia"])
    page = add_read_also(published(news, "Story", tags=["Russia"]), curated)

    assert titles(page.read_also_items()) == ["Curated"]


def test_preview_uses_unsaved_links_and_tags(news):
    draft = published(news, "Unwritten", live=False)
    live = published(news, "Written")
    sibling = published(news, "Shares a new tag", tags=["Kharkiv"])
    page = ArticlePage.objects.get(pk=published(news, "Story").pk)

    # Edits in the editor, not saved: modelcluster keeps them in memory.
    page.read_also_links = [
        ReadAlsoLink(target=draft, sort_order=0),
        ReadAlsoLink(target=live, sort_order=1),
    ]
    page.tags.add("Kharkiv")

    items = page.read_also_items(preview=True)

    assert titles(items) == ["Unwritten", "Written", sibling.title]
    assert [item.hidden_reason for item in items] == ["draft", "", ""]
    assert not ArticlePage.objects.get(pk=page.pk).read_also_links.exists()
