"""Receivers that keep caches in step with publishing.

Wagtail's frontend cache app purges a page's own URL when it is published or unpublished.
An article also appears on the front page, its News index, its tag pages, the feeds, the
sitemap and the pages that curate it as Read also: purge those too.
"""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from wagtail.signals import page_published, page_unpublished


def article_listing_urls(article):
    """Absolute URLs of the pages and feeds that list `article`."""
    site = article.get_site()
    if site is None:
        return set()
    root = site.root_url
    paths = {reverse("articles:feed"), "/sitemap.xml"}
    for tag in article.tags.all():
        try:
            paths.add(reverse("articles:tag", args=[tag.slug]))
            paths.add(reverse("articles:tag_feed", args=[tag.slug]))
        except NoReverseMatch:
            continue
    urls = {root + path for path in paths}
    for page in article.get_ancestors().live().exclude(depth=1):
        url = page.get_full_url()
        if url:
            urls.add(url)
    curating = type(article).objects.live().filter(read_also_links__target=article).distinct()
    for page in curating:
        url = page.get_full_url()
        if url:
            urls.add(url)
    return urls


def purge_article_listings(sender, instance, **kwargs):
    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    PurgeBatch(article_listing_urls(instance)).purge()


def connect():
    from .models import ArticlePage

    page_published.connect(
        purge_article_listings, sender=ArticlePage, dispatch_uid="articles_purge_published"
    )
    page_unpublished.connect(
        purge_article_listings, sender=ArticlePage, dispatch_uid="articles_purge_unpublished"
    )
