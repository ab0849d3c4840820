"""Patrons: what they pay (Tier), their standing (Membership), and the payment providers'
events already applied (WebhookEvent).

A member is a Django user with no usable password and no admin access, plus a Membership.
Their email is the user's; one email is one member, case-insensitively, whatever the payment
route: `membership.members` finds or creates them, and is the one place that changes a
membership's status.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class TierQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Tier(index.Indexed, models.Model):
    """What a patron pays each month, and what they get for it."""

    name = models.CharField(_("name"), max_length=100)
    amount = models.DecimalField(
        _("monthly amount"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", help_text=_("ISO 4217 code, e.g. EUR or USD.")
    )
    description = models.TextField(_("description"), blank=True)
    perks = models.TextField(_("perks"), blank=True, help_text=_("One perk per line."))
    votes_per_round = models.PositiveSmallIntegerField(
        _("votes per round"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many topics a patron of this tier may vote for in each round."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active tiers are offered on the sign-up page.")
    )
    stripe_price_id = models.CharField(
        _("Stripe price id"),
        max_length=255,
        blank=True,
        help_text=_("The monthly recurring price in Stripe, e.g. price_1Nx…"),
    )
    patreon_tier_id = models.CharField(
        _("Patreon tier id"),
        max_length=64,
        blank=True,
        help_text=_("Patreon pledges to this tier join it; without one, they match by amount."),
    )

    objects = TierQuerySet.as_manager()

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "amount", "pk"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.name

    @property
    def perk_list(self):
        return [line.strip() for line in self.perks.splitlines() if line.strip()]


class MembershipQuerySet(models.QuerySet):
    def signed_in(self, request):
        """The membership (with its tier) of the user signed in to `request`, or None.

        Reads the session: ask only when the request carries a session cookie
        (membership.readers.is_personal), or the answer stops being cacheable.
        """
        user = request.user
        if not user.is_authenticated:
            return None
        membership = self.select_related("tier").filter(user_id=user.pk).first()
        if membership is not None:
            membership.user = user
        return membership


class Membership(models.Model):
    """A person's patron status. Every field but the user has a default."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        SITE = "site", _("Sign-up on the site")
        STRIPE = "stripe", _("Stripe")
        PATREON = "patreon", _("Patreon")
        STAFF = "staff", _("Staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    name = models.CharField(_("name"), max_length=150, blank=True, default="")
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        null=True,
        blank=True,
        default=None,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.SITE
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True, default=None)
    consented_at = models.DateTimeField(
        _("consented to emails"), null=True, blank=True, default=None
    )
    appeal = models.ForeignKey(
        "membership.Appeal",
        verbose_name=_("appeal that brought them"),
        null=True,
        blank=True,
        default=None,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    # The payment providers' own ids for this member.
    stripe_customer_id = models.CharField(
        _("Stripe customer id"), max_length=255, blank=True, default=""
    )
    stripe_subscription_id = models.CharField(
        _("Stripe subscription id"), max_length=255, blank=True, default=""
    )
    patreon_member_id = models.CharField(
        _("Patreon member id"), max_length=255, blank=True, default=""
    )
    # The time of the newest provider event applied: an older one arriving later is ignored.
    last_event_at = models.DateTimeField(
        _("last payment event"), null=True, blank=True, default=None
    )
    # The last confirmation email sent, so a repeated sign-up re-sends at most once a minute.
    last_email_at = models.DateTimeField(null=True, blank=True, default=None, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [("view_member_emails", _("Can view member emails"))]
        indexes = [models.Index(fields=["status", "tier"])]

    def __str__(self):
        return self.name or self.anonymous_label

    @property
    def anonymous_label(self):
        """The member named without personal data (the audit log keeps this once they are
        deleted)."""
        return _("Member %(id)s") % {"id": self.pk}

    @property
    def email(self):
        return self.user.email

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def votes_per_round(self):
        return self.tier.votes_per_round if self.is_active and self.tier else 0


class WebhookEvent(models.Model):
    """A payment provider's event, stored in the transaction that applies it: each is applied
    at most once. No payload is kept: it holds personal data."""

    class Provider(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        PATREON = "patreon", _("Patreon")

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    event_type = models.CharField(_("event type"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
    )
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="webhook_event_once_per_provider"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.event_type} {self.event_id}"
