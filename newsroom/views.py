from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from articles.models import ArticlePage
from articles.models.pages import paginate

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        # The search backend filters on indexed fields only, so privacy is checked with
        # public() here rather than with the Exists() filter that listings use.
        matches = (
            ArticlePage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("lead_image")
            .search(query)
        )
        results = paginate(request, matches, RESULTS_PER_PAGE)
    return TemplateResponse(request, "search.html", {"query": query, "results": results})


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
