"""The sign-up page: editors write its copy; readers become patrons there.

The form is shown here and posted to `membership:sign_up` (membership.views.signup), which
does the work and comes back here: to "check your inbox", or to the form with its errors.
The page is never cached: it carries a CSRF token, and its form its reader's input.
"""

from django.db import models
from django.http import HttpResponseNotAllowed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from articles import meta
from articles.caching import mark_private

from ..links import APPEAL_PARAMETER, appeal_pk, attributed
from ..patron_forms import SignupForm
from ..sanitise import sanitise_rich_text
from .members import Tier

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]
RICH_TEXT_FIELDS = ("intro", "other_ways", "sent_text", "next_steps_text")
# The appeal's "see other ways to support" link points here.
OTHER_WAYS_ANCHOR = "other-ways"


class SignupPage(meta.PageMetaMixin, RoutablePageMixin, Page):
    intro = RichTextField(
        _("intro"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Above the form: why become a patron."),
    )
    consent_text = models.CharField(
        _("consent wording"),
        max_length=300,
        blank=True,
        help_text=_(
            "Next to the checkbox every patron ticks. Empty: “Email me the link to confirm, and "
            "about my membership.”"
        ),
    )
    other_ways = RichTextField(
        _("other ways to support"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Under the form, at #other-ways: where appeals' secondary link leads."),
    )
    sent_text = RichTextField(
        _("“check your inbox” text"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Shown once the form is sent. Empty: a short standard text."),
    )
    next_steps_text = RichTextField(
        _("“what happens next” text"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Shown once a patron has confirmed their email, when payments are not set up on the "
            "site. Empty: a short standard text."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("consent_text"),
        FieldPanel("other_ways"),
        MultiFieldPanel(
            [FieldPanel("sent_text"), FieldPanel("next_steps_text")],
            heading=_("After the form"),
        ),
    ]
    subpage_types = []
    max_count_per_parent = 1
    page_description = _("The page where readers become patrons, with the sign-up form.")

    class Meta:
        verbose_name = _("sign-up page")

    @property
    def consent_label(self):
        return self.consent_text or _("Email me the link to confirm, and about my membership.")

    def save(self, *args, **kwargs):
        # Rich text set in code (quickstart, the shell) never passed the editor's whitelist,
        # and |richtext does not sanitise: clean it on every path, as appeals do.
        self._sanitise()
        return super().save(*args, **kwargs)

    def save_revision(self, *args, **kwargs):
        self._sanitise()
        return super().save_revision(*args, **kwargs)

    def _sanitise(self):
        for field in RICH_TEXT_FIELDS:
            setattr(self, field, sanitise_rich_text(getattr(self, field)))

    def serve(self, request, *args, **kwargs):
        # The form posts to membership:sign_up; nothing else is sent here.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return mark_private(super().serve(request, *args, **kwargs))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["other_ways_anchor"] = OTHER_WAYS_ANCHOR
        return context

    @path("")
    def index_route(self, request):
        return self.render_form(request, SignupForm(tiers=Tier.objects.active()))

    @path("check-your-inbox/", name="sent")
    def sent(self, request):
        return self.render(request, template="membership/signup_sent.html")

    def sent_url(self, request):
        return self.get_url(request) + self.reverse_subpage("sent")

    def render_form(self, request, form, *, status=200):
        """The page with `form`: empty, or with a reader's input and its errors."""
        tiers = list(form.fields["tier"].queryset)
        selected = form["tier"].value() if form.is_bound else None
        if not form.is_bound and len(tiers) == 1:
            selected = tiers[0].pk
        response = self.render(
            request,
            context_overrides={
                "form": form,
                "tier_choices": [(tier, str(tier.pk) == str(selected)) for tier in tiers],
                "action_url": self.form_action(request),
            },
        )
        response.status_code = status
        return response

    def form_action(self, request):
        """Where the form posts: it carries the ?appeal= that brought the reader here."""
        url = reverse("membership:sign_up", args=[self.pk])
        appeal_id = appeal_pk(request.GET.get(APPEAL_PARAMETER))
        return attributed(url, appeal_id) if appeal_id else url
