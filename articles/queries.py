"""Query helpers: what readers may see, and what listings and articles prefetch.

A leaf module: it imports no model of this app, so models, blocks and panels can all use it.
"""

from django.db.models import Exists, F, OuterRef, Prefetch
from django.db.models.lookups import StartsWith
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction
from wagtail.query import PageQuerySet

# Rendition specs, each prefetched with the images that use it.
CARD_IMAGE_SPECS = ("fill-480x270", "fill-960x540")
LEAD_IMAGE_SPECS = ("width-800", "width-1200", "fill-1200x630")
AUTHOR_PHOTO_SPECS = ("fill-96x96",)
BODY_IMAGE_SPECS = ("width-800", "width-1200", "width-400")


def renditions_prefetch(lookup, specs):
    """Prefetch the renditions of images reached through `lookup`, as Wagtail expects them."""
    return Prefetch(
        lookup,
        queryset=get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs),
        to_attr="prefetched_renditions",
    )


def restriction_exists(path_ref="path"):
    """An expression: True where the page at `path_ref` sits under a view restriction
    (login, password, groups), on the page itself or an ancestor.

    An Exists() subquery, so it filters or annotates at no extra query, unlike
    PageQuerySet.public(), which runs one of its own.
    """
    return Exists(
        PageViewRestriction.objects.filter(StartsWith(OuterRef(path_ref), F("page__path")))
    )


class ArticlePageQuerySet(PageQuerySet):
    def visible(self):
        """Live and public: what an anonymous reader may see."""
        return self.live().filter(~restriction_exists())

    def newest_first(self):
        return self.order_by("-first_published_at", "-pk")

    def for_listing(self):
        """Everything a listing card shows, in a fixed number of queries."""
        return (
            self.visible()
            .defer_streamfields()
            .select_related("lead_image")
            .prefetch_related(renditions_prefetch("lead_image__renditions", CARD_IMAGE_SPECS))
            .newest_first()
        )

    def for_feed(self):
        """What a feed item shows: title, standfirst, URL and dates; no images."""
        return self.visible().defer_streamfields().newest_first()
