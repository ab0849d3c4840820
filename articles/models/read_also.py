from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Orderable


class ReadAlsoLink(Orderable):
    """A curated "Read also" link: an article of ours, or a story from another outlet."""

    page = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="read_also_links"
    )
    target = models.ForeignKey(
        "articles.ArticlePage",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="read_also_backlinks",
    )
    external_url = models.URLField(
        _("or an external URL"),
        blank=True,
        help_text=_("For a story from another outlet. Leave empty when you choose an article."),
    )
    external_title = models.CharField(_("external headline"), max_length=255, blank=True)
    external_source = models.CharField(
        _("external source"), max_length=100, blank=True, help_text=_("For example: Bloomberg")
    )

    panels = [
        FieldPanel("target"),
        MultiFieldPanel(
            [
                FieldPanel("external_url"),
                FieldPanel("external_title"),
                FieldPanel("external_source"),
            ],
            heading=_("Story from another outlet"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Read also link")
        verbose_name_plural = _("Read also links")

    def clean(self):
        super().clean()
        if self.target_id and self.external_url:
            raise ValidationError(_("Choose an article or give an external URL, not both."))
        if not self.target_id and not self.external_url:
            raise ValidationError(_("Choose an article or give an external URL."))
        if self.external_url and not self.external_title:
            raise ValidationError({"external_title": _("An external link needs a headline.")})

    def __str__(self):
        if self.target_id:
            return str(self.target)
        return self.external_title or self.external_url
