"""Benchmarks that prove the performance budget (/work/shared/DESIGN.md, "Performance budget").

    .venv/bin/python bench/run.py [--client auto|wrk|python] [--duration 5] [--articles 200]
        [--database-url postgres://postgres@127.0.0.1:5432/newsroom_bench_x]

Builds a throwaway site (production settings; SQLite in a temp dir, or a fresh PostgreSQL
database `newsroom_bench_<random>` with --database-url) with the seed story, N synthetic
articles and an open voting round on the topics page. Serves it with two gunicorns (sync
workers) on loopback, one with the page cache on and one with it off (NEWSROOM_PAGE_CACHE), and
loads each page with wrk for a fixed time (or, without wrk, a Python client for a bounded number
of requests). The ceiling is the seed article's bytes served by a trivial WSGI app
(bench/ceiling.py) under the same gunicorn settings. SQL queries per page are counted
in-process with Django's test client on a warm cache. On PostgreSQL it then runs the vote storm
of bench/votes.py. Prints a Markdown table, writes it to bench/results.md, and always stops
gunicorn, removes the temp dir and drops the database.
"""

import argparse
import contextlib
import http.client
import io
import json
import logging
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench import votes, wrk  # noqa: E402
from bench.databases import is_postgresql, throwaway_database  # noqa: E402
from bench.environment import ROOT, bench_env, machine_line, setup_django  # noqa: E402
from bench.servers import HTTP_TIMEOUT, WORKERS, Gunicorn, fetch  # noqa: E402

RESULTS = BENCH_DIR / "results.md"
# The Python client: a timed run stops early after this long, so that a busy machine cannot
# stretch the benchmark; the table then says how many requests were made.
RUN_SECONDS = 15
# Set when the run is interrupted, so that client threads stop at once.
STOP = threading.Event()
# The target: the cached article serves at least this share of the ceiling's req/s.
TARGET_SHARE = 90
# Server names: the site with the page cache on (as deployed) and off (every view renders).
ON, OFF = "on", "off"

TAG_POOL = [
    "Russia",
    "Ukraine",
    "North Korea",
    "South Korea",
    "military aid",
    "sanctions",
    "EU",
    "NATO",
    "energy",
    "elections",
    "economy",
    "climate",
    "China",
    "shipping",
    "courts",
    "health",
    "migration",
    "technology",
]
TAG_PAGE_TAG = "Russia"  # a seed tag that about half of the synthetic articles carry too


# The throwaway site.


def build_site(article_count, *, members=0, topics=10):
    """Migrate, import the seed story, collect static files, add synthetic articles and an
    open voting round of `topics` topics on a live topics page, with `members` active patrons
    (for the vote storm). Returns (patrons, topics, topics page URL)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("import_seed", stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    add_articles(article_count)
    return votes.prepare(members, topics)


def synthetic_body(rng, number, inline_target):
    paragraphs = [
        f"<p>Paragraph {k} of synthetic story {number}. Officials said on Tuesday that "
        f"{rng.choice(['shipments', 'containers', 'talks', 'supplies', 'exports'])} had "
        "<b>increased</b> since last year, according to figures seen by our reporters.</p>"
        for k in range(1, 9)
    ]
    blocks = [{"type": "paragraph", "value": p} for p in paragraphs[:3]]
    blocks.append({"type": "read_also", "value": {"article": inline_target}})
    blocks += [{"type": "paragraph", "value": p} for p in paragraphs[3:5]]
    blocks.append({"type": "heading", "value": f"What happens next for story {number}"})
    blocks.append(
        {
            "type": "quote",
            "value": {"text": "We will keep watching closely.", "attribution": "A spokesperson"},
        }
    )
    blocks += [{"type": "paragraph", "value": p} for p in paragraphs[5:]]
    return json.dumps(blocks)


def add_articles(count):
    """`count` published articles under News, each with tags, an author, a body with an inline
    Read also block, and three curated Read also links plus one external link."""
    from django.db import transaction
    from wagtail.models import Site

    from articles.models import ArticleAuthor, ArticlePage, Author, ReadAlsoLink

    rng = random.Random(2024)
    seed = seed_article()
    news = seed.get_parent().specific
    assert Site.objects.get(is_default_site=True)
    with transaction.atomic():
        authors = [Author.objects.create(name=f"Reporter {k}") for k in range(1, 6)]
        published = [seed]
        for number in range(1, count + 1):
            earlier = rng.sample(published, min(3, len(published)))
            tags = rng.sample([t for t in TAG_POOL if t != TAG_PAGE_TAG], rng.randint(2, 4))
            if number % 2:
                tags.append(TAG_PAGE_TAG)
            page = ArticlePage(
                title=f"Synthetic story number {number}",
                slug=f"synthetic-story-{number}",
                standfirst=f"What happened in synthetic story {number}, in one sentence.",
                source_label=rng.choice(["", "Reuters", "Bloomberg", "AP"]),
                body=synthetic_body(rng, number, earlier[0].pk),
            )
            page.tags.add(*tags)
            page.article_authors = [ArticleAuthor(author=rng.choice(authors), sort_order=0)]
            page.read_also_links = [
                ReadAlsoLink(target=target, sort_order=k) for k, target in enumerate(earlier)
            ] + [
                ReadAlsoLink(
                    external_url=f"https://example.com/story/{number}",
                    external_title=f"Another outlet's take on story {number}",
                    external_source="Example News",
                    sort_order=len(earlier),
                )
            ]
            news.add_child(instance=page)
            page.save_revision().publish()
            published.append(ArticlePage.objects.get(pk=page.pk))


def seed_article():
    """The story import_seed created: the front page's top story."""
    from articles.models import ArticlePage

    return ArticlePage.objects.live().order_by("first_published_at", "pk").first()


