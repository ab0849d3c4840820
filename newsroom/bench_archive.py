"""A synthetic archive for benchmarks: many live articles and tag links, built fast.

Everything it makes is marked as benchmark data: the articles sit under an article index titled
"Benchmark archive" (slug `benchmark-archive`), their titles start with "[bench]", and the tags
are named "[bench] topic NNNN" (slugs `bench-topic-NNNN`). It refuses a database whose name
says nothing of a benchmark or an archive (unless forced), and always refuses one that already
holds articles that are not benchmark data, or a benchmark archive.

Rows are written with `bulk_create` in batches, the page tree's paths computed here as
treebeard's `add_child` would (the next steps under the index, `numchild` updated once). So no
`post_save` signal fires: the search index is left alone (100,000 pages are not indexed), and so
are the page cache and the Read also generation, which are bumped once at the end.

Tags follow a Zipf-like law: the tag ranked r is drawn with weight 1/r**ZIPF_EXPONENT, so a few
tags are on tens of thousands of articles and most on a few dozen.
"""

import itertools
import random
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, Site

from articles import read_also
from articles.models import ArticleIndexPage, ArticlePage, ReadAlsoLink, TaggedArticle

MARK = "[bench]"
INDEX_TITLE = "Benchmark archive"
INDEX_SLUG = "benchmark-archive"
TAG_SLUG_PREFIX = "bench-topic-"
ALLOWED_NAME_WORDS = ("bench", "archive")
ZIPF_EXPONENT = 1.0
BATCH = 5_000
YEARS = 10
# One article in CURATED_EVERY has two curated links to older articles, and one in
# EXTERNAL_EVERY a story from another outlet.
CURATED_EVERY = 500
EXTERNAL_EVERY = 2_000
WORDS = [
    "talks",
    "ministers",
    "border",
    "energy",
    "prices",
    "court",
    "ruling",
    "elections",
    "harbour",
    "strike",
    "budget",
    "shipping",
    "sanctions",
    "drought",
    "vaccine",
    "floods",
    "census",
    "railway",
    "tariffs",
    "satellite",
    "summit",
]


class Refused(Exception):
    """The database is not one a benchmark archive may be written to."""


@dataclass(frozen=True)
class Built:
    index: ArticleIndexPage
    articles: int
    tags: int
    tag_links: int
    curated_links: int


def database_name_allowed(name):
    """True when a database's name (a PostgreSQL name or an SQLite file) says it is for
    benchmarks or an archive."""
    base = re.split(r"[\\/]", str(name or ""))[-1].lower()
    return any(word in base for word in ALLOWED_NAME_WORDS)


def check_database(using="default", *, force=False):
    """Raise Refused unless a benchmark archive may be built in the database `using`."""
    name = connections[using].settings_dict.get("NAME")
    if not force and not database_name_allowed(name):
        raise Refused(
            f"The database {name!r} is not named for benchmarks: its name must contain "
            f"{' or '.join(repr(w) for w in ALLOWED_NAME_WORDS)} (or pass --force)."
        )
    articles = ArticlePage.objects.using(using)
    if articles.exclude(title__startswith=MARK).exists():
        raise Refused(
            f"The database {name!r} holds articles that are not benchmark data; "
            "a benchmark archive is only built in a database of its own."
        )
    if Page.objects.using(using).filter(slug=INDEX_SLUG, title=INDEX_TITLE).exists():
        raise Refused(f"The database {name!r} already holds a benchmark archive.")


def zipf_cum_weights(count, exponent=ZIPF_EXPONENT):
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


def tags_per_article(rng, articles, links, most):
    """How many tags each article carries: `links` in all, about links/articles each
    (between 1 and `most`), varied."""
    mean = links / articles
    low, high = max(1, round(mean / 2)), min(most, round(mean * 1.5))
    counts = [min(max(rng.randint(low, high), 1), most) for _ in range(articles)]
    difference = links - sum(counts)
    step = 1 if difference > 0 else -1
    while difference:
        i = rng.randrange(articles)
        if 1 <= counts[i] + step <= most:
            counts[i] += step
            difference -= step
    return counts


def _headline(rng, number):
    words = " ".join(rng.choice(WORDS) for _ in range(5))
    return f"{MARK} {words.capitalize()} ({number})"


def _make_index(using):
    site = Site.objects.using(using).filter(is_default_site=True).first() or Site.objects.first()
    root = site.root_page.specific
    index = ArticleIndexPage(
        title=INDEX_TITLE,
        slug=INDEX_SLUG,
        intro="<p>Synthetic benchmark data made by <code>manage.py bench_archive</code>.</p>",
        live=True,
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
    )
    root.add_child(instance=index)
    return index


