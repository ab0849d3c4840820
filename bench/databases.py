"""A throwaway PostgreSQL database for a benchmark: created fresh, dropped whatever happens."""

import contextlib
import uuid

import psycopg


def is_postgresql(url):
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql"}


def with_database(url, name):
    """`url` (a PostgreSQL server URL, any database name) pointing at database `name`."""
    return url.split("?", 1)[0].rsplit("/", 1)[0] + "/" + name


def maintenance_url(url):
    return with_database(url, "postgres")


@contextlib.contextmanager
def throwaway_database(url, prefix="newsroom_bench_"):
    """Create `<prefix><random>` on the server of `url`; yield its URL; drop it at the end (also
    on an exception or Ctrl+C), closing Django's connections first if Django is set up."""
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    with psycopg.connect(maintenance_url(url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name), name
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections  # Django may not be set up

            connections.close_all()
        with psycopg.connect(maintenance_url(url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