def pages_to_measure(topics_url):
    """(name, path, servers): the page cache on, off, or both."""
    from taggit.models import Tag

    seed = seed_article()
    tag = Tag.objects.get(name__iexact=TAG_PAGE_TAG)
    both = (ON, OFF)
    return [
        # Not a page: Django's own floor, a plain view through the same middleware.
        ("Django floor: robots.txt", "/robots.txt", (ON,)),
        ("front page", "/", both),
        ("seed article", seed.get_url(), both),
        ("News", seed.get_parent().get_url(), both),
        (f"tag page ({tag.name})", f"/tags/{tag.slug}/", both),
        ("topics page (open round)", topics_url, both),
        ("feed", "/feed/", (ON,)),
        ("search", "/search/?q=containers", (ON,)),
    ]


def count_queries(paths, *, page_cache=True):
    """SQL queries of each path on a warm cache: render twice, count the second (with the page
    cache on, the second is a hit)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    counts = {}
    with override_settings(ARTICLES_PAGE_CACHE=page_cache):
        for path in paths:
            first = client.get(path)
            if first.status_code != 200:
                raise RuntimeError(f"{path} answered {first.status_code} in-process")
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            counts[path] = len(ctx.captured_queries)
    return counts


def article_shape(page):
    return (
        f"{len(page.tags.all())} tags, {page.read_also_links.count()} Read also links, "
        f"{len(page.body)} body blocks"
    )


def flat_queries_line(seed_path, seed_queries):
    """Info: the seed article and a synthetic one of another shape cost the same queries."""
    from articles.models import ArticlePage

    seed = seed_article()
    other = ArticlePage.objects.live().exclude(pk=seed.pk).order_by("-pk").first()
    other_path = other.get_url()
    other_queries = count_queries([other_path], page_cache=False)[other_path]
    return (
        f"- Info: queries per article, page cache off: seed article {seed_queries} "
        f"({article_shape(seed)}); `{other_path}` {other_queries} ({article_shape(other)})."
    )


# Load.


def _client(port, path, count, deadline):
    """Up to `count` GETs on one connection object (it reconnects when the server closes),
    stopping early at `deadline` (a perf_counter value)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    latencies, errors = [], 0
    for _ in range(count):
        start = time.perf_counter()
        if start > deadline or STOP.is_set():
            break
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    conn.close()
    return latencies, errors


def load(port, path, requests, concurrency, max_seconds=RUN_SECONDS):
    shares = [requests // concurrency + (k < requests % concurrency) for k in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        start = time.perf_counter()
        deadline = start + max_seconds
        try:
            results = list(pool.map(lambda n: _client(port, path, n, deadline), shares))
        except BaseException:
            STOP.set()
            raise
        wall = time.perf_counter() - start
    latencies = sorted(lat for lats, _errors in results for lat in lats)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": sum(errors for _lats, errors in results),
    }


def percentile(sorted_values, pct):
    """Nearest-rank percentile, in milliseconds."""
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1] * 1000


