"""Stories to write: draft articles that live articles already link to.

A live article may point at an article that was never published, through a curated Read also
link or an inline Read also block (the seed importer makes such drafts, "stubs", from the
Read also headlines it can't match). Readers never see a link to a draft, so until the draft
is written and published the live article shows less than its editor meant.

Curated links are read from their own table. Inline blocks live inside the body's JSON, so
they are found through Wagtail's reference index, which records every page a body's blocks
point at. (The index is not asked for curated links too: with tasks run at once, as in
development, it still holds a link removed on publish, because Wagtail indexes the page
before modelcluster deletes the removed rows.)

Each draft is counted by how many live articles link it, each article once however many
times it links the draft. Three queries whatever the number of articles and drafts.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.models import Page, ReferenceIndex

from .models import ArticlePage, ReadAlsoLink

LIMIT = 10
# Where the reference index records the article an inline Read also block points at.
INLINE_READ_ALSO_PATH = "body.read_also.article"


@dataclass(frozen=True)
class StoryToWrite:
    page: ArticlePage
    linked_by: int  # how many live articles link it


@dataclass(frozen=True)
class StoriesToWrite:
    stories: list[StoryToWrite]
    total: int

    @property
    def more(self):
        """How many more there are than the list shows."""
        return self.total - len(self.stories)


def drafts():
    """Articles never published: not live, and no first publication date."""
    return ArticlePage.objects.filter(live=False, first_published_at__isnull=True)


def _as_text(queryset):
    """The ids of `queryset` as text, for comparing with the reference index's ids."""
    return queryset.order_by().annotate(id_text=Cast("pk", CharField())).values("id_text")


def links_to_drafts(candidates):
    """{draft id: ids of the live articles that link it}, for the drafts among `candidates`."""
    live_articles = ArticlePage.objects.live()
    linkers = defaultdict(set)
    curated = ReadAlsoLink.objects.filter(
        page__in=live_articles.values("pk"), target__in=candidates.values("pk")
    ).values_list("target_id", "page_id")
    for target_id, page_id in curated:
        linkers[target_id].add(page_id)
    page_type = ContentType.objects.get_for_model(Page)
    inline = ReferenceIndex.objects.filter(
        base_content_type=page_type,
        to_content_type=page_type,
        model_path=INLINE_READ_ALSO_PATH,
        object_id__in=_as_text(live_articles),
        to_object_id__in=_as_text(candidates),
    ).values_list("to_object_id", "object_id")
    for target_id, page_id in inline:
        linkers[int(target_id)].add(int(page_id))
    return linkers


def stories_to_write(*, among=None, limit=LIMIT):
    """The drafts live articles link to, most linked first, then by headline.

    `among`: a queryset of pages to keep to (those the editor may edit). `limit`: how many
    to list; the total counts them all.
    """
    candidates = drafts()
    if among is not None:
        candidates = candidates.filter(pk__in=among.values("pk"))
    linkers = links_to_drafts(candidates)
    if not linkers:
        return StoriesToWrite([], 0)
    pages = ArticlePage.objects.only("title", "draft_title", "live").in_bulk(linkers)
    stories = sorted(
        (StoryToWrite(page, len(linkers[pk])) for pk, page in pages.items()),
        key=lambda story: (-story.linked_by, story.page.draft_title.casefold(), story.page.pk),
    )
    return StoriesToWrite(stories[:limit], len(stories))
