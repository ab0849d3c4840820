"""/healthz: can this server answer readers? For a load balancer or an uptime monitor.

It asks the database for a trivial query and the page cache ("default") to keep and give back
a short-lived key. The page cache fails open (newsroom.cache): with Redis down it answers every
read with a miss instead of an error, so a key written and read back is how to tell that it
answered. 200 when both do, else 503 naming what is down; never cached, no session, no cookie.
"""

import logging
import uuid

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PROBE_SECONDS = 10


def database_answers(alias="default"):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:  # any failure means "down"; the log says which
        logger.warning("Health check: the database %r did not answer: %r", alias, error)
        return False


def cache_answers(alias="default"):
    # A key of this probe's own: another probe, here or on another server, cannot answer for it.
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache = caches[alias]
        cache.set(key, "ok", PROBE_SECONDS)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as error:  # any failure means "down"; the log says which
        logger.warning("Health check: the cache %r did not answer: %r", alias, error)
        return False
    if not answered:
        logger.warning("Health check: the cache %r did not keep a key.", alias)
    return answered


def check():
    """{"database": "ok" | "down", "cache": "ok" | "down"}"""
    return {
        "database": "ok" if database_answers() else "down",
        "cache": "ok" if cache_answers() else "down",
    }


@never_cache
@require_safe
def healthz(request):
    parts = check()
    healthy = all(state == "ok" for state in parts.values())
    body = {"status": "ok" if healthy else "down", **parts}
    return JsonResponse(body, status=200 if healthy else 503)
