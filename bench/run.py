"""Benchmarks that prove the performance budget (/work/shared/DESIGN.md, "Performance budget").

    .venv/bin/python bench/run.py [--articles 200] [--requests 500] [--warmup 50] [--concurrency 4]

Builds a throwaway SQLite site in a temp dir (migrate, import_seed, N synthetic articles,
collectstatic), serves it with gunicorn (sync workers) on loopback, and loads each public page
with a bounded number of requests. The ceiling is the seed article's bytes served by a trivial
WSGI app (bench/ceiling.py) under the same gunicorn settings. SQL queries per page are counted
in-process with Django's test client on a warm cache. Prints a Markdown table, writes it to
bench/results.md, and always stops gunicorn and removes the temp dir.
"""

import argparse
import datetime
import http.client
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.md"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2
HTTP_TIMEOUT = 10
READY_TIMEOUT = 30
# A timed run stops early after this long, so that a busy machine cannot stretch the
# benchmark much past three minutes; the table then says how many requests were made.
RUN_SECONDS = 15
# Set when the run is interrupted, so that client threads stop at once.
STOP = threading.Event()

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


def bench_env(tmp):
    """The environment of every Django process: production settings on the temp dir."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        SECRET_KEY="bench",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        BENCH_STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def setup_django(env):
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_site(article_count):
    """Migrate, import the seed story, collect static files, add synthetic articles."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("import_seed", stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    add_articles(article_count)


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


def pages_to_measure():
    from taggit.models import Tag

    seed = seed_article()
    tag = Tag.objects.get(name__iexact=TAG_PAGE_TAG)
    return [
        ("front page", "/"),
        ("seed article", seed.get_url()),
        ("news index", seed.get_parent().get_url()),
        (f"tag page ({tag.name})", f"/tags/{tag.slug}/"),
        ("feed", "/feed/"),
        ("search", "/search/?q=containers"),
        # Not a page: Django's own floor, a plain view through the same middleware.
        ("Django floor: robots.txt", "/robots.txt"),
    ]


def count_queries(pages):
    """SQL queries of each page on a warm cache: render twice, count the second."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    counts = {}
    for _name, path in pages:
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


def flat_queries_line(pages, queries):
    """Info: the seed article and a synthetic one of another shape cost the same queries."""
    from articles.models import ArticlePage

    seed = seed_article()
    other = ArticlePage.objects.live().exclude(pk=seed.pk).order_by("-pk").first()
    other_path = other.get_url()
    other_queries = count_queries([("", other_path)])[other_path]
    seed_path = pages[1][1]
    return (
        f"- Info: queries per article: seed article {queries[seed_path]} "
        f"({article_shape(seed)}); `{other_path}` {other_queries} ({article_shape(other)})."
    )


# gunicorn.


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One gunicorn master (its own session) on a free loopback port."""

    def __init__(self, app, env, log_path, *extra_args):
        self.port = free_port()
        self.log_path = log_path
        command = [
            str(GUNICORN),
            app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            *extra_args,
        ]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, path="/"):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                if fetch(self.port, path)[0] == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn was not ready in {READY_TIMEOUT}s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cpu_seconds(self):
        """CPU time used so far by the master and its workers (Linux /proc), or None."""
        try:
            total = 0
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rpartition(")")[2].split()
                except OSError:
                    continue  # a process that has just exited
                pid = int(stat.parent.name)
                if pid == self.process.pid or int(fields[1]) == self.process.pid:
                    total += int(fields[11]) + int(fields[12])  # utime + stime
            return total / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # The master and its workers share the session this script started.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# Load.


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


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


def measure(server, path, args):
    """Warm up, then time `args.requests` GETs; also the server's CPU time per request."""
    load(server.port, path, args.warmup, args.concurrency)
    cpu_before = server.cpu_seconds()
    result = load(server.port, path, args.requests, args.concurrency)
    cpu_after = server.cpu_seconds()
    result["cpu_ms"] = (
        (cpu_after - cpu_before) * 1000 / result["requests"]
        if cpu_before is not None and cpu_after is not None
        else None
    )
    return result


# Checks and report.


def check_pages(port, pages):
    """Per page: Vary: Cookie present? Set-Cookie present? Two GETs byte-identical?"""
    checks = {}
    for _name, path in pages:
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


def check_lines(pages, checks):
    article = pages[1][1]

    def listed(key):
        bad = [path for _name, path in pages if checks[path][key]]
        return ", ".join(f"`{p}`" for p in bad) if bad else "none"

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    differing = [path for _name, path in pages if not checks[path]["identical"]]
    return [
        f"- Check {verdict(listed('vary_cookie') == 'none')}: anonymous responses with "
        f"`Vary: Cookie`: {listed('vary_cookie')}.",
        f"- Check {verdict(checks[article]['identical'])}: two anonymous GETs of the seed "
        f"article are {'byte-identical' if checks[article]['identical'] else 'DIFFERENT'} "
        f"({checks[article]['bytes']} bytes). Other pages that differ between two GETs: "
        f"{', '.join(f'`{p}`' for p in differing if p != article) or 'none'}.",
        f"- Info: anonymous responses that set a cookie: {listed('set_cookie')}.",
    ]


