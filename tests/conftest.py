import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.core.cache import caches
from django.db import connection

from tests.factories import ArticleIndexPageFactory, home_page

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_redis(url):
    """Fails in CI, and skips elsewhere, when no Redis answers at `url`."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        if IN_CI:
            pytest.fail(f"Redis is needed at {url}: {error}")
        pytest.skip(f"Redis is not reachable at {url}: {error}")


# Markers of tests that need one database, named as Django names its vendor: each runs only in
# that database's run of the suite. They are deselected, not skipped, in the other run:
# `.ci/test` runs the suite on SQLite and on PostgreSQL (CI=true fails without PostgreSQL), so
# each still runs, and fails loudly, in its own run.
DATABASE_MARKERS = ("postgresql", "sqlite")


def pytest_collection_modifyitems(config, items):
    other_databases = [marker for marker in DATABASE_MARKERS if marker != connection.vendor]
    keep, drop = [], []
    for item in items:
        # A transactional test's flush without serialized rollback re-creates content types
        # under new ids, and the next test that restores the serialized data then fails.
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: transactional tests need serialized_rollback=True"
            )
        # Under pytest-xdist (--dist loadgroup) the browser journeys run in one worker, one
        # after another: they share Chromium's CPU and must not time out against each other.
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        needs_other = any(item.get_closest_marker(marker) for marker in other_databases)
        (drop if needs_other else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the PostgreSQL sessions that threads left open
    (the live server's, Playwright's event loop's): else the drop fails with "being accessed by
    other users" and the next run starts on a stale database."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _clear_cache():
    # Every alias: the page and snapshot cache, and the rate limiter's counts.
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home(db):
    return home_page()


@pytest.fixture
def news(home):
    return ArticleIndexPageFactory(parent=home)


# --- Purges: a real HTTP cache stand-in ------------------------------------------------------


class PurgeRecorder(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append(f"http://{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cache_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def purged(settings, cache_server):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{cache_server.server_port}",
        }
    }
    return cache_server.purged


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the on-commit callbacks of what happens in its block, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
