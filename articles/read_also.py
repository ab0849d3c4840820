"""Resolving an article's "Read also" list: the one place that decides what readers see.

1. Curated links come first, in the editor's order. Links to articles that are not live
   (or sit behind a view restriction) are left out for readers; in preview they stay in,
   marked as hidden from readers.
2. While fewer than the site's limit are shown, the list is topped up with other visible
   articles that share tags. Each shared tag weighs 1/n, where n is how many live articles
   carry it, so a rare tag counts more than a common one. Ties go to the newer article.

It reads the page's relations through modelcluster, so preview shows unsaved edits.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, FloatField, Sum, Value, When

from .models import ArticlePage, ArticleSettings, TaggedArticle
from .models.pages import restricted


@dataclass(frozen=True)
class ReadAlsoItem:
    title: str
    url: str
    source_label: str = ""
    page: ArticlePage | None = None
    hidden_from_readers: bool = False
    curated: bool = True
    # Why a hidden item is hidden: "draft" (not live) or "private" (a view restriction).
    hidden_reason: str = ""

    @property
    def is_external(self):
        return self.page is None


def read_also_limit(request=None, site=None):
    if request is not None:
        return ArticleSettings.for_request(request).read_also_limit
    return ArticleSettings.for_site(site).read_also_limit


def curated_links(page, *, request=None, preview=False):
    """The editor's links as ReadAlsoItems; hidden targets only appear in preview."""
    if page.pk and not preview:
        # One query: the links, their targets and whether each target is private.
        links = list(
            page.read_also_links.select_related("target").annotate(
                target_restricted=restricted("target__path")
            )
        )
    else:
        links = list(page.read_also_links.all())
        load_link_targets(links)

    items = []
    for link in links:
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
        target = link.target
        if target is None:
            continue
        reason = hidden_reason(link)
        if reason and not preview:
            continue
        items.append(
            ReadAlsoItem(
                title=target.title,
                url=target.get_url(request) or "",
                source_label=target.source_label,
                page=target,
                hidden_from_readers=bool(reason),
                hidden_reason=reason,
            )
        )
    return items


def hidden_reason(link):
    """Why readers can't see `link`'s target: "draft", "private", or "" when they can.

    Expects `link.target_restricted`, set by the annotated query or load_link_targets().
    """
    if link.target is None or not link.target.live:
        return "draft"
    if getattr(link, "target_restricted", False):
        return "private"
    return ""


def load_link_targets(links):
    """Links held in memory (preview, a revision): load all their targets in one query,
    each with `target_restricted` set, and without the targets' bodies."""
    ids = {link.target_id for link in links if link.target_id}
    if not ids:
        return
    targets = (
        ArticlePage.objects.defer_streamfields()
        .annotate(is_view_restricted=restricted())
        .in_bulk(ids)
    )
    for link in links:
        if link.target_id:
            link.target = targets.get(link.target_id)
            link.target_restricted = bool(
                link.target is not None and link.target.is_view_restricted
            )


def tag_related(page, *, exclude_ids, limit, tags=None):
    """Up to `limit` visible articles sharing tags with `page`, best match first.

    Pass `tags` when the caller already holds the page's tags, to save a query.
    """
    if limit <= 0:
        return []
    tags = page.tags.all() if tags is None else tags
    tag_ids = [tag.pk for tag in tags if tag.pk]
    if not tag_ids:
        return []
    frequencies = (
        TaggedArticle.objects.filter(tag_id__in=tag_ids, content_object__live=True)
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values_list("tag_id", "n")
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
        ArticlePage.objects.visible()
        .exclude(pk__in=exclude_ids)
        .filter(tagged_items__tag_id__in=list(weights))
        .defer_streamfields()
        .annotate(read_also_score=score)
        .order_by("-read_also_score", "-first_published_at", "-pk")[:limit]
    )


def resolve_read_also(page, *, request=None, preview=False, limit=None, tags=None):
    """The Read also list for `page`, as readers (or, in preview, editors) should see it."""
    if limit is None:
        limit = read_also_limit(request=request, site=page.get_site() if request is None else None)
    items = curated_links(page, request=request, preview=preview)
    shown = sum(1 for item in items if not item.hidden_from_readers)
    exclude_ids = {page.pk} | {item.page.pk for item in items if item.page is not None}
    exclude_ids.discard(None)
    for article in tag_related(page, exclude_ids=exclude_ids, limit=limit - shown, tags=tags):
        items.append(
            ReadAlsoItem(
                title=article.title,
                url=article.get_url(request) or "",
                source_label=article.source_label,
                page=article,
                curated=False,
            )
        )
    return items


__all__ = [
    "ReadAlsoItem",
    "curated_links",
    "hidden_reason",
    "load_link_targets",
    "read_also_limit",
    "resolve_read_also",
    "tag_related",
]
