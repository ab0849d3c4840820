"""The page cache: anonymous readers' pages from Django's cache, so a hit costs no query.

Built on Django's cache middleware machinery (`learn_cache_key` / `get_cache_key`), with our own
rules for what is stored and for how long:

- **Who gets a cached page:** a GET or HEAD without the session cookie and without any cookie
  in ARTICLES_PAGE_CACHE_BYPASS_COOKIES (the site names the patron cookie there). Other cookies
  (analytics, consent) are ignored: the key depends on the address only.
- **What is stored:** a 200 that the page itself marked `public` (articles.caching.mark_public),
  sets no cookie and carries no `Vary` (a page that used the session or the CSRF token gets
  `Vary: Cookie`, so it never is). It is stored for its `s-maxage`, and its headers are left as
  they are, for a CDN in front.
- **Invalidation:** PageCacheBackend is a `wagtail.contrib.frontend_cache` backend, so the
  purge list that Wagtail and our signal handlers send to a CDN deletes the same URLs here.
  What touches every page (a site setting, an appeal, a moved or renamed page) starts a new
  generation: the generation is part of every key, so all older entries are left to expire.

The key leaves out the scheme and the host, which the purge list may spell differently from
the request (behind a TLS proxy, or with the Site's own hostname): the hosts that pages were
stored for are remembered, and a purge deletes the path for each of them.

FetchFromPageCacheMiddleware goes right after Django's SecurityMiddleware (which redirects plain
HTTP to HTTPS), so a hit skips every other middleware: CSP, sessions, CSRF, authentication,
messages. The stored response already carries their headers, since UpdatePageCacheMiddleware
goes first and stores it after all of them have run; a hit never reads the session.
"""

import contextlib
import re
import time
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_cache_key, learn_cache_key
from django.utils.deprecation import MiddlewareMixin
from django.utils.encoding import escape_uri_path
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from . import conf

GENERATION_KEY = "articles:page-cache:generation"
HOSTS_KEY = "articles:page-cache:hosts"
# Hosts pages are stored for. A request for another host once the list is full is served
# fresh and not stored, so a forged Host header cannot grow it, nor escape purges.
MAX_HOSTS = 20
METHODS = ("GET", "HEAD")
_DIRECTIVE = re.compile(r"^\s*([\w-]+)\s*(?:=\s*\"?([^\",]*)\"?)?\s*$")


def enabled():
    return bool(conf.get("ARTICLES_PAGE_CACHE"))


def page_cache():
    return caches[conf.get("ARTICLES_PAGE_CACHE_ALIAS")]


def bypasses(request):
    """Whether this request is someone's own: it carries the session cookie, a cookie the site
    named, or credentials."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    names = (settings.SESSION_COOKIE_NAME, *conf.get("ARTICLES_PAGE_CACHE_BYPASS_COOKIES"))
    return any(name in request.COOKIES for name in names)


# --- Keys -------------------------------------------------------------------------------------


def _new_generation():
    # From the clock, not 1: a generation key evicted from the cache must not come back as a
    # number that older entries still carry.
    return int(time.time() * 1000)


def generation(store):
    return store.get_or_set(GENERATION_KEY, _new_generation, None)


def key_prefix(store):
    return f"{settings.CACHE_MIDDLEWARE_KEY_PREFIX}pages.{generation(store)}"


class _KeyRequest:
    """What Django's key functions read of a request: its address (here host and path, without
    the scheme), its method and the headers a Vary names (none: such responses are not
    stored). The language is the site's, so a purge run in an editor's request agrees."""

    META = {}

    def __init__(self, host, full_path, method="GET"):
        self.host = host
        self.full_path = full_path
        self.method = method
        self.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def build_absolute_uri(self, location=None):
        return f"//{self.host}{self.full_path}"


def _full_path(path, query):
    """The path as requests and purge URLs both spell it: percent-encoded alike."""
    return escape_uri_path(unquote(path)) + (f"?{query}" if query else "")


@contextlib.contextmanager
def _site_time_zone():
    # Django's keys end with the current time zone; the admin may have activated an editor's.
    with timezone.override(None):
        yield


def _request_key(request):
    return _KeyRequest(
        request.get_host().lower(),
        _full_path(request.path, request.META.get("QUERY_STRING", "")),
        request.method,
    )


# --- What is stored ---------------------------------------------------------------------------


def cache_control(response):
    """The response's Cache-Control directives: {name: value or True}."""
    directives = {}
    for part in cc_delim_re.split(response.get("Cache-Control", "")):
        match = _DIRECTIVE.match(part)
        if match:
            directives[match[1].lower()] = match[2] if match[2] is not None else True
    return directives


