"""Votes per second, and whether the voting rules hold, under a storm of simultaneous votes.

    .venv/bin/python bench/votes.py [--members 50] [--topics 10] [--clients 16] [--workers 2]
        [--threads 8] [--database postgres://postgres@127.0.0.1:5432/postgres]

The issue's scenario, on PostgreSQL: N active patrons on a tier of 3 votes a round, each
firing a vote at every one of T topics at once (N x T requests), each with a real session and
CSRF token, from a bounded pool of client threads, against gunicorn (gthread workers) with the
production settings. It creates a throwaway database on the server (dropped at the end),
migrates it, builds the patrons, the round and the topics page (tests/membership/vote_storm.py,
which the PostgreSQL test uses too), and prints a table: requests per second, votes taken per
second, and the integrity check (no member over 3 votes, no duplicate vote, no 5xx, the topics
page's totals equal the vote rows). `bench/run.py --database-url postgres://…` runs the same
storm (storm_report) on its own throwaway site after the page table.
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench.databases import throwaway_database  # noqa: E402
from bench.environment import bench_env, machine_line, setup_django  # noqa: E402
from bench.servers import Gunicorn  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def prepare(members, topics):
    """Patrons, an open round of topics and the topics page (under the home page) in the
    database Django is set up on: (people, topics, topics page URL)."""
    from newsroom.home.models import HomePage
    from tests.membership import vote_storm

    return vote_storm.prepare(members=members, topics=topics, parent=HomePage.objects.get())


def storm_report(env, log_path, people, topics, topics_url, *, clients=16, workers=2, threads=8):
    """The storm against a gthread gunicorn on the database of `env` (PostgreSQL): whether the
    integrity check passed, and the Markdown lines that report it."""
    from tests.membership import vote_storm

    server = Gunicorn(
        "newsroom.wsgi",
        env,
        log_path,
        # After the default options: gunicorn keeps the last of each.
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--workers",
        str(workers),
    )
    try:
        # Not the topics page: an anonymous GET would store it in that worker's page cache
        # for its s-maxage (votes do not purge it), and the integrity check's anonymous GET
        # afterwards could then be that stale copy instead of the totals after the storm.
        server.wait_ready("/robots.txt")
        base = f"http://127.0.0.1:{server.port}"
        result = vote_storm.storm(base, people, topics, topics_url, workers=clients)
        check = vote_storm.integrity(result, base)
    finally:
        server.stop()

    taken = result.statuses.get(200, 0)
    refused = sum(n for status, n in result.statuses.items() if status != 200)
    verdict = "PASS" if check.ok else "FAIL"
    return check.ok, [
        f"{len(people)} patrons x {len(topics)} topics = {result.requests} simultaneous votes "
        f"(3 votes each a round), {clients} client threads, gunicorn {workers} "
        f"workers x {threads} threads, PostgreSQL.",
        "",
        "| requests | taken | refused (no votes left) | seconds | requests/s | votes taken/s |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {result.requests} | {taken} | {refused} | {result.seconds:.2f} | "
        f"{result.requests / result.seconds:.0f} | {taken / result.seconds:.0f} |",
        "",
        f"- Integrity {verdict}: at most {check.most_votes_by_one_member} votes by one member "
        f"(limit 3); {check.duplicate_pairs} duplicate votes; {check.bad_answers} answers "
        f"that were 5xx or none; the topics page's totals "
        f"{'equal' if check.shown_equals_rows else 'differ from'} the vote rows. "
        f"Answers: {dict(result.statuses)}.",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--topics", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--database", default=DEFAULT_SERVER, help="a PostgreSQL server URL")
    args = parser.parse_args()

    with (
        throwaway_database(args.database, "newsroom_bench_votes_") as (url, _name),
        tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp,
    ):
        env = bench_env(Path(tmp))
        env["DATABASE_URL"] = url
        setup_django(env)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        people, topics, topics_url = prepare(args.members, args.topics)
        ok, lines = storm_report(
            env,
            Path(tmp) / "gunicorn.log",
            people,
            topics,
            topics_url,
            clients=args.clients,
            workers=args.workers,
            threads=args.threads,
        )
    print("\n".join(lines))
    print()
    print(machine_line())
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
