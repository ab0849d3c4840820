"""The Read also top-up and the tag page on a synthetic archive of 100,000 articles (PostgreSQL).

    .venv/bin/python bench/archive.py [--database-url postgres://…/newsroom_archive_x] [--keep]
                                      [--articles 100000] [--tag-links 500000] [--tags 2000]
                                      [--repetitions 300]

Creates a fresh PostgreSQL database `newsroom_archive_<random>` on 127.0.0.1:5432 (or uses
--database-url, which must name an empty or already-built benchmark database), migrates it,
fills it with `manage.py bench_archive` (skipped when --database-url already holds the
archive), then measures in-process, warm, many repetitions:

- the Read also top-up (`articles.read_also.tag_related`: the tag frequencies and the top-up
  query, built and run each time, never from the Read also cache) for articles carrying the
  most popular tag, and for articles whose tags are all rare;
- the tag page (`/tags/<slug>/`) of the most popular tag, first page, through Django's test
  client, with the page cache off: warm (its count of articles cached until an article
  changes, articles.pagination), and as the first view after a publish (count not cached).

Prints a Markdown table (p50/p95 ms and queries) and EXPLAIN ANALYZE of the top-up query, and
drops the database it created unless --keep.
"""

import argparse
import datetime
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
SAMPLE_ARTICLES = 20
TARGET_MS = 20


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="Use this database instead of a fresh one.")
    parser.add_argument("--keep", action="store_true", help="Do not drop the database.")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--tag-links", type=int, default=500_000)
    parser.add_argument("--tags", type=int, default=2_000)
    parser.add_argument("--repetitions", type=int, default=300)
    parser.add_argument("--sql", action="store_true", help="Print each query before its plan.")
    return parser.parse_args(argv)


def server_connection(url):
    """An autocommit connection to the server's maintenance database."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def create_database(name):
    with server_connection(DEFAULT_SERVER) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{DEFAULT_SERVER}/{name}"


def drop_database(url):
    name = urlsplit(url).path.lstrip("/")
    with server_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(database_url):
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
        NEWSROOM_PAGE_CACHE="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Measure as production runs: no query log, any host.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]


def build(args):
    from django.core.management import call_command

    from articles.models import ArticlePage
    from newsroom import bench_archive

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter() - started
    if ArticlePage.objects.filter(title__startswith=bench_archive.MARK).exists():
        print("The database already holds a benchmark archive: not rebuilt.")
        return migrated, None
    started = time.perf_counter()
    call_command(
        "bench_archive",
        articles=args.articles,
        tag_links=args.tag_links,
        tags=args.tags,
    )
    return migrated, time.perf_counter() - started


def samples():
    """Articles carrying the most popular tag, and articles whose tags are all rare."""
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import ArticlePage, TaggedArticle
    from newsroom import bench_archive

    popular = (
        TaggedArticle.objects.filter(tag__slug__startswith=bench_archive.TAG_SLUG_PREFIX)
        .values("tag_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    popular_ids = list(
        TaggedArticle.objects.filter(tag_id=popular["tag_id"])
        .order_by("content_object_id")
        .values_list("content_object_id", flat=True)[:: max(1, popular["n"] // SAMPLE_ARTICLES)][
            :SAMPLE_ARTICLES
        ]
    )
    # Rare: every tag of the article ranks in the less common half (slugs are by rank).
    half = f"{bench_archive.TAG_SLUG_PREFIX}{args_tags_half():04d}"
    rare_ids = [row["pk"] for row in rare_candidates(half)[:SAMPLE_ARTICLES]]
    tag = Tag.objects.get(pk=popular["tag_id"])
    return (
        list(ArticlePage.objects.filter(pk__in=popular_ids)),
        list(ArticlePage.objects.filter(pk__in=rare_ids)),
        tag,
        popular["n"],
    )


def args_tags_half():
    from taggit.models import Tag

    from newsroom import bench_archive

    return Tag.objects.filter(slug__startswith=bench_archive.TAG_SLUG_PREFIX).count() // 2


def rare_candidates(half):
    """Ids of articles with no tag ranked above `half` (slug order is rank order)."""
    from django.db.models import Exists, OuterRef

    from articles.models import ArticlePage, TaggedArticle

    common = TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag__slug__lt=half)
    return (
        ArticlePage.objects.filter(tagged_items__isnull=False)
        .filter(~Exists(common))
        .order_by("-first_published_at")
        .values("pk")[:1000]
    )


def timed(function, repetitions):
    """p50 and p95 wall milliseconds of `function()`, the p50 of this process's CPU time (the
    database server's is not in it), and its queries (of the last call)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(max(3, repetitions // 10)):
        function()
    times, cpu = [], []
    for _ in range(repetitions):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        function()
    quantiles = statistics.quantiles(times, n=20)
    return (
        statistics.median(times),
        quantiles[18],
        statistics.median(cpu),
        len(ctx.captured_queries),
    )


