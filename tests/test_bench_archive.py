"""bench_archive: a synthetic archive marked as benchmark data, in a valid page tree, built only
in a database of its own."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from articles.models import ArticleIndexPage, ArticlePage, ReadAlsoLink, TaggedArticle
from newsroom import bench_archive
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

ARTICLES, TAG_LINKS, TAGS = 50, 250, 30


def build(**options):
    out = io.StringIO()
    call_command(
        "bench_archive",
        articles=ARTICLES,
        tag_links=TAG_LINKS,
        tags=TAGS,
        force=True,
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_builds_a_valid_tree_of_live_marked_articles(home):
    output = build()

    assert "50 articles" in output
    assert Page.find_problems() == ([], [], [], [], [])
    index = ArticleIndexPage.objects.get(slug=bench_archive.INDEX_SLUG)
    assert index.title == bench_archive.INDEX_TITLE
    assert index.get_parent().pk == home.pk
    articles = ArticlePage.objects.child_of(index)
    assert index.numchild == ARTICLES == articles.live().count()
    assert not ArticlePage.objects.exclude(title__startswith=bench_archive.MARK).exists()
    assert all(article.url_path == f"{index.url_path}{article.slug}/" for article in articles)
    assert TaggedArticle.objects.count() == TAG_LINKS
    assert Tag.objects.filter(name__startswith=bench_archive.MARK).count() == TAGS
    assert ReadAlsoLink.objects.exists()
    # Built with bulk_create: no article went into the search index.
    article_type = ContentType.objects.get_for_model(ArticlePage)
    assert not IndexEntry.objects.filter(content_type=article_type).exists()


def test_tags_are_skewed_with_the_most_common_first(home):
    build()

    counts = dict(TaggedArticle.objects.values_list("tag__slug").annotate(n=Count("id")).order_by())
    first, last = (
        f"{bench_archive.TAG_SLUG_PREFIX}0001",
        f"{bench_archive.TAG_SLUG_PREFIX}{TAGS:04d}",
    )
    assert counts[first] > 3 * counts.get(last, 0)
    per_article = [
        row["n"] for row in TaggedArticle.objects.values("content_object").annotate(n=Count("id"))
    ]
    assert len(per_article) == ARTICLES and sum(per_article) == TAG_LINKS
    assert len(set(per_article)) > 1  # about five each, not exactly five


def test_news_listing_tag_pages_and_read_also_work(home, client):
    build()
    index = ArticleIndexPage.objects.get(slug=bench_archive.INDEX_SLUG)
    newest = ArticlePage.objects.child_of(index).newest_first().first()

    listing = client.get(index.url)
    assert listing.status_code == 200
    assert newest.title in listing.content.decode()

    tag = newest.tags.first()
    tag_page = client.get(f"/tags/{tag.slug}/")
    assert tag_page.status_code == 200
    assert newest.title in tag_page.content.decode()

    article = client.get(newest.url)
    assert article.status_code == 200
    related = [item for item in newest.read_also_items() if not item.is_external]
    assert related
    own_tags = set(newest.tags.values_list("pk", flat=True))
    for item in related:
        if not ReadAlsoLink.objects.filter(page=newest, target=item.page).exists():
            assert own_tags & set(item.page.tags.values_list("pk", flat=True))


def test_refuses_a_database_with_other_articles(news):
    ArticlePageFactory(parent=news, title="A real story")

    with pytest.raises(CommandError, match="not benchmark data"):
        build()
    assert not ArticlePage.objects.filter(title__startswith=bench_archive.MARK).exists()


def test_refuses_to_build_twice(home):
    build()

    with pytest.raises(CommandError, match="already holds a benchmark archive"):
        build()
    assert ArticlePage.objects.count() == ARTICLES


@pytest.mark.sqlite
def test_refuses_a_database_not_named_for_benchmarks(home):
    # The test database is in memory: its name says nothing of a benchmark.
    with pytest.raises(CommandError, match="not named for benchmarks"):
        call_command("bench_archive", articles=5, tag_links=10, stdout=io.StringIO())
    assert not ArticlePage.objects.exists()


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("newsroom_archive_1a2b", True),
        ("newsroom_bench", True),
        ("/tmp/Bench/db.sqlite3", False),
        ("/tmp/x/bench.sqlite3", True),
        ("newsroom", False),
        ("test_newsroom", False),
        ("", False),
        (None, False),
    ],
)
def test_database_names_for_benchmarks(name, allowed):
    assert bench_archive.database_name_allowed(name) is allowed
