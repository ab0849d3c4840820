"""The settings articles reads, each with its default, so the app works in any project.

Every setting is namespaced ARTICLES_ and optional; read them through these functions (never
at import time), so an override in a test or a deployment takes effect.
"""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULTS = {
    # Cache-Control of public pages, feeds and the sitemap: browsers keep a copy this long…
    "ARTICLES_CACHE_MAX_AGE": 30,
    # …shared caches (a CDN, a reverse proxy) this long. Publishing purges an article's pages,
    # but not every page that shows it (page 2 of a listing, a Read also top-up, an appeal):
    # raise it only as far as such a page may lag.
    "ARTICLES_CACHE_S_MAXAGE": 60,
    # …and may serve a stale copy this long while they fetch a fresh one.
    "ARTICLES_CACHE_STALE_WHILE_REVALIDATE": 30,
    # The page cache (articles.page_cache), when the site adds its middleware: on or off, the
    # cache alias it stores pages in, and the cookies (besides the session's) that make a
    # request someone's own, so it bypasses the cache.
    "ARTICLES_PAGE_CACHE": True,
    "ARTICLES_PAGE_CACHE_ALIAS": "default",
    "ARTICLES_PAGE_CACHE_BYPASS_COOKIES": (),
    # Page routes in the page cache's store (articles.routing), when the site adds its
    # middleware: a page already served is found by its id, not by walking the tree.
    "ARTICLES_ROUTE_CACHE": True,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def cache_control():
    """The Cache-Control directives of a public response, for patch_cache_control()."""
    return {
        "public": True,
        "max_age": int(get("ARTICLES_CACHE_MAX_AGE")),
        "s_maxage": int(get("ARTICLES_CACHE_S_MAXAGE")),
        "stale_while_revalidate": int(get("ARTICLES_CACHE_STALE_WHILE_REVALIDATE")),
    }


def site_name(site=None):
    """The site's name, which titles, feeds and JSON-LD use: the Wagtail Site's own name
    (Settings → Sites), else WAGTAIL_SITE_NAME, else "News"."""
    return (
        (site.site_name if site is not None else "")
        or getattr(settings, "WAGTAIL_SITE_NAME", "")
        or _("News")
    )


def seeds_dir():
    """ARTICLES_SEEDS_DIR: where import_seed looks when it is given no path; seeds/ by default."""
    return Path(getattr(settings, "ARTICLES_SEEDS_DIR", None) or Path.cwd() / "seeds")