def top_up(article, tags_of):
    """The uncached top-up of `article`, as its Read also list would make it."""
    from articles import read_also
    from articles.models import ArticlePage

    return read_also.tag_related(
        candidates=ArticlePage.objects.visible(),
        tags=tags_of[article.pk],
        exclude_ids={article.pk},
        limit=5,
    )


def cycling(articles, tags_of):
    position = [0]

    def call():
        article = articles[position[0] % len(articles)]
        position[0] += 1
        return top_up(article, tags_of)

    return call


def fresh_count_get(client, path):
    """The tag page as the first reader after a publish sees it: a new generation of cached
    counts and Read also lists (articles.pagination)."""
    from articles import read_also

    read_also.invalidate_plans()
    return client.get(path)


def explain(article, tags_of):
    """EXPLAIN ANALYZE of the queries of one top-up: the tag frequencies, then the top-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        top_up(article, tags_of)
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def measure(repetitions):
    from django.test import Client

    from articles.models import TaggedArticle

    popular, rare, tag, tag_count = samples()
    tags_of = {}
    for link in TaggedArticle.objects.filter(
        content_object_id__in=[a.pk for a in popular + rare]
    ).select_related("tag"):
        tags_of.setdefault(link.content_object_id, []).append(link.tag)
    client = Client()
    path = f"/tags/{tag.slug}/"
    assert client.get(path).status_code == 200
    rows = [
        (
            f"Read also top-up, articles with the most popular tag ({len(popular)} articles)",
            timed(cycling(popular, tags_of), repetitions),
        ),
        (
            f"Read also top-up, articles with rare tags only ({len(rare)} articles)",
            timed(cycling(rare, tags_of), repetitions),
        ),
        (
            f"tag page {path}, page 1 ({tag_count} articles), page cache off",
            timed(lambda: client.get(path), repetitions),
        ),
        (
            "the same, its count not cached either (the first view after a publish)",
            timed(lambda: fresh_count_get(client, path), repetitions),
        ),
    ]
    return rows, explain(popular[0], tags_of), explain(rare[0], tags_of)


def print_report(args, migrated, built, rows, plans_popular, plans_rare):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    print()
    print(
        f"{datetime.date.today()}, {platform.node()}, {os.cpu_count()} CPUs, load "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, PostgreSQL {server}; "
        f"{args.repetitions} repetitions each, warm"
    )
    if built is not None:
        print(f"migrate {migrated:.1f} s; bench_archive {built:.1f} s")
    print()
    print(
        f"| measurement | p50 ms | p95 ms | p50 CPU ms (Python) | queries | p50 ≤ {TARGET_MS} ms |"
    )
    print("|---|---:|---:|---:|---:|:---:|")
    for label, (p50, p95, cpu, queries) in rows:
        ok = "yes" if p50 <= TARGET_MS else "NO"
        print(f"| {label} | {p50:.2f} | {p95:.2f} | {cpu:.2f} | {queries} | {ok} |")
    for heading, plans in (
        ("most popular tag", plans_popular),
        ("rare tags", plans_rare),
    ):
        for number, (sql, plan) in enumerate(plans, 1):
            name = ("window bounds", "tag frequencies", "top-up")[min(number, 3) - 1]
            print(f"\nEXPLAIN ANALYZE, {name} query, an article with the {heading}:\n")
            if args.sql:
                print(sql + "\n")
            print(plan)


def main(argv=None):
    args = parse_args(argv)
    created = None
    url = args.database_url
    if not url:
        name = f"newsroom_archive_{secrets.token_hex(4)}"
        url = created = create_database(name)
        print(f"Created database {name}")
    try:
        setup_django(url)
        migrated, built = build(args)
        rows, plans_popular, plans_rare = measure(args.repetitions)
        print_report(args, migrated, built, rows, plans_popular, plans_rare)
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(created)
            print(f"\nDropped database {urlsplit(created).path.lstrip('/')}")
        elif created:
            print(f"\nKept {created}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
