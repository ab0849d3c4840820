"""Page routes from Django's cache: a page already served once is found by its id, not by
Wagtail's walk down the tree.

Wagtail routes a request in five queries or more: the Site for the host, the site's root page
and its specific row, then each page on the path and its specific row. RouteCacheMiddleware
keeps what that walk found, per host and path, and hands it to Wagtail's serve view the way
Wagtail itself caches a route on the request (`request._wagtail_site`,
`request._wagtail_route_for_request`). A cached route then costs one query: the page by id.

- **What is kept:** the Site (hostname, port, root page) and, for a path that Wagtail's own
  `serve` view answered with a page itself (no sub-route arguments, as a RoutablePage would
  take), that page's id and type, and whether it or an ancestor had a view restriction.
- **Checked on use:** the page is read by id, and used only while it is live and its
  `url_path` is still the site root's plus the path. A page unpublished, deleted, moved or
  renamed since falls back to Wagtail's routing, which answers as it always did (a 404, or
  the page now at that path).
- **Invalidation:** the keys carry the page cache's generation (articles.page_cache), which a
  Site change, a view restriction added or removed, a page moved or renamed and a setting
  change renew. Entries also expire after ARTICLES_CACHE_S_MAXAGE, so with a cache per
  process (locmem), another process's view restriction reaches routes no later than it
  reaches cached pages.

Only when Wagtail's i18n is off: with it on, the root page depends on the language.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http.request import split_domain_port
from django.utils.deprecation import MiddlewareMixin
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from . import conf, page_cache


@dataclass(frozen=True)
class Route:
    """A path's page: what RouteCacheMiddleware keeps, and checks before using."""

    page_id: int
    content_type_id: int
    url_path: str
    restricted: bool


def enabled():
    return bool(conf.get("ARTICLES_ROUTE_CACHE")) and not getattr(
        settings, "WAGTAIL_I18N_ENABLED", False
    )


def timeout():
    return max(int(conf.get("ARTICLES_CACHE_S_MAXAGE")), 1)


def _host_port(request):
    # As Site.find_for_request reads them: the raw host (no ALLOWED_HOSTS check) and the port.
    return split_domain_port(request._get_raw_host())[0], request.get_port()


def _site_key(prefix, host, port):
    return f"{prefix}:route-site:{host}:{port}"


def _route_key(prefix, host, port, path):
    return f"{prefix}:route:{host}:{port}:{path}"


def expected_url_path(site, path):
    """The url_path of the page Wagtail serves at `path` under `site`, when that page serves
    the path itself: the root's url_path and the path's components, each with its slash."""
    components = [component for component in path.split("/") if component]
    return site.root_page.url_path + "".join(f"{component}/" for component in components)


def cached_site(request, store, prefix):
    """The request's Site from the cache, else Wagtail's lookup, kept. None when no Site
    answers (Wagtail then finds none either)."""
    host, port = _host_port(request)
    key = _site_key(prefix, host, port)
    site = store.get(key)
    if site is None:
        site = Site.find_for_request(request)
        if site is not None:
            site.root_page  # noqa: B018 - fetched now, so it is pickled with the site
            store.set(key, site, timeout())
    return site


def load_page(route):
    """The route's page, specific, if it is still live and still at the route's path."""
    model = ContentType.objects.get_for_id(route.content_type_id).model_class()
    if model is None or not issubclass(model, Page):
        return None
    # No ORDER BY: one row by its key, and ordering by `path` costs more to compile than the
    # rest of the query.
    page = model._default_manager.filter(pk=route.page_id, live=True).order_by()[:1]
    page = page[0] if page else None
    if page is None or page.url_path != route.url_path:
        return None
    if not route.restricted:
        # No restriction on it or above it when the route was kept, and adding one since
        # would have renewed the generation: don't ask again (PublicPageMixin reads this).
        page.__dict__["_view_restrictions"] = PageViewRestriction.objects.none()
    return page


def route_to_keep(site, path, route_result):
    """The Route of what Wagtail's routing found, or None when it is not a page serving the
    path itself."""
    if route_result is None or site is None:
        return None
    page, args, kwargs = route_result
    if args or kwargs or not page.live or page.url_path != expected_url_path(site, path):
        return None
    return Route(
        page_id=page.pk,
        content_type_id=page.content_type_id,
        url_path=page.url_path,
        restricted=page.get_view_restrictions().exists(),
    )


class RouteCacheMiddleware(MiddlewareMixin):
    """Hands Wagtail's serve view the Site and the page from the cache, and keeps what it
    found when they were not there. Anywhere after the page cache's fetch middleware."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_views.serve or request.method not in ("GET", "HEAD"):
            return None
        if not enabled():
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        store = page_cache.page_cache()
        # Under the page cache's generation: what renews it drops the routes too.
        prefix = page_cache.key_prefix(store)
        site = cached_site(request, store, prefix)
        if site is None:
            return None
        request._wagtail_site = site
        host, port = _host_port(request)
        key = _route_key(prefix, host, port, path)
        route = store.get(key)
        page = load_page(route) if route is not None else None
        if page is not None:
            request._wagtail_route_for_request = RouteResult(page)
        else:
            request._route_cache_store = (store, key, site, path)
        return None

    def process_response(self, request, response):
        pending = request.__dict__.pop("_route_cache_store", None)
        if pending is None or response.status_code != 200:
            return response
        store, key, site, path = pending
        route = route_to_keep(site, path, getattr(request, "_wagtail_route_for_request", None))
        if route is not None:
            store.set(key, route, timeout())
        return response
