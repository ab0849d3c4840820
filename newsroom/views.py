import sys

from csp.decorators import csp_exempt
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.template import loader
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from articles import conf, meta
from articles.caching import public_cache
from articles.search import MAX_QUERY_LENGTH, search_articles

from .home.front_page import most_used_tags

RESULTS_PER_PAGE = 20
FOLLOW_TAG_COUNT = 12  # tag feeds listed on the "Follow us" page
# Errors that say the database cannot be reached (down, restarting, refusing connections, or
# SQLite locked), rather than a bug: worth a retry.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    title = _("Search")
    if query:
        results = Paginator(search_articles(query), RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        title = _("Search results for “%(query)s”") % {"query": Truncator(query).chars(60)}
    site_name = conf.site_name(Site.find_for_request(request))
    context = {
        "query": query,
        "results": results,
        "document_title": meta.document_title(
            title, site_name=site_name, page_number=results.number if results else 1
        ),
    }
    return TemplateResponse(request, "search.html", context)


@require_safe
@public_cache
def follow(request):
    """ "Follow us": what RSS is, the site's feed and the most used tags' feeds. Two queries
    (the site, the tags), whatever the number of tags."""
    site_name = conf.site_name(Site.find_for_request(request))
    context = {
        "document_title": meta.document_title(_("Follow us"), site_name=site_name),
        "site_name": site_name,
        "canonical_url": meta.absolute_url(request, reverse("follow")),
        "site_feed_url": meta.absolute_url(request, reverse("articles:feed")),
        "tag_feeds": [
            {
                "tag": tag,
                "url": meta.absolute_url(request, reverse("articles:tag_feed", args=[tag.slug])),
                "page_url": reverse("articles:tag", args=[tag.slug]),
            }
            for tag in most_used_tags(FOLLOW_TAG_COUNT)
        ],
    }
    return TemplateResponse(request, "follow.html", context)


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


TOUCH_ICON = "icons/apple-touch-icon.png"


@require_safe
@cache_control(public=True, max_age=86400)
def touch_icon(request):
    """/favicon.ico and /apple-touch-icon.png, which browsers ask for whatever the page links:
    a redirect to the static icon (its name carries a hash in production, so not permanent)."""
    return HttpResponseRedirect(static(TOUCH_ICON))


@csp_exempt()  # the error pages style themselves inline
def server_error(request):
    """handler500, for errors raised in views and middleware alike: a 503 with Retry-After
    while the database is unreachable, else Django's 500. Neither page needs the database."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
    return defaults.server_error(request)
