"""Read also: the one place that decides what readers see of a link to another article.

A target article is hidden from readers while it is a draft (not live) or private (under a
view restriction). Readers never see a hidden target; a preview shows it, marked with
`ReadAlsoItem.hidden_label`. The same rule serves the list at the end of an article, the
inline Read also block, and the editor's status panel.

The list is built in two steps:

1. Curated links first, in the editor's order: articles of ours and stories from other outlets.
2. While fewer than the site's limit are shown, the list is topped up with other visible
   articles that share tags. Each shared tag weighs 1/n, where n is how many visible articles
   carry it, so a rare tag counts more than a common one. Ties go to the newer article. Only
   each tag's RECENT_PER_TAG most recently added articles are looked at, so that a tag on tens
   of thousands of articles costs little more than a rare one.

Relations are read through modelcluster, so a preview shows unsaved edits. This module imports
no model of this app (the models use it): callers pass the querysets it needs.

Readers' lists are cached (`cached_items`): what a list is made of (target ids in order, and
external stories) is kept in Django's cache per article, under a generation that
signal_handlers bumps whenever an article is saved, published, unpublished or deleted, a view
restriction changes, a page moves, or the Read also limit changes. A cached list costs one
query (its targets, loaded by id, each checked again for being live) instead of five (the limit,
curated links, the tags' windows, tag frequencies, the top-up), and skips building the top-up
query, which costs more in the ORM than in the database (bench/README.md).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .queries import restriction_exists

DRAFT = "draft"
PRIVATE = "private"
HIDDEN_LABELS = {
    DRAFT: _("draft: hidden from readers"),
    PRIVATE: _("private: hidden from readers"),
}


def load_targets(model, ids):
    """Articles by id, in one query, without their bodies, each knowing whether it is private.

    The one bulk loader behind every Read also target: curated links held in memory, and the
    inline block's chooser.
    """
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return (
        model.objects.defer_streamfields()
        .annotate(is_view_restricted=restriction_exists())
        .order_by()  # by id: the Meta ordering (path) costs more to compile than the rest
        .in_bulk(ids)
    )


def hidden_reason(page):
    """Why readers can't see `page`: DRAFT, PRIVATE, or "" when they can.

    Pages from load_targets() know whether they are private; any other page costs one query.
    """
    if page is None or not page.live:
        return DRAFT
    restricted = getattr(page, "is_view_restricted", None)
    if restricted is None:
        restricted = Page.objects.filter(pk=page.pk).filter(restriction_exists()).exists()
        page.is_view_restricted = restricted
    return PRIVATE if restricted else ""


@dataclass(frozen=True)
class ReadAlsoItem:
    """One entry as a reader (or, in preview, an editor) sees it."""

    title: str
    url: str
    source_label: str = ""
    page: Page | None = None  # None for a story from another outlet
    hidden_reason: str = ""  # DRAFT or PRIVATE: only in preview

    @property
    def is_external(self):
        """A story from another outlet: its link leaves the site."""
        return self.page is None

    @property
    def hidden_label(self):
        return HIDDEN_LABELS.get(self.hidden_reason, "")


def article_item(page, *, request=None, preview=False):
    """The item for one of our articles, or None when readers can't see it (outside preview)."""
    reason = hidden_reason(page)
    if page is None or (reason and not preview):
        return None
    return ReadAlsoItem(
        title=page.title,
        url=page.get_url(request) or "",
        source_label=page.source_label,
        page=page,
        hidden_reason=reason,
    )


def _links_with_targets(page):
    """The page's curated links, each target loaded and knowing whether it is private."""
    links = page.read_also_links.all()
    if isinstance(links, QuerySet):
        # Saved links: the links, their targets and the targets' privacy in one query.
        links = list(
            links.select_related("target")
            .defer("target__body")
            .annotate(target_is_view_restricted=restriction_exists("target__path"))
        )
        for link in links:
            if link.target is not None:
                link.target.is_view_restricted = link.target_is_view_restricted
        return links
    # Links held in memory (a preview, a revision): their targets in one query.
    links = list(links)
    target_model = page.read_also_links.model._meta.get_field("target").related_model
    targets = load_targets(target_model, [link.target_id for link in links])
    for link in links:
        if link.target_id:
            link.target = targets.get(link.target_id)
    return links


def curated_items(page, *, request=None, preview=False):
    """The editor's links as ReadAlsoItems; hidden targets only in preview."""
    items = []
    for link in _links_with_targets(page):
        if link.target_id is None:
            if link.external_url:
                items.append(
                    ReadAlsoItem(
                        title=link.external_title or link.external_url,
                        url=link.external_url,
                        source_label=link.external_source,
                    )
                )
            continue
        item = article_item(link.target, request=request, preview=preview)
        if item is not None:
            items.append(item)
    return items


# Per tag, only its RECENT_PER_TAG most recently added articles (the highest ids) are looked at:
# as candidates, and in its frequency. A tag on fewer articles is looked at whole; one on tens of
# thousands then costs about as little as a rare one (bench/README.md, "The archive").
RECENT_PER_TAG = 100


