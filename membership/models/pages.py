"""The membership app's Wagtail pages: the sign-up page, and the topics page.

The sign-up form is shown on its page and posted to `membership:sign_up`
(membership.views.signup), which does the work and comes back: to "check your inbox", or to
the form with its errors. The page is never cached: it carries a CSRF token, and its form
its reader's input.

The topics page shows the round open now, its topics and the reader's votes; the votes and
suggestions are posted to `membership:vote` and `membership:suggest`. Its listing is built by
membership.topic_listing, which its template asks for (membership_topics): this module may
not import the modules that import the models package (the voting rules, the session), or it
would import itself round a circle.
"""

from http import HTTPMethod

from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from articles import meta
from articles.caching import mark_private, mark_public

from ..links import APPEAL_PARAMETER, appeal_pk, attributed
from ..patron_forms import SignupForm
from ..readers import is_personal, sync_patron_cookie
from ..sanitise import sanitise_rich_text
from .members import Membership, Tier
from .voting import MAX_ID, VotingRound

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# The appeal's "see other ways to support" link points here.
OTHER_WAYS_ANCHOR = "other-ways"


class SanitisedRichTextMixin:
    """Rich text set in code (quickstart, the shell) never passed the editor's whitelist, and
    |richtext does not sanitise: the page's `rich_text_fields` are cleaned on every save."""

    rich_text_fields = ()

    def save(self, *args, **kwargs):
        self._sanitise()
        return super().save(*args, **kwargs)

    def save_revision(self, *args, **kwargs):
        self._sanitise()
        return super().save_revision(*args, **kwargs)

    def _sanitise(self):
        for field in self.rich_text_fields:
            setattr(self, field, sanitise_rich_text(getattr(self, field)))


class SignupPage(SanitisedRichTextMixin, meta.PageMetaMixin, RoutablePageMixin, Page):
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
    rich_text_fields = ("intro", "other_ways", "sent_text", "next_steps_text")

    class Meta:
        verbose_name = _("sign-up page")

    @property
    def consent_label(self):
        return self.consent_text or _("Email me the link to confirm, and about my membership.")

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


class TopicsPage(SanitisedRichTextMixin, meta.PageMetaMixin, RoutablePageMixin, Page):
    """Where patrons vote on what we cover next: the round open now (chosen by date, never
    stored here), and each round's results at results/<round id>/.

    The same for every reader without a session cookie, so shared caches may hold it; for a
    signed-in reader it is theirs alone (their votes, the CSRF token, their messages).
    """

    intro = RichTextField(
        _("intro"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Above the topics: how voting works, and what patrons' votes decide."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = []
    max_count_per_parent = 1
    # Votes and suggestions post to membership's own URLs; nothing is sent here.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]
    page_description = _(
        "Patrons vote here on the topics we cover next; it also shows past rounds' results."
    )
    rich_text_fields = ("intro",)

    class Meta:
        verbose_name = _("topics page")

    def serve(self, request, *args, **kwargs):
        # A page behind a view restriction is made never-cache by Wagtail's own check.
        response = super().serve(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if is_personal(request):
            return mark_private(response)
        return mark_public(response)

    @path("")
    def current_round(self, request):
        # The member is passed to the template's listing (membership_topics): the session is
        # read once, and only for a request that carries its cookie.
        if not is_personal(request):
            return self.render(request, context_overrides={"member": None})
        member = Membership.objects.signed_in(request)
        response = self.render(request, context_overrides={"member": member})
        return sync_patron_cookie(response, request, member)

    @path("results/<int:round_id>/", name="results")
    def round_results(self, request, round_id):
        """A round's ranking and what became of each topic; any round that has opened."""
        voting_round = (
            VotingRound.objects.filter(pk=round_id, opens_at__lte=timezone.now()).first()
            if round_id <= MAX_ID
            else None
        )
        if voting_round is None:
            raise Http404
        return self.render(
            request,
            template="membership/topic_results.html",
            context_overrides={
                "voting_round": voting_round,
                "canonical_url": self.results_url(voting_round.pk, full=True),
            },
        )

    def results_url(self, voting_round_id, *, request=None, full=False):
        """The round's results, a path (or, with `full`, an absolute URL); "" when this page
        is not routable."""
        url = self.get_full_url(request) if full else self.get_url(request)
        if not url:
            return ""
        return url + self.reverse_subpage("results", args=[voting_round_id])
