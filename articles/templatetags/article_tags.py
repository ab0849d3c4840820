"""Template helpers for the public article templates.

None of these read the user, the session or the CSRF token: anonymous HTML must be the same
for every reader, so that shared caches can hold it.
"""

import json
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Site

from .. import conf, meta
from ..models import ArticleIndexPage, ArticlePage

register = template.Library()

# json.dumps leaves these alone, but inside <script> they could end the element early.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def current_site_name(context):
    """The site's name for titles: the Wagtail Site's, else WAGTAIL_SITE_NAME (conf.site_name).
    The apps' own templates use it, so they need no context processor from the site."""
    return conf.site_name(Site.find_for_request(context.get("request")))


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """`url` made absolute against the site's own root URL, not the request's Host header."""
    return meta.absolute_url(context.get("request"), url)


def _news_url_without_query(page, request):
    """The index URL, when the page in hand already tells us: it is the index, or its child."""
    if isinstance(page, ArticleIndexPage):
        return page.get_url(request) or ""
    if isinstance(page, ArticlePage):
        # An article's parent is always an article index (parent_page_types), and Wagtail
        # builds a child's URL from its parent's, so the parent's URL is this one minus a step.
        url = page.get_url(request) or ""
        if url.endswith("/"):
            return url[: url[:-1].rfind("/") + 1]
    return None


@register.simple_tag(takes_context=True)
def news_index_url(context):
    """The URL of the site's article index ("News"), or "" when there is none.

    On articles and on the index this costs no query; elsewhere one. Call it once per page
    (base.html does, and keeps the result in `news_url`).
    """
    request = context.get("request")
    url = _news_url_without_query(context.get("page"), request)
    if url is not None:
        return url
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return ""
    index = (
        ArticleIndexPage.objects.live()
        .descendant_of(site.root_page, inclusive=True)
        .order_by("path")
        .first()
    )
    return (index.get_url(request) or "") if index is not None else ""


@register.simple_tag
def page_description(page):
    """What to show search engines and link previews: the SEO description, else the standfirst."""
    if page is None or page == "":
        return ""
    return getattr(page, "search_description", "") or getattr(page, "standfirst", "") or ""


@register.simple_tag
def page_range(page_obj, on_each_side=2, on_ends=1):
    """Page numbers for a pagination nav, with the paginator's ellipsis for long runs."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


@register.simple_tag(takes_context=True)
def page_link(context, number, param_name="", param_value=""):
    """A link to page `number` of a listing, keeping its one filter (search's ?q=) if set."""
    params = []
    if param_name and param_value:
        params.append((param_name, param_value))
    if number and int(number) > 1:
        params.append(("page", int(number)))
    if params:
        return "?" + urlencode(params)
    request = context.get("request")
    return request.path if request is not None else "?"


def json_for_script(data):
    """JSON that is safe to place inside a <script> element."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_SCRIPT_ESCAPES)


@register.simple_tag
def article_json_ld(page, *, site_name, authors=(), image_url="", canonical_url=""):
    """A schema.org NewsArticle for `page`, as a <script type="application/ld+json">."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": page.search_description or page.standfirst,
    }
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    modified = page.last_published_at or page.first_published_at
    if modified:
        data["dateModified"] = modified.isoformat()
    if image_url:
        data["image"] = [image_url]
    if authors:
        data["author"] = [{"@type": "Person", "name": author.name} for author in authors]
    data["publisher"] = {"@type": "Organization", "name": site_name}
    if canonical_url:
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": canonical_url}
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(json_for_script(data)),  # noqa: S308
    )
