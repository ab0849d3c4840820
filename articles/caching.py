"""Cache headers: anonymous pages are the same for every reader, so shared caches may hold them.

Browsers keep a short copy (max-age); shared caches keep a longer one (s-maxage), which
publishing purges, and may serve it stale while they refresh it (stale-while-revalidate).
A page behind a view restriction is never stored.
"""

from functools import wraps

from django.utils.cache import patch_cache_control

from . import conf


def mark_public(response):
    patch_cache_control(response, **conf.cache_control())
    return response


def mark_private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def public_cache(view):
    """Mark a view's successful responses public (feeds, the sitemap, tag pages)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            mark_public(response)
        return response

    return wrapper
