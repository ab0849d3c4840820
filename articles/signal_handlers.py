"""Receivers that keep caches in step with publishing, and tags linkable.

Wagtail's frontend cache app purges a page's own URL when it is published or unpublished.
An article also appears on the front page, its News index, its tag pages, the feeds, the
sitemap and every page that links it (a curated Read also link, an inline Read also block, a
rich-text link, a top story): purge those too. Wagtail's reference index knows the pages that
link it. The same purge list reaches the app's own page cache (articles.page_cache, a
frontend-cache backend); changes that touch every page (a setting, a site, a moved or renamed
page) start a new page-cache generation instead.

Taggit slugifies a tag's name, so a name with no letters or digits ("!!!", "🙂") would get
an empty slug, and no URL: such a tag gets a fallback slug instead.
"""

import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from taggit.models import Tag
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import page_cache, read_also
from .models import ArticlePage, ArticleSettings

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


@receiver(pre_save, sender=Tag, dispatch_uid="articles_tag_fallback_slug")
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


def linking_pages(article):
    """Live pages that link `article` anywhere in their content, per the reference index."""
    ids = (
        ReferenceIndex.get_references_to(article)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    return Page.objects.live().filter(pk__in={int(pk) for pk in ids}).exclude(pk=article.pk)


def article_listing_urls(article):
    """Absolute URLs of the pages and feeds that show `article`, other than its own."""
    site = article.get_site()
    if site is None:
        return set()
    paths = {reverse("articles:feed"), "/sitemap.xml"}
    for tag in article.tags.all():
        try:
            paths.add(reverse("articles:tag", args=[tag.slug]))
            paths.add(reverse("articles:tag_feed", args=[tag.slug]))
        except NoReverseMatch:
            continue
    urls = {site.root_url + path for path in paths}
    for page in [*article.get_ancestors().live().exclude(depth=1), *linking_pages(article)]:
        url = page.get_full_url()
        if url:
            urls.add(url)
    return urls


@receiver(page_published, sender=ArticlePage, dispatch_uid="articles_purge_published")
@receiver(page_unpublished, sender=ArticlePage, dispatch_uid="articles_purge_unpublished")
def purge_article_listings(sender, instance, **kwargs):
    """Purge once the change is committed: a cache that refetched any earlier would store the
    old page again. The URLs are worked out now, from what the transaction sees."""
    if apps.is_installed("wagtail.contrib.frontend_cache"):
        batch = PurgeBatch(article_listing_urls(instance))
        transaction.on_commit(batch.purge)


# --- The page cache: changes that touch every page --------------------------------------------


def clear_page_cache(sender, **kwargs):
    """A setting, a site, a moved or renamed page: links to it, or the settings, show on every
    page, so every cached page goes (page_cache.clear starts a new generation)."""
    if kwargs.get("raw"):
        return
    if kwargs.get("created") and issubclass(sender, (BaseSiteSetting, BaseGenericSetting)):
        return  # for_site() makes a row of defaults on first use: nothing readers see changes
    page_cache.clear()


post_page_move.connect(clear_page_cache, dispatch_uid="articles_page_cache_page_moved")
page_slug_changed.connect(clear_page_cache, dispatch_uid="articles_page_cache_slug_changed")
# A view restriction added or removed: a page that stops being public must leave the cache.
for model in [Site, PageViewRestriction, *apps.get_models()]:
    if issubclass(model, (Site, PageViewRestriction, BaseSiteSetting, BaseGenericSetting)):
        for signal in (post_save, post_delete):
            signal.connect(
                clear_page_cache,
                sender=model,
                dispatch_uid=f"articles_page_cache_{signal is post_save}_{model._meta.label}",
            )


def invalidate_read_also(sender, created=False, **kwargs):
    """Readers' cached Read also lists are stale: now, and again once the change is committed
    (a list cached in between, by another request, saw the old rows)."""
    if sender is ArticleSettings and created:
        return  # made with the defaults by the first request that asked: nothing changed
    read_also.invalidate_plans()
    transaction.on_commit(read_also.invalidate_plans)


# Any page published, unpublished (a section's unpublishing hides its articles) or moved (under
# a view restriction, perhaps), any article saved (tags, links) or deleted, any view
# restriction, and the Read also limit.
for _signal, _sender, _uid in [
    (page_published, None, "published"),
    (page_unpublished, None, "unpublished"),
    (post_page_move, None, "moved"),
    (post_save, ArticlePage, "article_saved"),
    (post_delete, ArticlePage, "article_deleted"),
    (post_save, PageViewRestriction, "restriction_saved"),
    (post_delete, PageViewRestriction, "restriction_deleted"),
    (post_save, ArticleSettings, "settings_saved"),
]:
    _signal.connect(invalidate_read_also, sender=_sender, dispatch_uid=f"articles_read_also_{_uid}")