class Loader:
    """The load generator: wrk for a fixed time per row when it is installed (or asked for),
    else the Python client for a bounded number of requests."""

    def __init__(self, args, tmp):
        self.args = args
        executable = wrk.path() if args.client in ("auto", "wrk") else None
        if args.client == "wrk" and executable is None:
            raise SystemExit("--client wrk: wrk is not installed (Debian package `wrk`)")
        self.wrk = executable
        self.script = wrk.write_script(tmp) if executable else None

    def describe(self):
        a = self.args
        if self.wrk:
            return (
                f"`{wrk.version(self.wrk)}`, {a.threads} threads, {a.connections} connections, "
                f"{a.duration} s per row after {a.warmup_seconds} s of warm-up"
            )
        return (
            f"Python `http.client` ({sys.version.split()[0]}), {a.concurrency} threads, "
            f"{a.requests} GETs per row after {a.warmup} warm-up (at most {RUN_SECONDS} s)"
        )

    def _run(self, port, path, seconds=None, requests=None):
        a = self.args
        if self.wrk:
            return wrk.run(
                self.wrk,
                self.script,
                f"http://127.0.0.1:{port}{path}",
                seconds=seconds,
                threads=a.threads,
                connections=a.connections,
            )
        return load(port, path, requests, a.concurrency)

    def measure(self, server, path):
        """Warm up, then load `path`; the figures and the server's CPU time per request. Any
        socket error or non-2xx answer fails the run."""
        a = self.args
        self._check(self._run(server.port, path, a.warmup_seconds, a.warmup), server, path)
        cpu_before = server.cpu_seconds()
        result = self._run(server.port, path, a.duration, a.requests)
        cpu_after = server.cpu_seconds()
        self._check(result, server, path)
        result["cpu_ms"] = (
            (cpu_after - cpu_before) * 1000 / result["requests"]
            if cpu_before is not None and cpu_after is not None and result["requests"]
            else None
        )
        return result

    @staticmethod
    def _check(result, server, path):
        if result["errors"] or not result["requests"]:
            raise RuntimeError(
                f"{path}: {result['errors']} failed requests "
                f"{result.get('error_kinds', '')} of {result['requests']}\n{server.log_tail()}"
            )


# Checks and report.


def check_pages(port, paths):
    """Per page: Vary: Cookie present? Set-Cookie present? Two GETs byte-identical?"""
    checks = {}
    for path in paths:
        status1, headers1, body1 = fetch(port, path)
        status2, _headers2, body2 = fetch(port, path)
        vary = ",".join(headers1.get_all("Vary") or [])
        checks[path] = {
            "ok": status1 == status2 == 200,
            "vary_cookie": "cookie" in vary.lower(),
            "set_cookie": bool(headers1.get_all("Set-Cookie")),
            "identical": body1 == body2,
            "bytes": len(body1),
        }
    return checks


def check_lines(article, checks):
    def listed(key):
        bad = [path for path, check in checks.items() if check[key]]
        return ", ".join(f"`{p}`" for p in bad) if bad else "none"

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    differing = [path for path, check in checks.items() if not check["identical"]]
    return [
        f"- Check {verdict(listed('vary_cookie') == 'none')}: anonymous responses with "
        f"`Vary: Cookie`: {listed('vary_cookie')}.",
        f"- Check {verdict(checks[article]['identical'])}: two anonymous GETs of the seed "
        f"article are {'byte-identical' if checks[article]['identical'] else 'DIFFERENT'} "
        f"({checks[article]['bytes']} bytes). Other pages that differ between two GETs: "
        f"{', '.join(f'`{p}`' for p in differing if p != article) or 'none'}.",
        f"- Info: anonymous responses that set a cookie: {listed('set_cookie')}.",
    ]


def table(rows, ceiling_rps, capped_below):
    """rows: (label, page cache, queries, result). `capped_below`: the Python client's request
    count, under which a row says it hit the time cap (None with wrk)."""
    lines = [
        "| page | page cache | queries | req/s | p50 ms | p95 ms | p99 ms | % of ceiling "
        "| server CPU ms/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, cache, queries, r in rows:
        note = ""
        if capped_below and r["requests"] < capped_below:
            note = f" ({r['requests']} requests: time cap)"
        cpu = "n/a" if r["cpu_ms"] is None else f"{r['cpu_ms']:.1f}"
        lines.append(
            f"| {label}{note} | {cache} | {queries} | {r['rps']:.0f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {100 * r['rps'] / ceiling_rps:.0f}% | {cpu} |"
        )
    return lines


def database_description():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0].split()[0]
        return (
            f"PostgreSQL {server_version} (throwaway database `{connection.settings_dict['NAME']}`,"
            " dropped at the end)"
        )
    return "SQLite (a file in the temp dir)"


