"""The WSGI front (newsroom.front): page-cache hits answered before Django's request handling,
with the page cache's own rules, and everything else passed to Django unchanged."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from newsroom.front import CachedPagesFront
from tests.factories import ArticlePageFactory
from tests.test_logging import access_lines, log, production_logging  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


class Django:
    """Django's own WSGI application, counting the requests that reach it."""

    def __init__(self):
        self.handler = None
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        # Made at the first request, so its middleware reads the test's settings.
        self.handler = self.handler or WSGIHandler()
        return self.handler(environ, start_response)


@pytest.fixture
def django_app():
    return Django()


@pytest.fixture
def front(settings, django_app):
    settings.ARTICLES_PAGE_CACHE = True
    return CachedPagesFront(django_app)


@pytest.fixture
def story(news):
    return ArticlePageFactory(parent=news, title="Storm closes the port", slug="storm")


def call(app, path, *, method="GET", host="localhost", scheme="http", **headers):
    """Run one WSGI request; (status, headers as a dict, body)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = status
        started["headers"] = dict(response_headers)

    # As Django's test client does: the request must not close the test's database connection
    # (its transaction holds the test's data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], body


def test_a_hit_is_answered_in_front_of_django_without_a_query(front, django_app, story):
    miss = call(front, "/news/storm/")
    assert miss[0] == "200 OK"
    assert django_app.calls == 1
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = call(front, "/news/storm/")
    assert django_app.calls == 1
    assert len(queries) == 0
    assert status == "200 OK"
    assert body == miss[2]
    assert "Storm closes the port" in body.decode()
    for name in ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Frame-Options"):
        assert headers[name] == miss[1][name], name
    assert headers["X-Request-ID"] != miss[1]["X-Request-ID"]


def test_a_hit_keeps_a_sane_incoming_request_id_and_writes_the_access_line(
    front,
    story,
    log,  # noqa: F811 - the fixture imported above
):
    call(front, "/news/storm/")
    log()  # the miss's line
    _, headers, _ = call(front, "/news/storm/", x_request_id="lb-1234")
    _, hostile, _ = call(front, "/news/storm/", x_request_id="<script>")
    assert headers["X-Request-ID"] == "lb-1234"
    assert hostile["X-Request-ID"] != "<script>"
    _, entries = log()
    lines = access_lines(entries)[-2:]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/news/storm/", 200)
    ] * 2
    assert [e["request_id"] for e in lines] == ["lb-1234", hostile["X-Request-ID"]]


def test_a_head_request_is_answered_from_the_stored_get(front, django_app, story):
    call(front, "/news/storm/")
    status, headers, _ = call(front, "/news/storm/", method="HEAD")
    assert status == "200 OK"
    assert django_app.calls == 1
    assert headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST"},
        {"cookie": "sessionid=abc"},
        {"cookie": "membership_patron=1"},
        {"authorization": "Basic eDp5"},
    ],
    ids=["post", "session", "patron", "credentials"],
)
def test_someones_own_request_goes_to_django(front, django_app, story, request_kwargs):
    call(front, "/news/storm/")
    call(front, "/news/storm/", **request_kwargs)
    assert django_app.calls == 2


def test_unrelated_cookies_still_get_the_cached_page(front, django_app, story):
    call(front, "/news/storm/")
    status, _, _ = call(front, "/news/storm/", cookie="_ga=GA1.2.3; consent=yes")
    assert status == "200 OK"
    assert django_app.calls == 1


def test_a_host_not_allowed_goes_to_django_and_gets_its_400(front, django_app, settings, story):
    settings.ALLOWED_HOSTS = ["localhost"]
    call(front, "/news/storm/")
    status, _, _ = call(front, "/news/storm/", host="evil.example")
    assert status.startswith("400")
    assert django_app.calls == 2


def test_plain_http_goes_to_django_for_the_redirect_when_https_is_required(
    front, django_app, settings, story
):
    settings.SECURE_SSL_REDIRECT = True
    call(front, "/news/storm/", scheme="https")
    assert call(front, "/news/storm/", scheme="https")[0] == "200 OK"
    assert django_app.calls == 1
    status, headers, _ = call(front, "/news/storm/")
    assert status.startswith("301")
    assert headers["Location"] == "https://localhost/news/storm/"
    assert django_app.calls == 2


def test_a_miss_and_a_switched_off_cache_go_to_django(front, django_app, settings, story):
    call(front, "/news/no-such-story/")
    call(front, "/news/no-such-story/")
    assert django_app.calls == 2
    settings.ARTICLES_PAGE_CACHE = False
    call(front, "/news/storm/")
    call(front, "/news/storm/")
    assert django_app.calls == 4


def test_a_published_change_is_served_fresh_through_the_front(front, story, committed):
    call(front, "/news/storm/")
    with committed():
        story.title = "Storm reopens the port"
        story.save_revision().publish()
    _, _, body = call(front, "/news/storm/")
    assert "Storm reopens the port" in body.decode()
