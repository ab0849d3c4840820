"""A request id for every request, on its log records and in its `X-Request-ID` header, and one
access line per request.

The id is an incoming `X-Request-ID` when a proxy in front set a sane one, else a new one. The
access line names no one: no address, no query string, and the URL pattern instead of the path
when the path carries a secret (an emailed sign-in or confirmation link's token).
"""

import functools
import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished
from django.urls import URLResolver, get_resolver, get_urlconf

HEADER = "X-Request-ID"
INCOMING = re.compile(r"[A-Za-z0-9._-]{1,64}")
# URL arguments that are secrets: a path that has one is logged as its pattern.
SECRET_ARGUMENTS = frozenset({"token"})
MAX_PATH_LENGTH = 200

access_logger = logging.getLogger("newsroom.access")

current_request_id = ContextVar("request_id", default=None)


def incoming_or_new(request):
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")  # request.headers would build them all
    return incoming if INCOMING.fullmatch(incoming) else uuid.uuid4().hex


def loggable_path(request):
    """The path, or its URL pattern when the path carries a secret, cut to a sane length."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        if SECRET_ARGUMENTS & match.kwargs.keys():
            return "/" + match.route
    else:
        # A middleware answered before the URL was resolved (a redirect to HTTPS, a page from
        # the cache). Resolving it would cost a cached page about ten times more than matching
        # it against the few patterns that carry a secret.
        for regex, route in secret_routes(get_urlconf() or settings.ROOT_URLCONF):
            if regex.match(request.path_info):
                return "/" + route
    return request.path[:MAX_PATH_LENGTH]


@functools.cache
def secret_routes(urlconf):
    """(regex of the whole path, route) for each URL pattern with a secret argument."""
    found = []

    def walk(patterns, regex_prefix, route_prefix):
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern.removeprefix("^")
            route = route_prefix + str(pattern.pattern).removeprefix("^")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, regex_prefix + regex, route)
            elif SECRET_ARGUMENTS & pattern.pattern.regex.groupindex.keys():
                found.append((re.compile(regex_prefix + regex), route))

    walk(get_resolver(urlconf).url_patterns, "/", "")
    return tuple(found)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that even a redirect or a refusal by a later middleware gets an
    id and an access line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = incoming_or_new(request)
        request.request_id = request_id
        # Left set until the request is finished: Django logs a 4xx response after the
        # middleware has returned it.
        current_request_id.set(request_id)
        response = self.get_response(request)
        return log_access(request, response, started, request_id)


def log_access(request, response, started, request_id):
    """Give `response` its request id and write the request's access line."""
    response[HEADER] = request_id
    path = loggable_path(request)
    access_logger.info(
        "%s %s %s",
        request.method,
        path,
        response.status_code,
        extra={
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def _forget_request_id(**kwargs):
    current_request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="newsroom.request_id")