def setup_line(args, database):
    return (
        f"Setup: Django {version('django')}, Wagtail {version('wagtail')}, gunicorn "
        f"{version('gunicorn')} ({WORKERS} sync workers per site server), settings "
        f"`newsroom.settings.production` (via `bench.settings`), {database}, local-memory "
        f"cache; seed story + {args.articles} synthetic articles, an open round of "
        f"{args.topics} topics. Page cache **on**: the site as deployed; **off**: a second "
        "gunicorn with `NEWSROOM_PAGE_CACHE=false`, otherwise the same. Client on loopback, "
        "same machine as the servers."
    )


def start_site(env, tmp, name, paths):
    """The site under gunicorn; every worker imports and warms up before any timing."""
    site = Gunicorn("newsroom.wsgi", env, tmp / f"gunicorn-site-{name}.log")
    site.wait_ready()
    for path in paths:
        load(site.port, path, 8, 4)
    return site


def start_ceiling(env, tmp, body):
    body_path = tmp / "ceiling.html"
    body_path.write_bytes(body)
    ceiling = Gunicorn(
        "ceiling:application",
        {**env, "BENCH_CEILING_BODY": str(body_path)},
        tmp / "gunicorn-ceiling.log",
        "--pythonpath",
        str(BENCH_DIR),
    )
    ceiling.wait_ready()
    return ceiling


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--topics", type=int, default=10, help="topics in the open round")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (its database name is ignored): build the site in a "
        "fresh database newsroom_bench_<random> there, dropped at the end; default SQLite",
    )
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk when installed (auto), or the Python client",
    )
    wrk_options = parser.add_argument_group("wrk")
    wrk_options.add_argument("--duration", type=int, default=5, help="seconds per row")
    wrk_options.add_argument("--warmup-seconds", type=int, default=1)
    wrk_options.add_argument("--threads", type=int, default=2)
    wrk_options.add_argument("--connections", type=int, default=8)
    python = parser.add_argument_group("Python client")
    python.add_argument("--requests", type=int, default=500)
    python.add_argument("--warmup", type=int, default=50)
    python.add_argument("--concurrency", type=int, default=4)
    storm = parser.add_argument_group("vote storm (PostgreSQL only; bench/votes.py)")
    storm.add_argument("--no-votes", action="store_true", help="skip the vote storm")
    storm.add_argument("--vote-members", type=int, default=50)
    args = parser.parse_args()
    if args.database_url and not is_postgresql(args.database_url):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")
    return args


def measure_all(loader, pages, sites, ceiling_server):
    """The rows, in turns: the ceiling before, halfway through and after the pages, so that
    load from other processes on the machine skews both alike. Returns (rows, ceiling runs)."""
    runs = [(name, path, server) for name, path, servers in pages for server in servers]
    halfway = len(runs) // 2
    ceilings, results = [], []
    for k, (name, path, server) in enumerate(runs):
        if k in (0, halfway):
            ceilings.append(loader.measure(ceiling_server, "/"))
        print(f"  {name} (page cache {server}) …", flush=True)
        results.append((name, path, server, loader.measure(sites[server], path)))
    ceilings.append(loader.measure(ceiling_server, "/"))
    return results, ceilings


