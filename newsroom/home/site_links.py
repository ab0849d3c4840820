"""The links every page's header and footer carry: the standard pages an editor shows in menus
(About, Privacy…), and, with membership installed, the sign-up page ("Support us") and the
topics page.

One query finds them all, and its answer is cached, so the header and footer add no query to
a page on a warm cache (the article and listing query budgets count on that). Publishing,
unpublishing, moving or deleting any page, or changing a Site, drops the cached answer.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.cache import cache
from django.db.models import F, Q, Subquery
from wagtail.models import Page

from articles.queries import restriction_exists

from .models import StandardPage

CACHE_KEY = "newsroom:site-links"
CACHE_TIMEOUT = 60 * 60  # an hour; publishing drops it sooner


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class SiteLinks:
    standard_pages: list = field(default_factory=list)  # Links, in the page tree's order
    support: Link | None = None
    topics: Link | None = None


def _membership_models():
    if not apps.is_installed("membership"):
        return None, None
    return apps.get_model("membership", "SignupPage"), apps.get_model("membership", "TopicsPage")


def _type(model):
    return (model._meta.app_label, model._meta.model_name)


def find_site_links(site):
    """The links of `site`, from the database: one query (content types by a join, not a
    lookup of their own)."""
    signup_model, topics_model = _membership_models()
    standard = _type(StandardPage)
    signup = _type(signup_model) if signup_model else None
    topics = _type(topics_model) if topics_model else None
    wanted = Q(
        content_type__app_label=standard[0], content_type__model=standard[1], show_in_menus=True
    )
    for kind in (signup, topics):
        if kind is not None:
            wanted |= Q(content_type__app_label=kind[0], content_type__model=kind[1])
    root_path = Subquery(Page.objects.filter(pk=site.root_page_id).values("path")[:1])
    pages = (
        Page.objects.live()
        .filter(path__startswith=root_path)
        .filter(wanted)
        .filter(~restriction_exists())
        .order_by("path")
        .annotate(app_label=F("content_type__app_label"), model_name=F("content_type__model"))
        .only("pk", "title", "url_path", "path", "depth")
    )
    standard_pages, found = [], {}
    for page in pages:
        link = Link(title=page.title, url=page.relative_url(site) or "")
        kind = (page.app_label, page.model_name)
        if kind == standard:
            standard_pages.append(link)
        else:
            found.setdefault(kind, link)  # the first in tree order
    return SiteLinks(
        standard_pages=standard_pages,
        support=found.get(signup),
        topics=found.get(topics),
    )


def site_links(site):
    """The links of `site`: cached, else one query. An empty SiteLinks without a site."""
    if site is None:
        return SiteLinks()
    cached = cache.get(CACHE_KEY) or {}
    links = cached.get(site.pk)
    if links is None:
        links = find_site_links(site)
        cache.set(CACHE_KEY, {**cached, site.pk: links}, CACHE_TIMEOUT)
    return links


def forget_site_links(**kwargs):
    """A signal receiver: some page or site changed, so the links may have."""
    cache.delete(CACHE_KEY)
