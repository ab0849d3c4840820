from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
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
from wagtail.search import index

from .. import insertions, meta, read_also
from ..blocks import ArticleBodyBlock, shown_to_readers
from ..caching import mark_private, mark_public
from ..forms import ArticlePageForm
from ..panels import ReadAlsoStatusPanel
from ..queries import (
    AUTHOR_PHOTO_SPECS,
    LEAD_IMAGE_SPECS,
    ArticlePageQuerySet,
    renditions_prefetch,
)
from .settings import ArticleSettings


class PublicPageMixin(meta.PageMetaMixin):
    """A public page: the same HTML for every anonymous reader, so shared caches may hold it.

    Its context names the site and holds the page's <title> and canonical URL (PageMetaMixin).
    A page behind a view restriction (login, password, group) is never marked public.
    """

    def get_view_restrictions(self):
        # Wagtail's before-serve hook asks for the restrictions, then serve() asks again:
        # keep the evaluated queryset, so both cost one query.
        # One query, not Wagtail's two (the ancestors, then their restrictions): the
        # restrictions of the page and its ancestors by path, an alias among them standing
        # for its source page, as in Wagtail.
        cached = self.__dict__.get("_view_restrictions")
        if cached is None:
            if self.path:
                paths = [
                    self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)
                ]
                aliases = Page.objects.filter(path__in=paths, alias_of__isnull=False)
                cached = PageViewRestriction.objects.filter(
                    Q(page__path__in=paths, page__alias_of__isnull=True)
                    | Q(page__in=aliases.values("alias_of_id"))
                )
            else:
                cached = super().get_view_restrictions()
            list(cached)  # fill its result cache
            self.__dict__["_view_restrictions"] = cached
        return cached

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(response, "status_code", 200) != 200:
            return response
        if self.get_view_restrictions():
            return mark_private(response)
        return mark_public(response)


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class TaggedArticle(TaggedItemBase):
    content_object = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        indexes = [
            # A tag's articles, newest added first, read from the index alone: the Read also
            # top-up's window of recent articles per tag, tag pages (bench/README.md).
            models.Index(fields=["tag", "content_object"], name="articles_tagged_tag_article"),
        ]


class ArticleIndexPage(PublicPageMixin, Page):
    """ "News": every live article, newest first, paginated."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["articles.ArticlePage"]
    page_description = _("A listing of articles, such as News.")

    class Meta:
        verbose_name = _("article index")

    def serve(self, request, *args, **kwargs):
        # One URL per listing: a tag's articles are listed on its tag page.
        tag_slug = request.GET.get("tag")
        if tag_slug:
            try:
                url = reverse("articles:tag", args=[tag_slug])
            except NoReverseMatch:
                url = None
            if url is not None:
                page_number = request.GET.get("page")
                if page_number:
                    url += "?" + urlencode({"page": page_number})
                return HttpResponsePermanentRedirect(url)
        return super().serve(request, *args, **kwargs)

    def route(self, request, path_components):
        """Wagtail's routing, but a child is read as an article at once: one query, not two
        (the page, then its specific row). Its children are articles (subpage_types); any
        other child, or none, goes through Wagtail's own routing."""
        if path_components:
            child = ArticlePage.objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self  # as Wagtail does: get_parent() is free
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        per_page = ArticleSettings.for_request(request).articles_per_page or 20
        articles = Paginator(ArticlePage.objects.child_of(self).for_listing(), per_page).get_page(
            request.GET.get("page")
        )
        context["articles"] = articles
        context["document_title"] = meta.document_title(
            self.seo_title or self.title,
            site_name=context["site_name"],
            page_number=articles.number,
        )
        if articles.number > 1:
            context["canonical_url"] += "?" + urlencode({"page": articles.number})
        return context


class ArticlePage(PublicPageMixin, Page):
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
    source_url = models.URLField(
        _("source URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Optional: the web address of the source's own report. The source line links to it."
        ),
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

    base_form_class = ArticlePageForm

    content_panels = [
        TitleFieldPanel(
            "title",
            heading=_("Headline"),
            help_text=_(
                "Aim for 70 characters or fewer: search results and shared links cut "
                "longer headlines short."
            ),
        ),
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading=_("Lead image"),
            classname="collapsed",
        ),
        MultipleChooserPanel(
            "article_authors", chooser_field_name="author", heading=_("Authors"), label=_("Author")
        ),
        FieldPanel("source_label"),
        FieldPanel("source_url"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("no_promotions")], heading=_("Promotions")),
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

    def read_also_items(self, request=None, *, preview=False, tags=None):
        """The Read also list as readers (or, in preview, editors) see it.

        A reader's list of a live article, in a request, comes from the cache when it can
        (read_also.cached_items)."""

        def resolve():
            if request is not None:
                limit = ArticleSettings.for_request(request).read_also_limit
            else:
                limit = ArticleSettings.for_site(self.get_site()).read_also_limit
            return read_also.resolve_read_also(
                self,
                candidates=ArticlePage.objects.visible(),
                tags=list(self.tags.all()) if tags is None else tags,
                limit=limit,
                request=request,
                preview=preview,
            )

        if request is None or preview or not self.live or self.pk is None:
            return resolve()
        return read_also.cached_items(self, resolve=resolve, request=request)

    def get_context(self, request, *args, extras=None, **kwargs):
        """The article's context. `extras`: other apps' insertions, collected through the
        insert_into_article hook unless given (an appeal's preview brings its own)."""
        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False)
        tags = list(self.tags.all())
        if extras is None:
            extras = insertions.collect(self, request=request, tags=tags, preview=preview)
        body = list(self.body)
        body_items, body_end = insertions.body_items(
            body, extras.body, shown=[shown_to_readers(block) for block in body]
        )
        authors = [
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
        context.update(
            is_preview=preview,
            article_tags=tags,
            read_also=self.read_also_items(request, preview=preview, tags=tags),
            head_extras=extras.head,
            body_items=body_items,
            body_end=body_end,
            authors=authors,
            byline=meta.byline(authors),
        )
        return context
