"""Receivers that keep caches in step with publishing, and tags linkable.

Wagtail's frontend cache app purges a page's own URL when it is published or unpublished.
An article also appears on the front page, its News index, its tag pages, the feeds, the
sitemap and the pages that curate it as Read also: purge those too.

Taggit slugifies a tag's name, so a name with no letters or digits ("!!!", "🙂") would get
an empty slug, and no URL: such a tag gets a fallback slug instead.
"""

import re

from django.apps import apps
from django.db.models.signals import pre_save
from django.urls import NoReverseMatch, reverse
from wagtail.signals import page_published, page_unpublished

FALLBACK_TAG_SLUG = "tag"
# What taggit's TagBase.save() tries after a slug clash: the (empty) slug plus "_<n>".
_TAGGIT_RETRY_SLUG = re.compile(r"_\d+")


def unique_fallback_slug(tag_model, exclude_pk=None):
    """ "tag", or "tag_1", "tag_2"… (taggit's own suffix style): the first one not taken."""
    taken = set(
        tag_model._default_manager.filter(slug__startswith=FALLBACK_TAG_SLUG)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, i = FALLBACK_TAG_SLUG, 0
    while slug in taken:
        i += 1
        slug = f"{FALLBACK_TAG_SLUG}_{i}"
    return slug


def give_tag_a_slug(sender, instance, raw=False, **kwargs):
    """Before a tag is saved, replace an empty slug with a unique fallback."""
    if raw:
        return
    slug = instance.slug or ""
    if slug and not (
        _TAGGIT_RETRY_SLUG.fullmatch(slug) and not instance.slugify(instance.name or "")
    ):
        return
    instance.slug = unique_fallback_slug(sender, exclude_pk=instance.pk)


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
    from taggit.models import Tag

    from .models import ArticlePage

    pre_save.connect(give_tag_a_slug, sender=Tag, dispatch_uid="articles_tag_fallback_slug")

    page_published.connect(
        purge_article_listings, sender=ArticlePage, dispatch_uid="articles_purge_published"
    )
    page_unpublished.connect(
        purge_article_listings, sender=ArticlePage, dispatch_uid="articles_purge_unpublished"
    )
