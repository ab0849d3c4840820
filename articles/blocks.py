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

from . import read_also
from .queries import BODY_IMAGE_SPECS


class PrefetchingImageChooserBlock(ImageChooserBlock):
    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        images = get_image_model().objects.prefetch_renditions(*BODY_IMAGE_SPECS).in_bulk(ids)
        return [images.get(value) for value in values]


class ArticleChooserBlock(blocks.PageChooserBlock):
    """Chooses an article. Loaded in bulk, each target also says whether it is private."""

    def bulk_to_python(self, values):
        pages = read_also.load_targets(self.model_class, values)
        return [pages.get(value) for value in values]


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
    def shown_to_readers(self, value):
        return bool(value)

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

    def shown_to_readers(self, value):
        return value.get("image") is not None

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
        """`item`: the link as readers see it, or None when they can't (outside preview)."""
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        context["item"] = read_also.article_item(
            value.get("article"), request=request, preview=getattr(request, "is_preview", False)
        )
        return context

    def shown_to_readers(self, value):
        return not read_also.hidden_reason(value.get("article"))

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


def shown_to_readers(child):
    """Whether readers see a body block (a StreamField child) at all.

    A Read also block whose article is hidden, an image block whose image was deleted and an
    empty embed render nothing: insertions are placed as if they were not there.
    """
    check = getattr(child.block, "shown_to_readers", None)
    return check(child.value) if check is not None else True
