"""Fill a benchmark database with a synthetic archive (newsroom.bench_archive)."""

import time

from django.core.management.base import BaseCommand, CommandError

from newsroom import bench_archive


class Command(BaseCommand):
    help = (
        "Fill a database of its own with a synthetic archive for benchmarks: live articles "
        "titled '[bench] …' under a 'Benchmark archive' index, with Zipf-distributed tags. "
        "Refuses a database whose name contains neither 'bench' nor 'archive' (unless "
        "--force), and any database holding other articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--tag-links", type=int, default=500_000)
        parser.add_argument("--tags", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Build even if the database's name does not say it is for benchmarks.",
        )

    def handle(self, *args, **options):
        using = options["database"]
        try:
            bench_archive.check_database(using, force=options["force"])
        except bench_archive.Refused as error:
            raise CommandError(str(error)) from error
        if options["articles"] < 1 or options["tag_links"] < 0:
            raise CommandError("--articles must be at least 1 and --tag-links at least 0.")
        started = time.perf_counter()
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            built = bench_archive.build_archive(
                articles=options["articles"],
                tag_links=options["tag_links"],
                tags=options["tags"],
                seed=options["seed"],
                using=using,
                log=log,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Benchmark archive at {built.index.url_path}: {built.articles} articles, "
            f"{built.tags} tags, {built.tag_links} tag links, {built.curated_links} curated "
            f"links, in {seconds:.1f} s."
        )
