"""What the front page shows: a top story, the latest list beside it, then a section for each
of the most used tags. Never a section without articles.

Queries, whatever the number of articles: the latest listing, the top story when an editor
picked one older than that listing, one aggregate for the top tags, and one listing for all the
tag sections together (each listing plus its renditions prefetch, when cards have images).
"""

from dataclasses import dataclass

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from articles.models import ArticlePage, TaggedArticle
from articles.queries import restriction_exists

LATEST_COUNT = 6  # beside the top story
TAG_SECTION_COUNT = 3  # sections below, one per tag
TAG_SECTION_MIN_ARTICLES = 2  # a tag needs this many live articles for a section
TAG_SECTION_SIZE = 4  # articles per section


@dataclass(frozen=True)
class TagCount:
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class TagSection:
    tag: TagCount
    articles: list


@dataclass(frozen=True)
class FrontPage:
    top_story: ArticlePage | None
    latest: list
    sections: list


def most_used_tags(limit, *, minimum=1):
    """The tags that most visible articles carry, most first, with their counts: one query."""
    rows = (
        TaggedArticle.objects.filter(content_object__live=True)
        .filter(~restriction_exists("content_object__path"))
        .values("tag_id", "tag__name", "tag__slug")
        .annotate(count=Count("content_object_id", distinct=True))
        .filter(count__gte=minimum)
        .order_by("-count", "tag__name")[:limit]
    )
    return [TagCount(row["tag__name"], row["tag__slug"], row["count"]) for row in rows]


def tag_sections(articles, tags, *, exclude_ids, size=TAG_SECTION_SIZE):
    """A section per tag in `tags` (in that order), each with up to `size` of its newest
    `articles` not in `exclude_ids` nor in an earlier section; a tag left with none gets no
    section. One query (plus renditions) for all the sections."""
    if not tags:
        return []
    slugs = [tag.slug for tag in tags]
    # Enough candidates per tag that each section fills even when the sections share articles.
    per_tag = size * len(tags)
    candidates = (
        articles.filter(tagged_items__tag__slug__in=slugs)
        .exclude(pk__in=exclude_ids)
        .annotate(
            section_slug=F("tagged_items__tag__slug"),
            rank=Window(
                RowNumber(),
                partition_by=F("tagged_items__tag_id"),
                order_by=[F("first_published_at").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per_tag)
    )
    by_slug = {slug: [] for slug in slugs}
    for article in candidates:
        by_slug[article.section_slug].append(article)
    shown = set(exclude_ids)
    sections = []
    for tag in tags:
        picked = []
        for article in sorted(by_slug[tag.slug], key=lambda a: a.rank):
            if article.pk not in shown and len(picked) < size:
                picked.append(article)
                shown.add(article.pk)
        if picked:
            sections.append(TagSection(tag, picked))
    return sections


def front_page(home, *, top_story_id=None):
    """The front page under `home`: see the module's docstring."""
    articles = ArticlePage.objects.descendant_of(home).for_listing()
    latest = list(articles[: LATEST_COUNT + 1])
    # Fewer than asked for: every article is already on the page, so no section could add one.
    more_to_show = len(latest) > LATEST_COUNT
    top = None
    if top_story_id:
        top = next((a for a in latest if a.pk == top_story_id), None)
        if top is None:
            top = articles.filter(pk=top_story_id).first()
    if top is None and latest:
        top = latest[0]
    latest = [a for a in latest if a.pk != top.pk][:LATEST_COUNT] if top else []
    sections = []
    if latest and more_to_show:
        shown = [top.pk] + [a.pk for a in latest]
        tags = most_used_tags(TAG_SECTION_COUNT, minimum=TAG_SECTION_MIN_ARTICLES)
        sections = tag_sections(articles, tags, exclude_ids=shown)
    return FrontPage(top_story=top, latest=latest, sections=sections)
