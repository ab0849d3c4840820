from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ..staff.settings_panels import LinkWarningsPanel


@register_setting(icon="pick")
class MembershipSettings(BaseSiteSetting):
    default_appeal = models.ForeignKey(
        "membership.Appeal",
        verbose_name=_("default appeal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown only where no other live appeal matches (pinned or targeted), and only while "
            "it is live. It never enters the weighted pick among the others."
        ),
    )
    cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("sign-up page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cta_url = models.CharField(
        _("or sign-up URL"),
        max_length=500,
        blank=True,
        default="/support/",
        help_text=_("Where “Become a patron” leads when an appeal sets no target of its own."),
    )
    other_ways_url = models.CharField(
        _("“other ways to support” URL"), max_length=500, blank=True, default="/support/#other-ways"
    )
    default_inline_paragraph = models.PositiveSmallIntegerField(
        _("default inline paragraph"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("An inline appeal goes after this paragraph unless the appeal says otherwise."),
    )

    panels = [
        LinkWarningsPanel(heading=_("Links to check")),
        FieldPanel("default_appeal"),
        MultiFieldPanel(
            [FieldPanel("cta_page"), FieldPanel("cta_url"), FieldPanel("other_ways_url")],
            heading=_("Links"),
        ),
        FieldPanel("default_inline_paragraph"),
    ]

    class Meta:
        verbose_name = _("membership settings")

    def clean(self):
        super().clean()
        for field in ("cta_url", "other_ways_url"):
            value = getattr(self, field).strip()
            if value and not (
                value.startswith("/") or value.startswith("https://") or value.startswith("http://")
            ):
                raise ValidationError({field: _("Give a path starting with / or a full URL.")})
