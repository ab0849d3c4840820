"""Imports run one at a time: the second waits for the first, then finds everything imported."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import post_save

from articles.models import ArticleIndexPage, ArticlePage

SEED = Path(settings.BASE_DIR) / "seeds" / "000_6f1df5a3d3c7a09b.txt"
HEADLINE = "North Korea ships “7,000 containers of military aid to Russia”"
STORY_AND_STUBS = 1 + 7


def import_at_once(count=2):
    """`count` imports of the seed started together, each in a thread with its own connection.

    Each import stops at its first save until the others reach theirs (or 3 s pass), so that
    unless imports are serialised, every one of them has read the tree before any writes.
    Returns each import's output, or the CommandError it ended with.
    """
    barrier = threading.Barrier(count, timeout=3)
    waited = threading.local()

    def wait_for_the_others(sender, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            # Broken when the others wait for this import to commit instead.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    results = [None] * count

    def run(number):
        try:
            out = StringIO()
            call_command("import_seed", str(SEED), stdout=out, stderr=StringIO())
            results[number] = out.getvalue()
        except CommandError as error:
            results[number] = error
        finally:
            connection.close()

    post_save.connect(wait_for_the_others, weak=False, dispatch_uid="test_import_at_once")
    try:
        threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        post_save.disconnect(dispatch_uid="test_import_at_once")
    return results


def assert_imported_once(results):
    assert all(isinstance(result, str) for result in results), results
    assert ArticlePage.objects.filter(title=HEADLINE).count() == 1
    assert ArticlePage.objects.count() == STORY_AND_STUBS
    assert ArticleIndexPage.objects.count() == 1
    assert sum(f"Skipped (1): {HEADLINE} (already imported)" in result for result in results) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_at_once_create_each_story_once(news):
    """The bug as filed: with the News index present, both runs created every page."""
    assert_imported_once(import_at_once())


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_at_once_create_one_news_index(home):
    """The bug as filed: racing to create News, the loser ended with a ValidationError."""
    assert_imported_once(import_at_once())


@pytest.mark.sqlite
def test_an_import_that_meets_a_locked_sqlite_database_is_a_one_line_error(db, tmp_path):
    """The site's SQLite file, written to by someone else for longer than SQLite waits."""
    path = tmp_path / "site.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    story = tmp_path / SEED.name
    shutil.copy(SEED, story)
    shutil.copy(SEED.with_suffix(".toml"), story.with_suffix(".toml"))

    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the database's write lock
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "import_seed", str(story)],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
                "DATABASE_URL": f"sqlite:///{path}?timeout=1",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: the database refused the import (database is locked); nothing was imported."
    ]
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM articles_articlepage").fetchone() == (0,)
