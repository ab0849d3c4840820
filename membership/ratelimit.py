"""Rate limits: one mechanism for the appeal beacon, sign-up, sign-in, votes and suggestions.

Each use names a scope and its own limit, period and failure mode:

    limit = ratelimit.hit(request, "signup", limit=5, period=3600, fail_open=False)
    if not limit.allowed:
        return ratelimit.refusal(limit)

Counts are fixed windows in the cache named by MEMBERSHIP_RATELIMIT_CACHE: the first hit of a
window adds its key, the others increment it, and both are atomic on Redis (SET NX, INCR), so
concurrent requests never count past the limit. Keys are an HMAC of the reader's address, never
the address itself. When the cache cannot count (Redis is down), `fail_open` decides: True lets
the request through (reading: the beacon), False refuses it with a 503 (writing: sign-ups,
votes). Over the limit is a 429. Both carry Retry-After.

Why our own module rather than django-ratelimit 4.1 (its source was read for this): it lets
every cache error but socket.gaierror propagate, so with Django's RedisCache a Redis outage
turns each limited view into a 500, and its only failure switch, RATELIMIT_FAIL_OPEN, is one
project-wide setting where we need one per use; it refuses with Ratelimited, a 403 without
Retry-After unless the project adds a middleware and a view; its decorator sets
`request.limited`; its cache is the project-wide RATELIMIT_USE_CACHE; and its system check
fails on the local-memory cache that development and tests use. Past those, it is the add and
incr below.
"""

import logging
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from articles.caching import mark_private

from . import conf

logger = logging.getLogger(__name__)

KEY_SALT = "membership.ratelimit"
# A key outlives its window by this much, so a server whose clock runs a little behind still
# finds it to increment.
EXPIRY_MARGIN = 5  # seconds


@dataclass(frozen=True)
class Limit:
    """What one hit found."""

    allowed: bool
    counted: bool  # False when the cache could not count: `allowed` is then the use's fail_open
    retry_after: int  # seconds until the window ends


def client_address(request):
    """The reader's address, as the last trusted proxy saw it.

    With MEMBERSHIP_TRUSTED_PROXY_COUNT = N > 0, each of the N proxies in front of the app
    appended the address it saw to X-Forwarded-For, so the reader's address is the Nth entry
    from the right. Entries further left come from the client and are ignored: forging them
    gains nothing. A request with fewer entries than N did not come through the proxies, and
    is keyed on REMOTE_ADDR.
    """
    count = conf.trusted_proxy_count()
    if count:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= count and forwarded[-count]:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def cache_key(scope, window, client):
    # A keyed hash (HMAC with SECRET_KEY): without the key, nobody who reads the cache can go
    # through the address space to find which address a key belongs to. The window is hashed
    # in too, so keys do not link one reader's windows either.
    digest = salted_hmac(KEY_SALT, f"{scope}:{window}:{client}", algorithm="sha256")
    return f"membership:ratelimit:{scope}:{digest.hexdigest()[:32]}"


def _count(cache, key, timeout):
    """This hit's number in its window, or None when the cache cannot count."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        count = cache.incr(key)
    except ValueError:
        # add() said the key exists, yet incr() cannot find it: a cache that hides its errors
        # (a fail-open wrapper misses on both) is not counting.
        return None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


_warned_at = {}  # scope -> time.monotonic() of its last warning, in this process
WARN_EVERY = 60  # seconds


def _warn_now(scope):
    now = time.monotonic()
    if now - _warned_at.get(scope, -WARN_EVERY) < WARN_EVERY:
        return False
    _warned_at[scope] = now
    return True


def hit(request, scope, *, limit, period, fail_open, client=None):
    """Counts one request of this reader in `scope`; at most `limit` per `period` seconds.

    `client` names who is counted when it is not the reader's address: an email address, so
    one mailbox gets few links however many addresses ask for them.
    """
    elapsed_windows, into_window = divmod(int(timezone.now().timestamp()), period)
    retry_after = period - into_window
    client = client_address(request) if client is None else client
    key = cache_key(scope, elapsed_windows, client)
    try:
        count = _count(caches[conf.ratelimit_cache()], key, retry_after + EXPIRY_MARGIN)
    except Exception as error:  # noqa: BLE001 - each backend raises its own; none may be a 500
        # Not with a traceback, not per request: an outage must not flood the log.
        if _warn_now(scope):
            logger.warning("The rate limit %r could not count: %r", scope, error)
        count = None
    if count is None:
        return Limit(allowed=fail_open, counted=False, retry_after=retry_after)
    return Limit(allowed=count <= limit, counted=True, retry_after=retry_after)


def refusal(limit, request=None, *, as_json=False, back_url=""):
    """The answer to a refused request: 429 over the limit, 503 when it could not count.

    Plain text for scripts (the beacon), JSON for scripts that read it (the topics page's),
    a page for people when given their `request` (with a link to `back_url`, if given).
    """
    if limit.counted:
        error, message, status = (
            "rate_limited",
            _("Too many requests. Please try again later."),
            429,
        )
    else:
        error, message, status = (
            "unavailable",
            _("This is unavailable for a moment. Please try again later."),
            503,
        )
    if as_json:
        response = JsonResponse({"error": error, "message": str(message)}, status=status)
        mark_private(response)
    elif request is None:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    else:
        context = {"message": message, "retry_after": limit.retry_after, "back_url": back_url}
        response = render(request, "membership/refused.html", context, status=status)
        mark_private(response)
    response["Retry-After"] = str(limit.retry_after)
    return response


def hit_write(request, scope, *, limit, client=None):
    """A write (sign-up, sign-in, a vote, a suggestion): at most `limit` a minute, and refused
    when the cache cannot count."""
    return hit(request, scope, limit=limit, period=60, fail_open=False, client=client)
