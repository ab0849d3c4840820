"""The periodic jobs, run once by `manage.py run_periodic_jobs` (cron or a systemd timer runs it
every minute on every app server), and the lock that lets only one server run them at a time.

Each job is idempotent on its own: run twice it does its work once (Wagtail's publish_scheduled
finds nothing left to publish; a purge twice is a purge; pruning finds nothing left). The lock
is there so that two servers do not do the same work at once, and so the log tells one story:
- PostgreSQL: a session-level advisory lock, tried without waiting (pg_try_advisory_lock);
  a server that finds it held skips this minute, since the holder is doing the work now.
- SQLite: one database file means one machine, so an exclusive lock on a file (in the temp
  directory, named by a hash of the database path; flock, tried without waiting) serves the
  same purpose, with the same answer.
Emails are not sent here: they are django-tasks tasks, sent by the worker (`db_worker`).
"""

import contextlib
import fcntl
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from membership.round_boundaries import purge_round_boundaries

# The key of PostgreSQL's advisory lock for the periodic jobs: "jobs" in ASCII. (The seed
# importer uses "seed"; the two never wait for each other.)
PERIODIC_JOBS_LOCK_KEY = 0x6A6F6273


def _lock_file_path(connection):
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():
        name += f":{os.getpid()}"  # an in-memory database lives in one process only
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newsroom-periodic-jobs-{digest}.lock"


@contextlib.contextmanager
def periodic_jobs_lock(alias="default"):
    """Yields True when this process holds the periodic jobs' lock, False when another does.
    Never waits."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [PERIODIC_JOBS_LOCK_KEY])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [PERIODIC_JOBS_LOCK_KEY])
        return
    with open(_lock_file_path(connection), "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def publish_scheduled(stdout):
    """Wagtail's own: pages and snippets (appeals) whose go-live or expiry time has passed."""
    call_command("publish_scheduled", stdout=stdout)


def purge_voting_rounds(stdout):
    round_ids = purge_round_boundaries()
    stdout.write(f"Voting rounds that opened or closed lately, pages purged: {len(round_ids)}")


def clear_sessions(stdout):
    """Django's own: expired sessions (the database backend keeps them until cleared)."""
    call_command("clearsessions", stdout=stdout)


def prune_task_results(stdout):
    """django-tasks-db's own: finished task results older than 14 days."""
    call_command("prune_db_task_results", stdout=stdout)


def database_task_backend():
    """Whether task results are kept in django-tasks-db's table (the default backend is its)."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend == "django_tasks_db.DatabaseBackend"


@dataclass(frozen=True)
class Job:
    name: str
    run: object  # callable(stdout)
    needs_app: str = ""
    when: object = None  # callable() -> bool: the job applies to this site


JOBS = (
    Job("publish_scheduled", publish_scheduled),
    Job("voting_rounds", purge_voting_rounds),
    Job("clear_sessions", clear_sessions, needs_app="django.contrib.sessions"),
    Job(
        "prune_task_results",
        prune_task_results,
        needs_app="django_tasks_db",
        when=database_task_backend,
    ),
)


def jobs_to_run():
    return [
        job
        for job in JOBS
        if (not job.needs_app or apps.is_installed(job.needs_app))
        and (job.when is None or job.when())
    ]