def _make_tags(count, using):
    tags = [
        Tag(name=f"{MARK} topic {rank:04d}", slug=f"{TAG_SLUG_PREFIX}{rank:04d}")
        for rank in range(1, count + 1)
    ]
    Tag.objects.using(using).bulk_create(tags, batch_size=BATCH)
    by_slug = dict(
        Tag.objects.using(using).filter(slug__startswith=TAG_SLUG_PREFIX).values_list("slug", "pk")
    )
    return [by_slug[tag.slug] for tag in tags]  # by rank: the most common first


def build_archive(
    *, articles=100_000, tag_links=500_000, tags=2_000, seed=1, using="default", log=None
):
    """Build the archive in the database `using` (checked first: see check_database)."""
    rng = random.Random(seed)
    tags = max(1, min(tags, tag_links))
    most = min(tags, 12)
    if tag_links > articles * most:
        raise ValueError(f"At most {most} tags per article: --tag-links ≤ {articles * most}.")
    now = timezone.now()
    span = timedelta(days=365 * YEARS)
    with transaction.atomic(using=using):
        index = _make_index(using)
        tag_ids = _make_tags(tags, using)
        cum_weights = zipf_cum_weights(len(tag_ids))
        counts = tags_per_article(rng, articles, tag_links, most)
        content_type = ContentType.objects.db_manager(using).get_for_model(ArticlePage)
        last_child = index.get_last_child()
        first_step = last_child._get_lastpos_in_path() + 1 if last_child else 1
        depth = index.depth + 1
        own_fields = ArticlePage._meta.local_concrete_fields
        made = curated = 0
        for start in range(0, articles, BATCH):
            numbers = range(start, min(start + BATCH, articles))
            pages = []
            for number in numbers:
                # Number 0 is the oldest, YEARS old; ids grow with time, as on a real site.
                published = now - span * ((articles - number) / articles)
                title = _headline(rng, number)
                slug = f"bench-{number:06d}"
                pages.append(
                    Page(
                        path=Page._get_path(index.path, depth, first_step + number),
                        depth=depth,
                        numchild=0,
                        translation_key=uuid.uuid4(),
                        locale_id=index.locale_id,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        latest_revision_created_at=published,
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=content_type,
                        url_path=f"{index.url_path}{slug}/",
                        seo_title="",
                        search_description="",
                    )
                )
            Page.objects.using(using).bulk_create(pages)
            children = [
                ArticlePage(
                    page_ptr_id=page.pk,
                    standfirst=f"Synthetic story {number} for the benchmark archive.",
                    body=[
                        {
                            "type": "paragraph",
                            "value": f"<p>Benchmark data: story {number}.</p>",
                            "id": str(uuid.uuid4()),
                        }
                    ],
                )
                for number, page in zip(numbers, pages, strict=True)
            ]
            # bulk_create refuses a multi-table child; its own table's rows go in the same way.
            ArticlePage._base_manager.db_manager(using)._insert(
                children, fields=own_fields, using=using
            )
            links = []
            for number, page in zip(numbers, pages, strict=True):
                chosen = set()
                while len(chosen) < counts[number]:
                    chosen.update(rng.choices(tag_ids, cum_weights=cum_weights, k=counts[number]))
                for tag_id in itertools.islice(chosen, counts[number]):
                    links.append(TaggedArticle(tag_id=tag_id, content_object_id=page.pk))
            TaggedArticle.objects.using(using).bulk_create(links, batch_size=BATCH)
            curated += _add_curated_links(rng, pages, made, using)
            made += len(pages)
            if log:
                log(f"{made} articles")
        Page.objects.using(using).filter(pk=index.pk).update(numchild=F("numchild") + made)
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            for model in (Page, ArticlePage, TaggedArticle, Tag, ReadAlsoLink):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    read_also.invalidate_plans()
    index.refresh_from_db()
    return Built(index, made, len(tag_ids), tag_links, curated)


def _add_curated_links(rng, pages, made_before, using):
    """A few curated Read also links: in each batch, some articles link two older ones
    (earlier in the batch), and fewer a story from another outlet."""
    links = []
    for offset, page in enumerate(pages):
        number = made_before + offset
        older = pages[:offset]
        if number % CURATED_EVERY == CURATED_EVERY - 1 and len(older) >= 2:
            for order, target in enumerate(rng.sample(older, 2)):
                links.append(ReadAlsoLink(page_id=page.pk, target_id=target.pk, sort_order=order))
        if number % EXTERNAL_EVERY == 0:
            links.append(
                ReadAlsoLink(
                    page_id=page.pk,
                    external_url=f"https://example.com/bench/{number}",
                    external_title=f"{MARK} Another outlet's story {number}",
                    external_source="Example",
                    sort_order=2,
                )
            )
    ReadAlsoLink.objects.using(using).bulk_create(links)
    return len(links)
