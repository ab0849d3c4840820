"""Production logging: JSON lines on stdout, each with the id of its request (which the
response carries as X-Request-ID), an access line per request, and no personal data."""

import copy
import io
import json
import logging
import logging.config
import re
import sys

import pytest
from django.test import Client, RequestFactory

from newsroom.logging import JsonFormatter
from newsroom.request_id import loggable_path
from tests.membership.patrons import EMAIL, last_link, member
from tests.test_production import production_settings

CLIENT_ADDRESS = "203.0.113.9"
FORWARDED_ADDRESS = "198.51.100.4"


@pytest.fixture(scope="module")
def production_logging():
    return production_settings("LOGGING")["LOGGING"]


@pytest.fixture
def log(production_logging, settings):
    """The production logging configuration, its stdout handler writing to a buffer; `log()`
    gives what was written so far: its raw text and its lines, each parsed as JSON."""
    logging.config.dictConfig(copy.deepcopy(production_logging))  # dictConfig consumes it
    [handler] = logging.getLogger().handlers
    assert handler.stream is sys.stdout
    buffer = io.StringIO()
    handler.setStream(buffer)

    def written():
        out = buffer.getvalue()
        entries = [json.loads(line) for line in out.splitlines()]
        assert all(isinstance(entry, dict) for entry in entries)
        return out, entries

    yield written
    logging.config.dictConfig(settings.LOGGING)
    # Loggers the test settings do not name keep what production gave them: take it back.
    access = logging.getLogger("newsroom.access")
    access.handlers.clear()
    access.setLevel(logging.NOTSET)
    access.propagate = True


def access_lines(entries):
    return [entry for entry in entries if entry["logger"] == "newsroom.access"]


def test_a_record_is_one_json_object_on_one_line(log):
    try:
        raise ValueError("two\nlines")
    except ValueError:
        logging.getLogger("newsroom.test").exception("Failed:\n%s", "details")
    out, [entry] = log()
    assert out.count("\n") == 1
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "newsroom.test"
    assert entry["message"] == "Failed:\ndetails"
    assert "ValueError: two\nlines" in entry["exception"]
    assert entry["request_id"] is None  # logged outside a request


def test_the_formatter_keeps_plain_extras_and_drops_objects():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "m", (), None)
    record.status = 410
    record.request = object()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["status"] == 410
    assert "request" not in entry


@pytest.mark.django_db
def test_the_access_line_carries_the_request_id_the_response_carries(log):
    response = Client().get("/healthz?probe=1")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    _out, entries = log()
    [access] = access_lines(entries)
    assert access["request_id"] == request_id
    assert access["method"] == "GET"
    assert access["path"] == "/healthz"  # no query string
    assert access["status"] == 200
    assert isinstance(access["duration_ms"], float)


@pytest.mark.django_db
def test_every_request_gets_an_id_of_its_own(log):
    client = Client()
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("lb-4f1c.2_A", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("has space", False),
        ("<script>", False),
        ("reader@example.org", False),
        ("", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_it_is_sane(log, incoming, kept):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert (response["X-Request-ID"] == incoming) is kept
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
        assert not incoming or incoming not in log()[0]


@pytest.mark.django_db
def test_django_s_own_warning_about_a_request_carries_its_id_without_the_token(log):
    # A link that does not work: Django logs the 4xx after the middleware has returned.
    response = Client().get("/membership/sign-in/not-a-real-token/")
    assert response.status_code >= 400
    out, entries = log()
    [warning] = [entry for entry in entries if entry["logger"] == "django.request"]
    assert warning["request_id"] == response["X-Request-ID"]
    assert warning["status_code"] == response.status_code
    assert "/membership/sign-in/<str:token>/" in warning["message"]
    assert "not-a-real-token" not in out


@pytest.mark.django_db
def test_no_email_token_address_or_query_string_is_logged(log, settings):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 1
    member()
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_X_FORWARDED_FOR=FORWARDED_ADDRESS)
    assert client.post("/membership/sign-in/", {"email": EMAIL}).status_code < 400
    link = last_link()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"{link}?utm_source=newsletter&email={EMAIL}").status_code == 200
    assert client.post(link).status_code == 303
    assert client.get("/membership/account/").status_code == 200
    out, entries = log()
    paths = [entry["path"] for entry in access_lines(entries)]
    assert paths == [
        "/membership/sign-in/",
        "/membership/sign-in/<str:token>/",
        "/membership/sign-in/<str:token>/",
        "/membership/account/",
    ]
    for secret in (EMAIL, "reader%40example.org", token, CLIENT_ADDRESS, FORWARDED_ADDRESS):
        assert secret not in out
    assert "utm_source" not in out


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/membership/sign-in/abc.DEF-1/", "/membership/sign-in/<str:token>/"),
        ("/membership/confirm/abc.DEF-1/", "/membership/confirm/<str:token>/"),
        (
            "/admin/password_reset/confirm/MQ/set-password/",
            "/admin/password_reset/confirm/<uidb64>/<token>/",
        ),
        ("/membership/sign-in/", "/membership/sign-in/"),
        ("/news/ports-reopen/", "/news/ports-reopen/"),
        ("/" + "a" * 300, "/" + "a" * 199),
    ],
)
def test_a_path_answered_before_it_was_resolved_is_logged_without_its_token(path, logged):
    # As when a middleware answers first: a redirect to HTTPS, a page from the cache.
    request = RequestFactory().get(path)
    assert request.resolver_match is None
    assert loggable_path(request) == logged


@pytest.mark.django_db
def test_a_redirect_to_https_logs_the_pattern_of_a_sign_in_link(log, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/membership/sign-in/a-secret-token/")
    assert response.status_code == 301
    out, entries = log()
    [access] = access_lines(entries)
    assert access["path"] == "/membership/sign-in/<str:token>/"
    assert access["request_id"] == response["X-Request-ID"]
    assert "a-secret-token" not in out
