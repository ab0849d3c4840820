"""What a public page says about itself in <head> and its header: title, byline."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import conf


def document_title(*parts, site_name, page_number=1):
    """The <title>: its parts, "page N" past the first page, then the site's name."""
    parts = [str(part) for part in parts if part]
    if page_number > 1:
        parts.append(_("page %(number)d") % {"number": page_number})
    title = " – ".join(parts)
    return f"{title} | {site_name}" if title else str(site_name)


def byline(authors):
    """ "By A, B and C", each name in a span; "" without authors. Safe HTML."""
    names = [format_html('<span class="byline__name">{}</span>', author.name) for author in authors]
    if not names:
        return ""
    # Each name is escaped above; the rest is our own translated text.
    joined = mark_safe(get_text_list(names, _("and")))  # noqa: S308
    return format_html(_("By {names}"), names=joined)


class PageMetaMixin:
    """A Wagtail page's context names the site and holds the page's <title>, canonical URL
    and share title (the Wagtail Site's name, then WAGTAIL_SITE_NAME: conf.site_name)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site_name = conf.site_name(Site.find_for_request(request))
        context["site_name"] = site_name
        context["document_title"] = document_title(
            self.seo_title or self.title, site_name=site_name
        )
        context["canonical_url"] = self.full_url
        context["share_title"] = self.seo_title or self.title
        return context


def absolute_url(request, url):
    """`url` (a path) made absolute against the site's own root URL, not the Host header."""
    if not url or not url.startswith("/") or url.startswith("//"):
        return url or ""
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        return site.root_url + url
    if request is not None:
        return request.build_absolute_uri(url)
    return url
