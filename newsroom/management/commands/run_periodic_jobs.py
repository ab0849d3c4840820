"""Run every periodic job once, unless another server is running them now."""

import logging

from django.core.management.base import BaseCommand, CommandError

from newsroom.periodic import jobs_to_run, periodic_jobs_lock

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs once (scheduled publishing, voting round boundaries, expired "
        "sessions, old task results). Safe to start on several servers at once: one runs them, "
        "the others skip. Run it every minute."
    )

    def handle(self, *args, **options):
        with periodic_jobs_lock() as acquired:
            if not acquired:
                self.stdout.write(
                    "Skipped: another server is running the periodic jobs now; "
                    "it does this run's work."
                )
                return
            failed = []
            for job in jobs_to_run():
                self.stdout.write(f"== {job.name}")
                try:
                    job.run(self.stdout)
                except Exception:  # one job failing must not stop the others
                    logger.exception("Periodic job %s failed", job.name)
                    failed.append(job.name)
        if failed:
            raise CommandError(f"Periodic jobs failed: {', '.join(failed)}")
        self.stdout.write("Periodic jobs done.")
