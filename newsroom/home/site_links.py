"""The links every page's header and footer carry: the standard pages an editor shows in menus
(About, Privacy…), and, with membership installed, the sign-up page ("Support us") and the
topics page.

One query finds them all, and its answer is cached, so the header and footer add no query to
a page on a warm cache (the article and listing query budgets count on that). Publishing,
unpublishing, moving or deleting any page, or changing a Site, drops the cached answer.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q, Subquery
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


def find_site_links(site):
    """The links of `site`, from the database: one query."""
    signup_model, topics_model = _membership_models()
    models = [StandardPage] + [m for m in (signup_model, topics_model) if m is not None]
    types = ContentType.objects.get_for_models(*models)  # cached by Django after the first use
    # Standard pages live only under a home page (parent_page_types): the site's root.
    wanted = Q(content_type=types[StandardPage], show_in_menus=True)
    for model in models[1:]:
        wanted |= Q(content_type=types[model])
    root_path = Subquery(Page.objects.filter(pk=site.root_page_id).values("path")[:1])
    pages = (
        Page.objects.live()
        .filter(path__startswith=root_path)
        .filter(wanted)
        .filter(~restriction_exists())
        .order_by("path")
        .only("pk", "title", "url_path", "path", "depth", "content_type")
    )
    standard, support, topics = [], None, None
    for page in pages:
        link = Link(title=page.title, url=page.relative_url(site) or "")
        if page.content_type_id == types[StandardPage].pk:
            standard.append(link)
        elif signup_model and page.content_type_id == types[signup_model].pk:
            support = support or link
        elif topics_model and page.content_type_id == types[topics_model].pk:
            topics = topics or link
    return SiteLinks(standard_pages=standard, support=support, topics=topics)


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
