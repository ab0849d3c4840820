"""Whether the membership settings' links lead to live pages: the sign-up target and the
"other ways to support" link. Editors see the problems as warnings above the settings form
(staff.settings_panels); saving is never refused, since a page may be published later."""

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _


def live_page_at(site, path):
    """The live page that `path` leads to on `site`, or None.

    Routed as Wagtail serves it, on a request of its own: routable pages note their match on
    the request they are given.
    """
    components = [component for component in path.split("/") if component]
    request = HttpRequest()
    request.path = request.path_info = path
    try:
        page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
    except Http404:
        return None
    return page if page.live else None


def leads_nowhere(site, url):
    """True when `url` is a path (or a URL on `site`'s own host) with no live page behind it.
    Other sites' URLs are not checked."""
    url = (url or "").strip()
    if not url or site is None:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    if parts.netloc and parts.hostname != site.hostname:
        return False
    return live_page_at(site, parts.path or "/") is None


def link_problems(settings):
    """Warnings, in words for editors, about `settings`' links."""
    site = settings.site if settings.site_id else None
    problems = []
    if settings.cta_page_id:
        page = settings.cta_page
        if page is None or not page.live:
            problems.append(
                _(
                    "The sign-up page “%(title)s” is not published: readers who follow "
                    "“Become a patron” would find nothing. Publish it or choose another page."
                )
                % {"title": page.title if page else "?"}
            )
    elif leads_nowhere(site, settings.cta_url):
        problems.append(
            _(
                "The sign-up URL “%(url)s” does not lead to a live page on this site: readers "
                "who follow “Become a patron” would find nothing."
            )
            % {"url": settings.cta_url}
        )
    if leads_nowhere(site, settings.other_ways_url):
        problems.append(
            _(
                "The “other ways to support” URL “%(url)s” does not lead to a live page on "
                "this site."
            )
            % {"url": settings.other_ways_url}
        )
    return problems
