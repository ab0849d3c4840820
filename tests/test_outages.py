"""The public site under faults: with Redis down it serves from the database; with the database
down it says so with a 503 the reader can read.

The caches are the production settings' own (imported with REDIS_URL in a subprocess), pointed
at real servers: a closed port (a dead Redis), a socket that never answers (a hanging one), and
the live Redis the test run uses (CI starts it).
"""

import logging
import os
import socket
import threading
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.db import connections
from django.db.utils import load_backend
from django.http import HttpResponse, HttpResponseNotFound
from django.test import Client, RequestFactory
from django.urls import path

from membership import ratelimit
from newsroom import urls as project_urls
from tests.conftest import require_redis
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory
from tests.test_production import production_settings

# Each test that records an outage uses a Redis address of its own: outages are remembered per
# address and per process.
DEAD_REDIS = "redis://127.0.0.1:1/{db}"
LIVE_REDIS = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def use_production_caches(settings, redis_url):
    settings.CACHES = production_settings(
        "CACHES", REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex}"
    )["CACHES"]


# --- Redis down ----------------------------------------------------------------------------------


def test_pages_and_the_beacon_answer_from_the_database_while_redis_is_down(settings, news):
    article = ArticlePageFactory(parent=news, title="Ports reopen after the storm")
    appeal = AppealFactory(heading="Keep the presses running")
    use_production_caches(settings, DEAD_REDIS.format(db=0))
    client = Client()

    front = client.get("/")
    assert front.status_code == 200
    assert "Ports reopen after the storm" in front.content.decode()
    page = client.get(article.url)
    assert page.status_code == 200
    assert "Keep the presses running" in page.content.decode()
    beacon = client.post(
        "/membership/beacon/",
        f"appeal={appeal.pk}&event=view",
        content_type="application/x-www-form-urlencoded",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert beacon.status_code == 204


def test_the_rate_limit_cache_reports_a_dead_redis_instead_of_guessing(settings):
    # Rate limits fail closed for writing: the limiter must learn that it cannot count.
    use_production_caches(settings, DEAD_REDIS.format(db=1))
    with pytest.raises(redis.exceptions.ConnectionError):
        caches[settings.MEMBERSHIP_RATELIMIT_CACHE].add("sign-up:client", 1, 60)


def test_a_dead_redis_is_logged_once_not_once_per_request(settings, caplog):
    use_production_caches(settings, DEAD_REDIS.format(db=2))
    cache = caches["default"]
    cache.retry_after = 0  # try Redis on every call, as after each pause
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        for _ in range(5):
            assert cache.get("front-page", "miss") == "miss"
            assert cache.add("front-page", "html") is False
            cache.set("front-page", "html")
    warnings = [record for record in caplog.records if record.name == "newsroom.cache"]
    assert len(warnings) == 1
    assert "127.0.0.1:1" in warnings[0].getMessage()


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers: a hanging Redis.

    It closes what it accepted after a few seconds, so a client without timeouts fails the
    test instead of hanging it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    accepted = []
    stop = threading.Event()

    def serve():
        while not stop.wait(0):
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            accepted.append(connection)
            closer = threading.Timer(3, connection.close)
            closer.daemon = True
            closer.start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", accepted
    stop.set()
    thread.join()
    server.close()


def test_a_hanging_redis_costs_one_short_timeout_then_is_left_alone(settings, silent_server):
    url, accepted = silent_server
    use_production_caches(settings, url)
    cache = caches["default"]
    started = time.monotonic()
    for _ in range(10):
        assert cache.get("front-page") is None
        cache.set("front-page", "html")
    elapsed = time.monotonic() - started
    # One read timed out; the other 19 calls did not wait for Redis again.
    assert len(accepted) == 1
    assert elapsed < 1.5


def test_the_production_caches_work_against_a_live_redis(settings):
    require_redis(LIVE_REDIS)
    use_production_caches(settings, LIVE_REDIS)
    for alias in ("default", settings.MEMBERSHIP_RATELIMIT_CACHE):
        cache = caches[alias]
        cache.set("story", {"title": "Ports reopen"}, 30)
        assert cache.get("story") == {"title": "Ports reopen"}
        assert cache.add("count", 1, 30) is True
        assert cache.incr("count") == 2
        cache.delete_many(["story", "count"])
        assert cache.get("story") is None


# --- The database down ---------------------------------------------------------------------------


@pytest.fixture
def database_down(django_db_blocker, tmp_path):
    """The default database alias pointed at a database nothing can open: a SQLite file in a
    folder that does not exist, or a PostgreSQL port nothing listens on."""
    real = connections["default"]
    unreachable = dict(real.settings_dict)
    if real.vendor == "sqlite":
        unreachable["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        unreachable.update(HOST="127.0.0.1", PORT="1")
    down = load_backend(unreachable["ENGINE"]).DatabaseWrapper(unreachable, "default")
    with django_db_blocker.unblock():
        connections["default"] = down
        try:
            yield
        finally:
            connections["default"] = real


def gone(request):
    """A 404 that needs no database: only Wagtail's redirect middleware looks it up."""
    return HttpResponseNotFound("Gone", content_type="text/plain")


def remember(request):
    """Needs no database itself; the session middleware saves the session afterwards."""
    request.session["seen"] = True
    return HttpResponse("Remembered", content_type="text/plain")


# The project's URLs and error pages, plus two views whose database errors come from middleware.
urlpatterns = [path("gone/", gone), path("remember/", remember), *project_urls.urlpatterns]
handler500 = project_urls.handler500

BEACON = {
    "data": "appeal=1&event=view",
    "content_type": "application/x-www-form-urlencoded",
    "HTTP_SEC_FETCH_SITE": "same-origin",
}


@pytest.mark.parametrize(
    ("method", "url", "cookies", "extra"),
    [
        ("get", "/", {}, {}),  # a Wagtail page: the error is raised in the view
        ("get", "/search/?q=storm", {}, {}),
        ("post", "/membership/beacon/", {}, BEACON),
        ("get", "/no.such.page", {}, {}),  # while the 404 page renders
        ("get", "/admin/", {"sessionid": "a-session"}, {}),  # loading the session for the user
        ("get", "/gone/", {}, {}),  # in Wagtail's redirect middleware
        ("get", "/remember/", {}, {}),  # in the session middleware, saving the session
    ],
)
def test_with_the_database_down_pages_answer_503_with_retry_after(
    settings, database_down, method, url, cookies, extra
):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.cookies.load(cookies)
    response = getattr(client, method)(url, **extra)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response  # the page styles itself inline
    html = response.content.decode()
    assert "<style" in html
    assert "try again" in html
    assert "Traceback" not in html
    assert "OperationalError" not in html


def test_a_hanging_redis_costs_the_rate_limiter_one_timeout_too(settings, silent_server, caplog):
    """The beacon's limit fails open and a vote's fails closed, each at once: a hanging Redis
    must not tie up the app's workers on every beacon."""
    url, accepted = silent_server
    use_production_caches(settings, url)
    request = RequestFactory().post("/membership/beacon/", REMOTE_ADDR="192.0.2.7")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        beacons = [
            ratelimit.hit(request, "beacon", limit=120, period=60, fail_open=True)
            for _ in range(20)
        ]
        vote = ratelimit.hit(request, "vote", limit=10, period=60, fail_open=False)
    elapsed = time.monotonic() - started
    assert all(limit.allowed and not limit.counted for limit in beacons)
    assert not vote.allowed and not vote.counted
    assert len(accepted) == 1
    assert elapsed < 1.5
    assert len([r for r in caplog.records if r.name == "membership.ratelimit"]) <= 2
