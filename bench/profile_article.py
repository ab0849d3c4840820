"""Where an uncached article's time goes: the seed article rendered in-process, profiled.

    .venv/bin/python bench/profile_article.py [--renders 200] [--articles 50] [--top 40]
                                              [--queries] [--sort cumulative]

Builds the throwaway site of bench/run.py (production settings, SQLite in a temp dir, the seed
story plus synthetic articles), then renders the seed article with Django's test client as an
anonymous reader with the page cache switched off (NEWSROOM_PAGE_CACHE=false: every
render runs the view), after a warm-up (renditions, embeds, site root paths, the appeal caches):

1. the SQL of one warm render, numbered (with --queries);
2. a table: queries, mean and p50 wall ms, and mean CPU ms (this process's time) per render;
3. cProfile's top lines over the same number of renders, sorted by cumulative time.

Nothing is written in the repository; the temp dir is deleted at the end.
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py builds the site


def warm_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return [q["sql"] for q in ctx.captured_queries]


def short_sql(sql):
    """The query without its column list, which says little and takes lines."""
    return re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1)


def timings(client, path, renders):
    wall, cpu = [], []
    for _ in range(renders):
        w0, c0 = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.mean(wall), statistics.median(wall), statistics.mean(cpu)


def profile(client, path, renders, sort, top):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(renders):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--queries", action="store_true", help="print the SQL of a warm render")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        env = run.bench_env(Path(tmp))
        # The view's own cost: no page cache in front, and no access log line per render.
        env.update(NEWSROOM_PAGE_CACHE="false", NEWSROOM_ACCESS_LOG="false")
        run.setup_django(env)
        run.build_site(args.articles)
        from django.test import Client

        path = run.seed_article().get_url()
        client = Client(HTTP_HOST="localhost")
        for _ in range(20):
            assert client.get(path).status_code == 200
        queries = warm_queries(client, path)
        if args.queries:
            for i, sql in enumerate(queries, 1):
                print(f"{i:2}. {short_sql(sql)}")
            print()
        mean_ms, p50_ms, cpu_ms = timings(client, path, args.renders)
        report = profile(client, path, args.renders, args.sort, args.top)

    print(f"Seed article `{path}`, {args.renders} warm renders, in-process.\n")
    print("| queries | mean ms | p50 ms | CPU ms |")
    print("|---:|---:|---:|---:|")
    print(f"| {len(queries)} | {mean_ms:.2f} | {p50_ms:.2f} | {cpu_ms:.2f} |\n")
    print(run.machine_line())
    print()
    print(report)


if __name__ == "__main__":
    main()
