from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from taggit.models import Tag

from .models import ArticlePage, ArticleSettings
from .models.pages import paginate


def tag_page(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = ArticlePage.objects.filter(tags=tag).for_listing()
    per_page = ArticleSettings.for_request(request).articles_per_page or 20
    page = paginate(request, articles, per_page)
    if not page.object_list and page.number == 1 and not articles.exists():
        # A tag that only drafts carry is not a public page.
        raise Http404
    response = TemplateResponse(request, "articles/tag_page.html", {"tag": tag, "articles": page})
    patch_cache_control(response, public=True, max_age=settings.NEWSROOM_PAGE_CACHE_SECONDS)
    return response