def main():
    signal.signal(signal.SIGTERM, _terminate)  # clean up on `kill` as on Ctrl+C
    args = parse_args()
    started = time.monotonic()
    servers = []
    with contextlib.ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        env = bench_env(tmp)
        if args.database_url:
            # Entered before the servers' callback, so left after it: the database is dropped
            # once gunicorn has stopped (and also on Ctrl+C or an error).
            env["DATABASE_URL"], _name = stack.enter_context(throwaway_database(args.database_url))
        stack.callback(lambda: [server.stop() for server in servers])
        loader = Loader(args, tmp)
        setup_django(env)
        # The in-process renders (query counts) would print the site's JSON access log lines.
        logging.disable(logging.INFO)
        print(f"Building the site in {tmp} ({env['DATABASE_URL']}) …", flush=True)
        people, topics, topics_url = build_site(
            args.articles,
            members=args.vote_members if args.database_url else 0,
            topics=args.topics,
        )
        database = database_description()
        pages = pages_to_measure(topics_url)
        queries = {
            ON: count_queries([path for _n, path, s in pages if ON in s], page_cache=True),
            OFF: count_queries([path for _n, path, s in pages if OFF in s], page_cache=False),
        }
        article = pages[2][1]
        flat_line = flat_queries_line(article, queries[OFF][article])
        from django.db import connections

        connections.close_all()
        print(f"Built in {time.monotonic() - started:.0f}s. Starting gunicorn …", flush=True)
        sites = {}
        for name, extra in ((ON, {}), (OFF, {"NEWSROOM_PAGE_CACHE": "false"})):
            paths = [path for _n, path, s in pages if name in s]
            sites[name] = start_site({**env, **extra}, tmp, name, paths)
            servers.append(sites[name])
        checks = check_pages(sites[ON].port, [p for _n, p, _s in pages])
        checks_off = check_pages(sites[OFF].port, [p for _n, p, s in pages if OFF in s])
        bad = [p for p, c in [*checks.items(), *checks_off.items()] if not c["ok"]]
        if bad:
            raise RuntimeError(f"not 200 under gunicorn: {bad}\n{sites[ON].log_tail()}")
        for path, check in checks_off.items():  # a header problem on either server counts
            checks[path]["vary_cookie"] |= check["vary_cookie"]
            checks[path]["set_cookie"] |= check["set_cookie"]
        ceiling_server = start_ceiling(env, tmp, fetch(sites[ON].port, article)[2])
        servers.append(ceiling_server)

        print(f"Measuring with {loader.describe()} …", flush=True)
        load_before = os.getloadavg()
        results, ceilings = measure_all(loader, pages, sites, ceiling_server)
        load_after = os.getloadavg()
        ceiling = sorted(ceilings, key=lambda r: r["rps"])[len(ceilings) // 2]
        for server in servers:
            server.stop()

        rows = [("ceiling: seed article bytes, trivial WSGI app (median run)", "–", "–", ceiling)]
        rows += [
            (f"{name} `{path}`", server, queries[server][path], result)
            for name, path, server, result in results
        ]
        cached_article = next(r for _n, p, s, r in results if p == article and s == ON)
        share = 100 * cached_article["rps"] / ceiling["rps"]
        target = "PASS" if share >= TARGET_SHARE else "MISS"
        ceiling_runs = ", ".join(f"{r['rps']:.0f}" for r in ceilings)
        report = [
            f"Load generator: {loader.describe()}. Database: {database}.",
            "",
            *table(rows, ceiling["rps"], None if loader.wrk else args.requests),
            "",
            f"- Target {target}: the cached seed article serves {share:.0f}% of the ceiling's "
            f"requests per second ({cached_article['rps']:.0f} of {ceiling['rps']:.0f}; "
            f"target ≥ {TARGET_SHARE}%).",
            *check_lines(article, checks),
            flat_line,
            "",
            machine_line(),
            f"Load average (1 min) before and after measuring: {load_before[0]:.2f}, "
            f"{load_after[0]:.2f}. Ceiling runs (before, halfway, after): {ceiling_runs} req/s.",
            "",
            setup_line(args, database),
        ]
        storm_ok = True
        if args.database_url and not args.no_votes:
            print("Vote storm …", flush=True)
            storm_ok, storm_lines = votes.storm_report(
                env, tmp / "gunicorn-votes.log", people, topics, topics_url
            )
            report += ["", "### Vote storm (bench/votes.py)", "", *storm_lines]
        text = "\n".join(report) + "\n"
        print()
        print(text)
        RESULTS.write_text("# Benchmark results\n\nWritten by `bench/run.py`.\n\n" + text)
        print(f"Written to {RESULTS.relative_to(ROOT)} in {time.monotonic() - started:.0f}s.")
        if target == "MISS":
            print(f"Target MISSED: cached article at {share:.0f}% of the ceiling.")
        failed = any(c["vary_cookie"] for c in checks.values()) or not checks[article]["identical"]
        return 1 if failed or not storm_ok else 0


if __name__ == "__main__":
    sys.exit(main())