def recent_per_tag(candidates, tag_ids):
    """A filter of `candidates` through their tag links: links to `tag_ids`, each within its
    tag's RECENT_PER_TAG newest links (by article id).

    One query finds, for each tag with more links than that, its oldest link in the window
    (from the (tag, article) index); the bounds go into the filter as numbers, so that the
    database plans for the few rows the window holds."""
    through = candidates.model._meta.get_field("tagged_items").related_model
    tag_model = through._meta.get_field("tag").related_model
    oldest = (
        through.objects.filter(tag_id=OuterRef("pk"))
        .order_by("-content_object_id")
        .values("content_object_id")[RECENT_PER_TAG - 1 : RECENT_PER_TAG]
    )
    bounds = dict(
        tag_model.objects.filter(pk__in=tag_ids)
        .annotate(oldest=Subquery(oldest))
        .filter(oldest__isnull=False)
        .values_list("pk", "oldest")
    )
    window = Q(tagged_items__tag_id__in=[tag_id for tag_id in tag_ids if tag_id not in bounds])
    for tag_id, bound in bounds.items():
        window |= Q(tagged_items__tag_id=tag_id, tagged_items__content_object_id__gte=bound)
    return window


def tag_related(*, candidates, tags, exclude_ids, limit):
    """Up to `limit` of `candidates` (visible articles) sharing `tags`, best match first.

    A tag weighs 1/n, n its visible articles among its RECENT_PER_TAG newest (recent_per_tag)."""
    tag_ids = sorted({tag.pk for tag in tags if tag.pk})
    if limit <= 0 or not tag_ids:
        return []
    window = recent_per_tag(candidates, tag_ids)
    frequencies = (
        candidates.filter(window)
        .order_by()
        .values("tagged_items__tag_id")
        .annotate(n=Count("pk"))
        .values_list("tagged_items__tag_id", "n")
    )
    weights = {tag_id: 1.0 / n for tag_id, n in frequencies if n}
    if not weights:
        return []
    score = Sum(
        Case(
            *(When(tagged_items__tag_id=tag_id, then=Value(w)) for tag_id, w in weights.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
    return list(
        candidates.exclude(pk__in=exclude_ids)
        .filter(window, tagged_items__tag_id__in=list(weights))
        .defer_streamfields()
        .annotate(read_also_score=score, is_view_restricted=restriction_exists())
        .order_by("-read_also_score", "-first_published_at", "-pk")[:limit]
    )


def resolve_read_also(page, *, candidates, tags, limit, request=None, preview=False):
    """The Read also list of `page`: curated items, topped up from `candidates` to `limit`."""
    items = curated_items(page, request=request, preview=preview)
    shown = sum(1 for item in items if not item.hidden_reason)
    exclude_ids = {page.pk} | {item.page.pk for item in items if item.page is not None}
    exclude_ids.discard(None)
    related = tag_related(
        candidates=candidates, tags=tags, exclude_ids=exclude_ids, limit=limit - shown
    )
    return items + [article_item(article, request=request) for article in related]


# The cached lists. With a cache per process (locmem, the default), a change made in another
# process reaches this one's lists after at most PLAN_TIMEOUT; with Redis, at once.
PLAN_TIMEOUT = 300
GENERATION_KEY = "articles:read-also:generation"


def plan_generation():
    return cache.get_or_set(GENERATION_KEY, 1, None)


def invalidate_plans():
    """Every cached list is stale: an article, a view restriction or the limit changed."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def plan_key(page):
    return f"articles:read-also:{page.pk}:{page.live_revision_id}:{plan_generation()}"


def plan_of(items):
    """What to cache of a reader's list: target ids, and external stories as they are."""
    return tuple(
        item.page.pk if item.page is not None else (item.title, item.url, item.source_label)
        for item in items
    )


def items_from_plan(plan, *, model, request=None):
    """The reader's list a plan stands for, its targets loaded in one query. A target that
    has since been hidden or deleted is left out."""
    ids = [entry for entry in plan if isinstance(entry, int)]
    # One query even for a list without articles, so every article costs the same. The plan
    # was made of public articles, and any view restriction saved or deleted, or page moved,
    # since then would have changed the generation: no need to ask again (the subquery costs
    # more to build than the rest of the query). Unpublished ones are left out by article_item.
    targets = model.objects.defer_streamfields().order_by().in_bulk(ids or [0])
    for target in targets.values():
        target.is_view_restricted = False
    items = []
    for entry in plan:
        if isinstance(entry, int):
            item = article_item(targets.get(entry), request=request)
            if item is not None:
                items.append(item)
        else:
            title, url, source_label = entry
            items.append(ReadAlsoItem(title=title, url=url, source_label=source_label))
    return items


def cached_items(page, *, resolve, request=None):
    """A reader's list of the saved, live `page`: from the cache, else `resolve()`d and kept."""
    key = plan_key(page)
    plan = cache.get(key)
    if plan is not None:
        return items_from_plan(plan, model=type(page), request=request)
    items = resolve()
    cache.set(key, plan_of(items), PLAN_TIMEOUT)
    return items
