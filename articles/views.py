from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

from .conf import page_cache_seconds
from .models import ArticlePage, ArticleSettings
from .pagination import paginate
from .tags import visible_tag_or_404


def tag_page(request, slug):
    # A tag that only drafts or private articles carry is not a public page.
    tag = visible_tag_or_404(slug)
    articles = ArticlePage.objects.filter(tags=tag).for_listing()
    per_page = ArticleSettings.for_request(request).articles_per_page or 20
    page = paginate(request, articles, per_page)
    response = TemplateResponse(request, "articles/tag_page.html", {"tag": tag, "articles": page})
    patch_cache_control(response, public=True, max_age=page_cache_seconds())
    return response