def table(pages, queries, results, ceiling, requests):
    lines = [
        "| page | queries | req/s | p50 ms | p95 ms | p99 ms | % of ceiling | server CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label, query_count, r, share):
        notes = []
        if r["requests"] < requests:
            notes.append(f"{r['requests']} requests: time cap")
        if r["errors"]:
            notes.append(f"{r['errors']} errors")
        note = f" ({', '.join(notes)})" if notes else ""
        cpu = "n/a" if r["cpu_ms"] is None else f"{r['cpu_ms']:.1f}"
        lines.append(
            f"| {label}{note} | {query_count} | {r['rps']:.0f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {share:.0f}% | {cpu} |"
        )

    for name, path in pages:
        result = results[path]
        row(f"{name} `{path}`", queries[path], result, 100 * result["rps"] / result["ceiling_rps"])
    row("ceiling: seed article bytes, trivial WSGI app (median run)", "–", ceiling, 100)
    return lines


def machine_line():
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {now}."
    )


def setup_line(args):
    return (
        f"Setup: Django {version('django')}, Wagtail {version('wagtail')}, gunicorn "
        f"{version('gunicorn')} ({WORKERS} sync workers), settings `newsroom.settings.production`"
        f" (via `bench.settings`), SQLite, local-memory cache; seed story + {args.articles} "
        f"synthetic articles. Load: {args.requests} GETs after {args.warmup} warm-up, "
        f"{args.concurrency} client threads (`http.client`) on loopback, same machine as the "
        "server."
    )


def start_servers(env, tmp, pages, servers):
    """The site and the ceiling under gunicorn; returns them and the site's header checks."""
    site = Gunicorn("newsroom.wsgi", env, tmp / "gunicorn-site.log")
    servers.append(site)
    site.wait_ready()
    for _name, path in pages:  # every worker imports and warms up before any timing
        load(site.port, path, 8, 4)
    checks = check_pages(site.port, pages)
    bad = [path for path, check in checks.items() if not check["ok"]]
    if bad:
        raise RuntimeError(f"not 200 under gunicorn: {bad}\n{site.log_tail()}")

    body_path = tmp / "ceiling.html"
    body_path.write_bytes(fetch(site.port, pages[1][1])[2])
    ceiling = Gunicorn(
        "ceiling:application",
        {**env, "BENCH_CEILING_BODY": str(body_path)},
        tmp / "gunicorn-ceiling.log",
        "--pythonpath",
        str(BENCH_DIR),
    )
    servers.append(ceiling)
    ceiling.wait_ready()
    return site, ceiling, checks


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    signal.signal(signal.SIGTERM, _terminate)  # clean up on `kill` as on Ctrl+C
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    servers = []
    try:
        env = bench_env(tmp)
        setup_django(env)
        print(f"Building the site in {tmp} …", flush=True)
        build_site(args.articles)
        pages = pages_to_measure()
        queries = count_queries(pages)
        flat_line = flat_queries_line(pages, queries)
        from django.db import connections

        connections.close_all()
        print(f"Built in {time.monotonic() - started:.0f}s. Starting gunicorn …", flush=True)
        site, ceiling_server, checks = start_servers(env, tmp, pages, servers)

        # The ceiling is measured again just before each page, and each page is compared
        # with that run, so that load from other processes on the machine skews both alike.
        print("Measuring …", flush=True)
        load_before = os.getloadavg()
        results, ceilings = {}, []
        for _name, path in pages:
            ceilings.append(measure(ceiling_server, "/", args))
            results[path] = measure(site, path, args)
            results[path]["ceiling_rps"] = ceilings[-1]["rps"]
        load_after = os.getloadavg()
        ceiling = sorted(ceilings, key=lambda r: r["rps"])[len(ceilings) // 2]

        ceiling_runs = ", ".join(f"{r['rps']:.0f}" for r in ceilings)
        report = [
            *table(pages, queries, results, ceiling, args.requests),
            "",
            *check_lines(pages, checks),
            flat_line,
            "",
            machine_line(),
            f"Load average (1 min) before and after measuring: {load_before[0]:.2f}, "
            f"{load_after[0]:.2f}. Ceiling runs (one before each page): {ceiling_runs} req/s.",
            "",
            setup_line(args),
        ]
        text = "\n".join(report) + "\n"
        print()
        print(text)
        RESULTS.write_text("# Benchmark results\n\nWritten by `bench/run.py`.\n\n" + text)
        print(f"Written to {RESULTS.relative_to(ROOT)} in {time.monotonic() - started:.0f}s.")
        errors = sum(r["errors"] for r in [*ceilings, *results.values()])
        article = pages[1][1]
        failed = any(c["vary_cookie"] for c in checks.values()) or not checks[article]["identical"]
        return 1 if errors or failed else 0
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
