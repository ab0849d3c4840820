"""Page-cache hits answered in front of Django's request handling.

The page cache's middleware (articles.page_cache) answers a hit once Django has built the
request, sent `request_started` (which checks every database connection) and run the first
middleware: on the benchmark machine that was more than half of what a hit cost, and held a
cached article to about 45% of the requests per second of a trivial WSGI app (bench/run.py).
`CachedPagesFront` wraps the WSGI application and answers the same hits, from the same entries
and with the same rules, before all of that:

- it asks only on a GET or HEAD that the page cache may answer (`page_cache.may_answer`: the
  cache is on, and no session cookie, patron cookie or credentials), over HTTPS when
  SECURE_SSL_REDIRECT wants it (plain HTTP goes on to Django's redirect), for a host in
  ALLOWED_HOSTS (any other goes on to Django's 400);
- a hit carries the headers stored with it, which every middleware added when it was stored,
  plus its own `X-Request-ID`, and writes the same access line as any request
  (newsroom.request_id);
- everything else, a miss included, goes to Django unchanged, and the page cache's middleware
  stores what it may as before.
"""

import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from articles import page_cache

from .request_id import current_request_id, incoming_or_new, log_access


def hit(environ):
    """The cached response for this WSGI request, ready to send, or None."""
    if environ.get("REQUEST_METHOD") not in page_cache.METHODS:
        return None
    started = time.perf_counter()
    request = WSGIRequest(environ)
    try:
        if not page_cache.may_answer(request) or not _secure_enough(request):
            return None
        response = page_cache.cached_response(request)
    except DisallowedHost:
        return None
    if response is None:
        return None
    request_id = incoming_or_new(request)
    token = current_request_id.set(request_id)
    try:
        return log_access(request, response, started, request_id)
    finally:
        current_request_id.reset(token)


def _secure_enough(request):
    return request.is_secure() or not settings.SECURE_SSL_REDIRECT


class CachedPagesFront:
    """A WSGI application: page-cache hits at once, everything else from `app`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        response = hit(environ)
        if response is None:
            return self.app(environ, start_response)
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, list(response.items()))
        # The bytes, not the response: its close() would send `request_finished`, whose
        # receivers tidy up after Django's handling (database connections), which a hit never
        # began. The server leaves out the body of a HEAD.
        return [response.content]
