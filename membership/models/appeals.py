import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PublishingPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from ..assets import PREVIEW_SCRIPT, script_hash
from ..sanitise import sanitise_rich_text

APPEAL_BODY_FEATURES = ["bold", "italic", "link", "ol", "ul"]

# Fields that apply only to some choices are shown (and posted) only then, by Wagtail's own
# w-rules Stimulus controller: no script of ours. Without JavaScript every field shows, and
# Appeal.clean() refuses a value where it does not apply.
RULES_ATTRS = {"data-controller": "w-rules", "data-action": "change->w-rules#resolve"}


def shown_when_attrs(field, values):
    """The panel shows only while `field` has one of `values`."""
    return {"data-w-rules-target": "show", "data-w-rules": json.dumps({field: list(values)})}


def shown_when(field, values):
    """The input is disabled (so not posted) while `field` has none of `values`."""
    return forms.NumberInput(
        attrs={"data-w-rules-target": "enable", "data-w-rules": json.dumps({field: list(values)})}
    )


class AppealQuerySet(models.QuerySet):
    def live(self, now=None):
        """Published and not expired, even before publish_scheduled has run."""
        now = now or timezone.now()
        return (
            self.filter(live=True)
            .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
            .filter(Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
        )


class Appeal(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """The patron ask placed in articles."""

    class Placement(models.TextChoices):
        END = "end", _("At the end of the article")
        INLINE = "inline", _("Inside the article, after a paragraph")
        BOTH = "both", _("Both inside and at the end")

    class Frequency(models.TextChoices):
        ALWAYS = "always", _("On every article view")
        EVERY_K_VIEWS = "every_k_views", _("At most once every K article views")
        DAILY = "daily", _("At most once a day")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("For editors only; readers never see it.")
    )
    heading = models.CharField(_("heading"), max_length=255)
    body = RichTextField(_("body"), features=APPEAL_BODY_FEATURES)
    cta_label = models.CharField(
        _("call to action label"), max_length=80, default=_("Become a patron")
    )
    cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("call to action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cta_url = models.URLField(
        _("or call to action URL"),
        blank=True,
        help_text=_("Leave both empty to use the sign-up target from the membership settings."),
    )
    secondary_label = models.CharField(
        _("secondary link label"),
        max_length=80,
        blank=True,
        help_text=_("For example: see other ways to support. Leave empty for no secondary link."),
    )
    secondary_url = models.URLField(
        _("secondary link URL"),
        blank=True,
        help_text=_("Leave empty to use the “other ways to support” link from the settings."),
    )

    # The story the seed importer made this appeal from (its normalised headline), so that a
    # later import of that story finds it and no other story's import touches it.
    imported_from = models.CharField(max_length=255, blank=True, default="", editable=False)

    placement = models.CharField(
        _("placement"), max_length=10, choices=Placement.choices, default=Placement.END
    )
    inline_after_paragraph = models.PositiveSmallIntegerField(
        _("inline after paragraph"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Counts paragraphs. It never stands next to a heading, image, quote, embed or "
            "Read also block: it moves on to the next gap between two paragraphs. "
            "Leave empty for the settings default."
        ),
    )
    include_tags = ParentalManyToManyField(
        "taggit.Tag",
        verbose_name=_("only on articles tagged"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every article."),
    )
    exclude_tags = ParentalManyToManyField(
        "taggit.Tag",
        verbose_name=_("never on articles tagged"),
        blank=True,
        related_name="+",
    )
    pinned_pages = ParentalManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("pinned to articles"),
        blank=True,
        related_name="pinned_appeals",
        help_text=_("These articles always show this appeal while it is live."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "Among the live appeals that match an article, one with weight 2 shows twice as "
            "often. The default appeal never takes part: it shows only where no other live "
            "appeal matches."
        ),
    )

    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.ALWAYS
    )
    frequency_views = models.PositiveSmallIntegerField(
        _("K, as in “at most once every K article views”"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The appeal shows at most once in this many article views."),
    )
    hide_for_patrons = models.BooleanField(_("hide for signed-in patrons"), default=True)

    objects = AppealQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("heading"),
                FieldPanel("body"),
                FieldRowPanel([FieldPanel("cta_label"), FieldPanel("cta_page")]),
                FieldPanel("cta_url"),
                FieldRowPanel([FieldPanel("secondary_label"), FieldPanel("secondary_url")]),
            ],
            heading=_("Content"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("placement"),
                FieldPanel(
                    "inline_after_paragraph",
                    widget=shown_when("placement", [Placement.INLINE, Placement.BOTH]),
                    attrs=shown_when_attrs("placement", [Placement.INLINE, Placement.BOTH]),
                ),
                FieldPanel("include_tags"),
                FieldPanel("exclude_tags"),
                FieldPanel("pinned_pages"),
                FieldPanel("weight"),
            ],
            heading=_("Where it shows"),
            attrs=RULES_ATTRS,
        ),
        MultiFieldPanel(
            [
                FieldPanel("frequency"),
                FieldPanel(
                    "frequency_views",
                    widget=shown_when("frequency", [Frequency.EVERY_K_VIEWS]),
                    attrs=shown_when_attrs("frequency", [Frequency.EVERY_K_VIEWS]),
                ),
                FieldPanel("hide_for_patrons"),
            ],
            heading=_("How often"),
            attrs=RULES_ATTRS,
        ),
        PublishingPanel(),
    ]

    search_fields = [index.SearchField("name"), index.SearchField("heading")]

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["name"]
        permissions = [("view_appeal_report", _("Can view the appeal report"))]
        constraints = [
            models.UniqueConstraint(
                fields=["imported_from"],
                condition=~Q(imported_from=""),
                name="membership_appeal_one_per_story",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.cta_page_id and self.cta_url:
            raise ValidationError(_("Choose a call to action page or give a URL, not both."))
        errors = {}
        if self.frequency == self.Frequency.EVERY_K_VIEWS:
            if self.frequency_views is None:
                errors["frequency_views"] = _("Say after how many article views it may show again.")
        elif self.frequency_views is not None:
            errors["frequency_views"] = _(
                "Only “at most once every K article views” uses K: clear it, or choose that."
            )
        if self.placement == self.Placement.END and self.inline_after_paragraph is not None:
            errors["inline_after_paragraph"] = _(
                "Only an appeal placed inside the article uses this: clear it, or choose an "
                "inline placement."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Rich text created in code (the seed import, the shell) bypasses the editor's
        # whitelist, and |richtext does not sanitise: clean it here, once, for every path.
        self.body = sanitise_rich_text(self.body)
        super().save(*args, **kwargs)

    def save_revision(self, *args, **kwargs):
        # The revision is what previews, comparisons and publishing read: clean it too.
        self.body = sanitise_rich_text(self.body)
        return super().save_revision(*args, **kwargs)

    @property
    def shows_inline(self):
        return self.placement in (self.Placement.INLINE, self.Placement.BOTH)

    @property
    def shows_at_end(self):
        return self.placement in (self.Placement.END, self.Placement.BOTH)

    # Preview: on its own, or placed inside a sample article.
    @property
    def preview_modes(self):
        return [("", _("Appeal")), ("article", _("Inside an article"))]

    def serve_preview(self, request, mode_name):
        response = super().serve_preview(request, mode_name)
        if mode_name == "article":
            # The script that scrolls the preview to the appeal: allowed here, by its hash,
            # and not in the site's policy, which allows only what readers' pages load.
            response._csp_update = {"script-src": [f"'{script_hash(PREVIEW_SCRIPT)}'"]}
        return response

    def get_preview_template(self, request, mode_name):
        # It renders the preview with {% appeal_preview %} (membership_tags).
        return "membership/previews/preview.html"
