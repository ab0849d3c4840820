"""How long `import_seed` takes: N generated stories into a fresh SQLite database.

    .venv/bin/python bench/import_stories.py [--stories 200] [--runs 1]

Writes N story files (with sidecars) to a temp dir. Each has a few body paragraphs, an inline
Read also line and six Read also items: two new headlines of its own (new draft stubs), two
from a small shared pool (a stub the first time, a link after that) and two headlines of other
generated stories (an earlier one is a link; a later one is a stub that its own story then
fills in). Migrates a throwaway SQLite database with the production settings, imports the whole
folder in one `import_seed` run, and prints a Markdown table. Takes about a minute.
"""

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench.environment import bench_env, machine_line, setup_django  # noqa: E402

SHARED_POOL = 20
TAGS = ["Shipping", "Weather", "Energy", "Courts", "Health", "Elections", "Climate", "Economy"]


def headline(number):
    return f"Generated story number {number} on the coast"


def write_stories(folder, count, rng):
    """`count` story files and their sidecars in `folder`; returns the Read also items written."""
    items = 0
    for number in range(1, count + 1):
        others = rng.sample([n for n in range(1, count + 1) if n != number], 2)
        read_also = [
            f"Reuters: A headline only story {number} links, part {part}" for part in (1, 2)
        ]
        read_also += [f"Shared background piece {rng.randrange(SHARED_POOL)}" for _ in range(2)]
        read_also += [headline(other) for other in others]
        read_also = list(dict.fromkeys(read_also))
        items += len(read_also)
        lines = [
            headline(number),
            f"What happened in generated story {number}, in one sentence.",
            f"First paragraph of story {number}: officials said shipments had increased.",
            read_also[-1],
            f"Second paragraph of story {number}, with figures seen by our reporters.",
            f"Third paragraph of story {number}: what happens next.",
            "Read also:",
            *(f"- {item}" for item in read_also),
        ]
        path = folder / f"{number:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tags = ", ".join(f'"{tag}"' for tag in rng.sample(TAGS, 2))
        path.with_suffix(".toml").write_text(f"tags = [{tags}]\n", encoding="utf-8")
    return items


def import_once(folder):
    """Seconds, SQL queries and the report of one import_seed run of `folder`."""
    from django.core.management import call_command
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    out = io.StringIO()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        call_command("import_seed", str(folder), stdout=out)
        seconds = time.perf_counter() - started
    return seconds, queries, out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=200)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="newsroom-import-bench-"))
    try:
        folder = tmp / "stories"
        folder.mkdir()
        items = write_stories(folder, args.stories, random.Random(2024))
        setup_django(bench_env(tmp))
        from django.core.management import call_command

        from articles.models import ArticlePage

        print(f"Migrating a fresh SQLite database in {tmp} …", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        print(f"Importing {args.stories} stories …", flush=True)
        load_before = os.getloadavg()[0]
        seconds, queries, report = import_once(folder)
        load_after = os.getloadavg()[0]
        stories = ArticlePage.objects.live().count()
        stubs = report.count("(draft stub)")
        filled = report.count("(draft stub filled in)")
        print()
        print(
            "| stories | Read also items | stubs created | stubs filled in | seconds "
            "| ms per story | queries per story |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        print(
            f"| {stories} | {items} | {stubs} | {filled} | {seconds:.1f} "
            f"| {seconds * 1000 / stories:.0f} | {queries / stories:.0f} |"
        )
        print()
        print(machine_line())
        print(f"Load average (1 min) before and after: {load_before:.2f}, {load_after:.2f}.")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
