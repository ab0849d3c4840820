"""The patron's account: where their payment is managed, what they may do from here, and
everything we store about them."""

from dataclasses import dataclass

from django.utils import timezone

from . import conf
from .models import Membership
from .payments import stripe_checkout

STRIPE = "stripe"
PATREON = "patreon"
SITE = "site"
# The user's fields that are personal data; the rest (password hash, flags) says nothing
# about the person, and a member's password is unusable anyway.
USER_FIELDS = ("email", "first_name", "last_name", "date_joined", "last_login")


def managed_by(membership):
    """Who takes the member's money: Stripe, Patreon, or nobody (a sign-up on the site that
    has not paid, or a membership staff granted)."""
    if membership.stripe_subscription_id or (
        membership.source == Membership.Source.STRIPE and membership.stripe_customer_id
    ):
        return STRIPE
    if membership.patreon_member_id or membership.source == Membership.Source.PATREON:
        return PATREON
    return SITE


@dataclass(frozen=True)
class Options:
    managed_by: str
    portal: bool  # "Manage payment" opens Stripe's customer portal
    checkout: bool  # "Continue to payment" starts Stripe Checkout
    patreon_url: str  # the newsroom's Patreon page, where Patreon patrons manage a pledge
    can_cancel: bool  # cancelled here; payment providers' patrons cancel with them


def options(membership):
    by = managed_by(membership)
    return Options(
        managed_by=by,
        portal=by == STRIPE and stripe_checkout.can_open_portal(membership),
        checkout=stripe_checkout.can_check_out(membership),
        patreon_url=conf.patreon_campaign_url(),
        can_cancel=membership.status != Membership.Status.CANCELLED
        and (by == SITE or membership.status == Membership.Status.PENDING),
    )


def export(membership):
    """Everything stored about the member, for them to download."""
    user = membership.user
    tier = membership.tier
    return {
        "exported_at": timezone.now(),
        "user": {field: getattr(user, field) for field in USER_FIELDS},
        "membership": {
            field.attname: getattr(membership, field.attname)
            for field in Membership._meta.concrete_fields
            if field.attname not in ("id", "user_id")
        },
        "tier": None
        if tier is None
        else {
            "name": tier.name,
            "amount": tier.amount,
            "currency": tier.currency,
            "votes_per_round": tier.votes_per_round,
        },
        "payment_events": [
            {
                "provider": event.provider,
                "type": event.event_type,
                "occurred_at": event.occurred_at,
                "received_at": event.received_at,
            }
            for event in membership.webhook_events.order_by("received_at", "pk")
        ],
    }
