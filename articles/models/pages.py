from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch
from django.db.models.lookups import StartsWith
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from ..blocks import ArticleBodyBlock
from ..conf import page_cache_seconds
from ..pagination import paginate
from ..panels import ReadAlsoStatusPanel

# Rendition specs that listings and the article header use; prefetched together.
CARD_IMAGE_SPECS = ("fill-480x270", "fill-960x540")
LEAD_IMAGE_SPECS = ("width-800", "width-1200", "fill-1200x630")
AUTHOR_PHOTO_SPECS = ("fill-96x96",)


def renditions_prefetch(lookup, specs):
    """Prefetch the renditions of images reached through `lookup`, as Wagtail expects them."""
    return Prefetch(
        lookup,
        queryset=get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs),
        to_attr="prefetched_renditions",
    )


def restricted(path_ref="path"):
    """True where the page at `path_ref` sits under a view restriction (login, password…).

    An Exists() subquery, so filtering private pages out costs no extra query, unlike
    PageQuerySet.public(), which runs its own.
    """
    return Exists(
        PageViewRestriction.objects.filter(StartsWith(OuterRef(path_ref), F("page__path")))
    )


class CacheablePageMixin:
    """Public pages are identical for every anonymous reader, so shared caches may hold them.

    A page behind a view restriction (login, password, group) is never marked public.
    """

    def get_view_restrictions(self):
        # Wagtail's before-serve hook asks for the restrictions, then serve() asks again:
        # keep the evaluated queryset, so both cost one query.
        cached = self.__dict__.get("_view_restrictions")
        if cached is None:
            cached = super().get_view_restrictions()
            list(cached)  # fill its result cache
            self.__dict__["_view_restrictions"] = cached
        return cached

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(response, "status_code", 200) != 200:
            return response
        if self.get_view_restrictions():
            patch_cache_control(response, private=True, no_store=True)
        else:
            patch_cache_control(response, public=True, max_age=page_cache_seconds())
        return response


class ArticlePageQuerySet(PageQuerySet):
    def visible(self):
        """Live and public: what an anonymous reader may see."""
        return self.live().filter(~restricted())

    def for_listing(self):
        """Everything a listing card shows, in a fixed number of queries."""
        return (
            self.visible()
            .defer_streamfields()
            .select_related("lead_image")
            .prefetch_related(renditions_prefetch("lead_image__renditions", CARD_IMAGE_SPECS))
            .order_by("-first_published_at", "-pk")
        )


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class TaggedArticle(TaggedItemBase):
    content_object = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticleIndexPage(CacheablePageMixin, Page):
    """ "News": every live article, newest first, paginated and filterable by tag."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["articles.ArticlePage"]
    page_description = _("A listing of articles, such as News.")

    class Meta:
        verbose_name = _("article index")

    def get_context(self, request, *args, **kwargs):
        from ..tags import visible_tag
        from .settings import ArticleSettings

        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.child_of(self).for_listing()
        tag = None
        tag_slug = request.GET.get("tag")
        if tag_slug:
            # A tag that only drafts or private articles carry is "no such tag" here too.
            tag = visible_tag(tag_slug)
            articles = articles.filter(tags=tag) if tag else articles.none()
        per_page = ArticleSettings.for_request(request).articles_per_page or 20
        context["articles"] = paginate(request, articles, per_page)
        context["tag"] = tag
        context["tag_slug"] = tag_slug
        return context


class ArticlePage(CacheablePageMixin, Page):
    standfirst = models.TextField(
        _("standfirst"),
        max_length=600,
        help_text=_("One or two sentences under the headline that sum up the story."),
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_alt = models.CharField(
        _("lead image alternative text"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the image's title."),
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=255, blank=True)
    lead_image_credit = models.CharField(_("lead image credit"), max_length=255, blank=True)
    source_label = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("The outlet this story credits, for example: Bloomberg."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))
    no_promotions = models.BooleanField(
        _("no promotions"),
        default=False,
        help_text=_(
            "For sensitive stories: no appeals or other promotions are placed in this article."
        ),
    )

    objects = ArticlePageManager()

    content_panels = [
        TitleFieldPanel("title", heading=_("Headline")),
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading=_("Lead image"),
        ),
        MultipleChooserPanel(
            "article_authors", chooser_field_name="author", heading=_("Authors"), label=_("Author")
        ),
        FieldPanel("source_label"),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [
                ReadAlsoStatusPanel(),
                # An InlinePanel, not a MultipleChooserPanel: a row holds either one of our
                # articles or an external story (URL, headline, source), so the add button
                # must give an empty row, not only the page chooser.
                InlinePanel(
                    "read_also_links",
                    heading=_("Curated links"),
                    label=_("Link"),
                    help_text=_(
                        "Each link is one of our articles, or a story from another outlet "
                        "(its URL, headline and source). Drag to reorder."
                    ),
                ),
            ],
            heading=_("Read also"),
        ),
    ]

    promote_panels = Page.promote_panels + [FieldPanel("no_promotions")]

    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("source_label"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("first_published_at"),
    ]

    parent_page_types = ["articles.ArticleIndexPage"]
    subpage_types = []
    page_description = _("A news story.")

    class Meta:
        verbose_name = _("article")

    @cached_property
    def has_been_updated(self):
        """True when the article was republished a while after it first went out."""
        first, last = self.first_published_at, self.last_published_at
        return bool(first and last and (last - first).total_seconds() > 60)

    def get_context(self, request, *args, **kwargs):
        from .. import insertions
        from ..read_also import resolve_read_also

        context = super().get_context(request, *args, **kwargs)
        is_preview = getattr(request, "is_preview", False)
        context["is_preview"] = is_preview
        tags = list(self.tags.all())
        context["article_tags"] = tags
        context["read_also"] = resolve_read_also(
            self, request=request, preview=is_preview, tags=tags
        )
        extras = insertions.collect(self, request=request, tags=tags, preview=is_preview)
        context["head_extras"] = extras.head
        context["body_items"], context["body_end"] = insertions.body_items(self.body, extras.body)
        context["authors"] = [
            link.author
            for link in self.article_authors.select_related("author__photo").prefetch_related(
                renditions_prefetch("author__photo__renditions", AUTHOR_PHOTO_SPECS)
            )
        ]
        if self.lead_image_id:
            # The image and every rendition the header and share tags use, in two queries.
            self.lead_image = (
                get_image_model()
                .objects.prefetch_renditions(*LEAD_IMAGE_SPECS)
                .filter(pk=self.lead_image_id)
                .first()
            )
        return context
