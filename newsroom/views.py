from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from articles import conf, meta
from articles.search import MAX_QUERY_LENGTH, search_articles

RESULTS_PER_PAGE = 20


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
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
