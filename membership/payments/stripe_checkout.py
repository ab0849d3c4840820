"""Sending a member to Stripe: Checkout to start paying, the customer portal to manage it.

Both need MEMBERSHIP_STRIPE_SECRET_KEY (STRIPE_SECRET_KEY); the key is passed with each call,
never set on the `stripe` module, so nothing global changes with settings. What Stripe then
does comes back through its webhooks (stripe_events), which activate the membership
named by the session's client_reference_id.
"""

import logging

import stripe
from django.urls import reverse

from articles import meta

from .. import conf

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    """Stripe could not be reached, or refused what we asked."""


def can_check_out(membership):
    """Stripe is set up, the member is not paying yet, and their tier has a Stripe price."""
    tier = membership.tier
    return bool(
        conf.stripe_secret_key()
        and not membership.is_active
        and tier is not None
        and tier.active
        and tier.stripe_price_id
    )


def can_open_portal(membership):
    return bool(conf.stripe_secret_key() and membership.stripe_customer_id)


def checkout_url(request, membership):
    """A new Stripe Checkout Session for the member's tier, monthly; its URL."""
    params = {
        "mode": "subscription",
        "line_items": [{"price": membership.tier.stripe_price_id, "quantity": 1}],
        "client_reference_id": str(membership.pk),
        "success_url": meta.absolute_url(request, reverse("membership:checkout_return")),
        "cancel_url": meta.absolute_url(request, reverse("membership:account")),
    }
    # Stripe takes one or the other: a returning customer keeps their Stripe account.
    if membership.stripe_customer_id:
        params["customer"] = membership.stripe_customer_id
    else:
        params["customer_email"] = membership.user.email
    try:
        session = stripe.checkout.Session.create(api_key=conf.stripe_secret_key(), **params)
    except stripe.StripeError as error:
        logger.warning("Stripe Checkout for membership %s failed: %r", membership.pk, error)
        raise PaymentError from error
    return _stripe_page(session)


def portal_url(request, membership):
    """A new Stripe customer portal session for the member; its URL."""
    try:
        session = stripe.billing_portal.Session.create(
            api_key=conf.stripe_secret_key(),
            customer=membership.stripe_customer_id,
            return_url=meta.absolute_url(request, reverse("membership:account")),
        )
    except stripe.StripeError as error:
        logger.warning("Stripe's portal for membership %s failed: %r", membership.pk, error)
        raise PaymentError from error
    return _stripe_page(session)


def _stripe_page(session):
    # We redirect the member there: only ever to an https page.
    url = getattr(session, "url", None)
    if not isinstance(url, str) or not url.startswith("https://"):
        raise PaymentError(f"Stripe answered without an https URL: {url!r}")
    return url
