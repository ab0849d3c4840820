from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import conf, meta
from .caching import public_cache
from .models import ArticlePage, ArticleSettings
from .pagination import CachedCountPaginator
from .tags import visible_tag_or_404


@public_cache
def tag_page(request, slug):
    # A tag that only drafts or private articles carry is not a public page.
    tag = visible_tag_or_404(slug)
    per_page = ArticleSettings.for_request(request).articles_per_page or 20
    # The count of a tag's articles is kept until an article changes: in a large archive,
    # counting a popular tag is most of the page's time.
    articles = CachedCountPaginator(
        ArticlePage.objects.filter(tags=tag).for_listing(), per_page, count_key=f"tag:{tag.pk}"
    ).get_page(request.GET.get("page"))
    site = Site.find_for_request(request)
    site_name = conf.site_name(site)
    heading = _("Articles tagged “%(tag)s”") % {"tag": tag.name}
    canonical_url = meta.absolute_url(request, request.path)
    if articles.number > 1:
        canonical_url += "?" + urlencode({"page": articles.number})
    context = {
        "tag": tag,
        "articles": articles,
        "site_name": site_name,
        "heading": heading,
        "document_title": meta.document_title(
            heading, site_name=site_name, page_number=articles.number
        ),
        "canonical_url": canonical_url,
    }
    return TemplateResponse(request, "articles/tag_page.html", context)
