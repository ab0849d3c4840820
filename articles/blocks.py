"""StreamField blocks of an article body.

The chooser blocks load their values in bulk, so a body with many images, embeds or
inline Read also blocks still costs a fixed number of queries.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock, EmbedValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

# Rendition specs used by the body image block; prefetched with the images.
BODY_IMAGE_SPECS = ("width-800", "width-1200", "width-400")


class PrefetchingImageChooserBlock(ImageChooserBlock):
    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        images = get_image_model().objects.prefetch_renditions(*BODY_IMAGE_SPECS).in_bulk(ids)
        return [images.get(value) for value in values]


class ArticleChooserBlock(blocks.PageChooserBlock):
    """Chooses an article. Loaded in bulk, each target also says whether it is private."""

    def bulk_to_python(self, values):
        from .models.pages import restricted

        # Like PageChooserBlock, without loading the targets' own bodies, and with each
        # target's view restriction in the same query (an Exists() subquery).
        ids = [value for value in values if value is not None]
        pages = (
            self.model_class.objects.defer_streamfields()
            .annotate(is_view_restricted=restricted())
            .in_bulk(ids)
        )
        return [pages.get(value) for value in values]


def is_view_restricted(page):
    """True when `page` (or an ancestor) has a view restriction: login, password or groups.

    Free for targets that ArticleChooserBlock loaded in bulk; otherwise (a value that came
    from the editor's form, in preview) it costs one query.
    """
    restricted = getattr(page, "is_view_restricted", None)
    if restricted is None:
        from .models.pages import restricted as restricted_expression

        restricted = type(page).objects.filter(pk=page.pk).filter(restricted_expression()).exists()
        page.is_view_restricted = restricted
    return restricted


class PrefetchedEmbedValue(EmbedValue):
    """An embed whose stored HTML was loaded with its neighbours in one query."""

    def __init__(self, url, embed=None):
        super().__init__(url)
        if embed is not None:
            # Same template as wagtail.embeds.format.embed_to_frontend_html, minus the query.
            self.__dict__["html"] = render_to_string(
                "wagtailembeds/embed_frontend.html", {"embed": embed}
            )


class PrefetchingEmbedBlock(EmbedBlock):
    def bulk_to_python(self, values):
        urls = [value for value in values if value]
        hashes = {get_embed_hash(url): url for url in urls}
        stored = {
            embed.hash: embed
            for embed in Embed.objects.filter(hash__in=hashes).exclude(
                cache_until__lte=timezone.now()
            )
        }
        result = []
        for url in values:
            if not url:
                result.append(None)
            else:
                result.append(PrefetchedEmbedValue(url, stored.get(get_embed_hash(url))))
        return result


class ImageBlock(blocks.StructBlock):
    image = PrefetchingImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_(
            "Describe the image for readers who cannot see it. "
            "Leave empty to use the image's title."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    credit = blocks.CharBlock(label=_("Credit"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "articles/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "articles/blocks/quote.html"


class ReadAlsoBlock(blocks.StructBlock):
    """An inline "Read also" pointer to another article, placed between paragraphs."""

    article = ArticleChooserBlock(page_type="articles.ArticlePage", label=_("Article"))

    def get_context(self, value, parent_context=None):
        """`article`, plus why readers can't see it: "draft", "private", or "" when they can."""
        context = super().get_context(value, parent_context=parent_context)
        article = value.get("article")
        context["article"] = article
        if article is None:
            context["hidden_reason"] = ""
        elif not article.live:
            context["hidden_reason"] = "draft"
        elif is_view_restricted(article):
            context["hidden_reason"] = "private"
        else:
            context["hidden_reason"] = ""
        return context

    class Meta:
        icon = "link"
        label = _("Read also")
        template = "articles/blocks/read_also.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        template="articles/blocks/paragraph.html",
    )
    heading = blocks.CharBlock(
        label=_("Heading"), icon="title", template="articles/blocks/heading.html"
    )
    image = ImageBlock()
    quote = QuoteBlock()
    embed = PrefetchingEmbedBlock(label=_("Embed"), template="articles/blocks/embed.html")
    read_also = ReadAlsoBlock()