def storable_seconds(request, response):
    """How long to keep `response`, or 0 when it must not be stored."""
    if request.method not in METHODS or response.status_code != 200 or response.streaming:
        return 0
    if response.cookies or response.has_header("Vary"):
        return 0
    directives = cache_control(response)
    if directives.get("public") is not True:
        return 0
    if any(name in directives for name in ("private", "no-store", "no-cache")):
        return 0
    seconds = directives.get("s-maxage", directives.get("max-age", "0"))
    try:
        return max(int(seconds), 0)
    except (TypeError, ValueError):
        return 0


def _host_slots():
    return [f"{HOSTS_KEY}.{slot}" for slot in range(MAX_HOSTS)]


def _remember_host(store, host):
    """Whether pages of `host` may be stored: it holds a slot, or takes a free one. Each slot
    is taken with add(), which is atomic, so two servers never take the same one."""
    for key in _host_slots():
        taken = store.get(key)
        if taken is None and store.add(key, host, None):
            return True
        if (taken or store.get(key)) == host:
            return True
    return False


def _remembered_hosts(store):
    return list(store.get_many(_host_slots()).values())


# --- Middleware -------------------------------------------------------------------------------


def cached_response(request, store=None, prefix=None):
    """The stored response for this anonymous GET or HEAD, or None. The one lookup behind
    FetchFromPageCacheMiddleware and a WSGI front that answers hits before Django's handler
    (the site's newsroom.front)."""
    store = store or page_cache()
    prefix = prefix or key_prefix(store)
    key_request = _request_key(request)
    with _site_time_zone():
        for method in ("GET", "HEAD") if request.method == "HEAD" else ("GET",):
            key = get_cache_key(key_request, prefix, method, cache=store)
            response = store.get(key) if key else None
            if response is not None:
                return response
    return None


def may_answer(request):
    """Whether the page cache may answer this request: on, a GET or HEAD, nobody's own."""
    return enabled() and request.method in METHODS and not bypasses(request)


class FetchFromPageCacheMiddleware(MiddlewareMixin):
    """Answers an anonymous GET or HEAD from the cache. Right after SecurityMiddleware."""

    def process_request(self, request):
        request._cache_update_cache = False
        if not may_answer(request):
            return None
        store = page_cache()
        prefix = key_prefix(store)
        response = cached_response(request, store, prefix)
        if response is not None:
            return response
        request._cache_update_cache = True
        request._page_cache_prefix = prefix
        return None


class UpdatePageCacheMiddleware(MiddlewareMixin):
    """Stores what FetchFromPageCacheMiddleware missed, when it may. First in MIDDLEWARE."""

    def process_response(self, request, response):
        if not getattr(request, "_cache_update_cache", False):
            return response
        seconds = storable_seconds(request, response)
        if not seconds:
            return response
        store = page_cache()
        key_request = _request_key(request)
        if not _remember_host(store, key_request.host):
            return response
        with _site_time_zone():
            key = learn_cache_key(
                key_request, response, seconds, request._page_cache_prefix, cache=store
            )
        if hasattr(response, "render") and callable(response.render):
            response.add_post_render_callback(lambda r: store.set(key, r, seconds))
        else:
            store.set(key, response, seconds)
        return response


# --- Invalidation -----------------------------------------------------------------------------


def purge_paths(full_paths):
    """Delete the cached pages at these paths (with their query strings), for every host."""
    store = page_cache()
    prefix = key_prefix(store)
    hosts = _remembered_hosts(store)
    keys = []
    with _site_time_zone():
        for full_path in full_paths:
            for host in hosts:
                for method in METHODS:
                    key = get_cache_key(_KeyRequest(host, full_path, method), prefix, method, store)
                    if key:
                        keys.append(key)
    if keys:
        store.delete_many(keys)


class PageCacheBackend(BaseBackend):
    """A `WAGTAILFRONTENDCACHE` backend: the URLs a change purges from a CDN are deleted from
    the page cache too."""

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        paths = []
        for url in urls:
            parts = urlsplit(url)
            paths.append(_full_path(parts.path or "/", parts.query))
        purge_paths(paths)


def _new_generation_now():
    store = page_cache()
    try:
        if store.incr(GENERATION_KEY) is not False:
            return
    except ValueError:
        pass
    store.set(GENERATION_KEY, _new_generation(), None)


def clear():
    """Start a new generation: every cached page is out. Now, and again when the transaction
    commits, since a reader may store the old page in between."""
    _new_generation_now()
    transaction.on_commit(_new_generation_now)
