"""Do membership's two appeal caches pay for themselves? Renders the seed article with and
without them.

    .venv/bin/python bench/appeal_cache.py [--renders 600] [--rounds 10] [--articles 50]

membership keeps two caches in Django's cache: the selection snapshot (the live appeals'
rules and the membership settings, `selection.load_snapshot`) and the rendered appeal HTML
(`placement.cached_fragments`). This builds the throwaway site of bench/run.py, then renders
the seed article (which shows the default appeal at its end) in-process with Django's test
client, warm, in three set-ups: both caches, the snapshot cache only, and neither. It prints
the SQL queries and the median render time of each, and what the caches save per article
render. Under a page cache (a CDN, or the app's own), the article itself is rendered once per
cache period, not once per view: the last column puts the saving per view at a 95% hit rate.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py builds the site

HIT_RATE = 0.95


def count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert b"patron-appeal--end" in response.content, "the seed article shows no appeal"
    return len(ctx.captured_queries)  # read it now: each request clears Django's query log


def set_ups():
    """(name, apply) pairs; apply() switches membership's caches for the next renders."""
    from membership import placement, selection
    from membership.models import Appeal

    cached_snapshot, cached_fragments = selection.load_snapshot, placement.cached_fragments

    def render_every_time(appeal_id, snapshot, site):
        appeal = Appeal.objects.select_related("cta_page").filter(pk=appeal_id).first()
        return placement.fragments_for(appeal, snapshot, beacon=True) if appeal else None

    def use(load_snapshot, fragments):
        def apply():
            selection.load_snapshot = load_snapshot
            placement.cached_fragments = fragments

        return apply

    return [
        ("both caches (as shipped)", use(cached_snapshot, cached_fragments)),
        ("snapshot cache only", use(cached_snapshot, render_every_time)),
        ("neither cache", use(selection.build_snapshot, render_every_time)),
    ]


def measure(path, renders, rounds):
    """Queries and median ms per render of each set-up, taking turns so that drift in the
    machine's speed falls on all of them alike."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    setups = set_ups()
    queries, times = {}, {name: [] for name, _apply in setups}
    for name, apply in setups:
        apply()
        assert client.get(path).status_code == 200  # warm renditions, site root paths, caches
        queries[name] = count_queries(client, path)
    for _ in range(rounds):
        for name, apply in setups:
            apply()
            for _ in range(renders // rounds):
                start = time.perf_counter()
                client.get(path)
                times[name].append((time.perf_counter() - start) * 1000)
    return [(name, queries[name], statistics.median(times[name])) for name, _apply in setups]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--articles", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        run.setup_django(run.bench_env(Path(tmp)))
        run.build_site(args.articles)
        path = run.seed_article().get_url()
        rows = measure(path, args.renders, args.rounds)

    base_ms = rows[0][2]
    print(
        f"Seed article `{path}`, {args.renders} warm renders of each set-up in "
        f"{args.rounds} turns, in-process.\n"
    )
    print("| set-up | queries | median ms/render | saved by the caches, ms/render |", end="")
    print(f" per view at a {HIT_RATE:.0%} page-cache hit rate, ms |")
    print("|---|---:|---:|---:|---:|")
    for name, queries, ms in rows:
        saved = ms - base_ms
        print(f"| {name} | {queries} | {ms:.2f} | {saved:+.2f} | {saved * (1 - HIT_RATE):+.3f} |")
    print()
    print(run.machine_line())


if __name__ == "__main__":
    main()
