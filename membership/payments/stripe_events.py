"""Stripe's webhook events: verified with Stripe's library, and applied to memberships.

- `checkout.session.completed` activates the membership the session names in
  `client_reference_id` (the sign-up sets it) and stores the customer and subscription ids; if
  that membership is gone, the member with the session's email, created if new.
- `customer.subscription.updated` sets the status from the subscription's and the tier from
  its price; `customer.subscription.deleted` cancels; `invoice.payment_failed` lapses.
- Their member is the one holding the subscription id; else, the one holding the customer id
  or (invoices) the email, as long as no other subscription of theirs is on record: an old
  subscription ending must not cancel the one they pay now.

Other event types, one-off payments and subscription states that say nothing yet
(`incomplete`) are answered and ignored. Verifying a webhook needs only its signing secret,
never STRIPE_SECRET_KEY, and makes no call to Stripe.
"""

from functools import partial

import stripe
from django.utils.translation import gettext as _

from ..members import find_or_create_member, get_member
from ..models import Membership, Tier, WebhookEvent
from . import payload
from .events import BadSignature, Change, Event, MalformedEvent, apply_once

Status = Membership.Status


class Ignored(Exception):
    """Raised by a handler for an event that is not about a membership: answered 200, stored
    nowhere."""


SUBSCRIPTION_STATUSES = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,
    "past_due": Status.LAPSED,
    "unpaid": Status.LAPSED,
    "paused": Status.LAPSED,  # a trial ended without a payment method
    "canceled": Status.CANCELLED,
    "incomplete_expired": Status.CANCELLED,  # the first payment never came
}


def receive(body, *, signature, secret):
    """Verify and apply one webhook body; returns the outcome. Raises WebhookRejected."""
    data = verified_event(body, signature, secret)
    event_type = payload.text(data, "type")
    handler = HANDLERS.get(event_type)
    if handler is None:
        return "ignored: event type not handled"
    event = Event(
        provider=WebhookEvent.Provider.STRIPE,
        id=payload.text(data, "id"),
        type=event_type,
        occurred_at=payload.unix_time(data, "created"),
    )
    try:
        change, find_member = handler(payload.mapping(data, "data.object"))
    except Ignored as reason:
        return f"ignored: {reason}"
    return apply_once(event, change, find_member)


def verified_event(body, signature, secret):
    """The event as plain data, once its Stripe-Signature matches (within 300 s)."""
    if not signature:
        raise BadSignature(_("The Stripe-Signature header is missing."))
    try:
        event = stripe.Webhook.construct_event(body, signature, secret)
    except stripe.SignatureVerificationError:
        raise BadSignature(
            _("The Stripe-Signature header does not match the body, or is over 5 minutes old.")
        ) from None
    except (ValueError, AttributeError, TypeError, RecursionError):
        # Raised reading the body as UTF-8 JSON and then as an event object.
        raise MalformedEvent(_("The body is not a JSON event object.")) from None
    return event.to_dict()


def checkout_completed(session):
    mode = payload.text(session, "mode", required=False)
    if mode not in (None, "subscription"):
        raise Ignored("not a subscription")
    reference = payload.text(session, "client_reference_id", required=False)
    email = payload.email(session, "customer_details.email", required=False) or payload.email(
        session, "customer_email", required=False
    )
    ids = {
        "stripe_customer_id": payload.text(session, "customer", required=False),
        "stripe_subscription_id": payload.text(session, "subscription", required=False),
    }

    def find_member():
        membership = membership_by_reference(reference)
        if membership is None and email:
            membership, _created = find_or_create_member(email, source=Membership.Source.STRIPE)
        return membership

    return Change(Status.ACTIVE, ids=ids), find_member


def subscription_updated(subscription):
    status_name = payload.text(subscription, "status")
    status = SUBSCRIPTION_STATUSES.get(status_name)
    if status is None:
        raise Ignored(f"subscription status {status_name}")
    items = payload.items(subscription, "items.data")
    prices = [payload.text(item, "price.id", required=False) for item in items]
    return _subscription_change(subscription, status, tier=tier_for_prices(prices))


def subscription_deleted(subscription):
    return _subscription_change(subscription, Status.CANCELLED)


def _subscription_change(subscription, status, tier=None):
    subscription_id = payload.text(subscription, "id")
    customer_id = payload.text(subscription, "customer", required=False)
    ids = {"stripe_subscription_id": subscription_id, "stripe_customer_id": customer_id}
    return Change(status, tier=tier, ids=ids), partial(member_paying, subscription_id, customer_id)


def invoice_payment_failed(invoice):
    # The subscription moved under `parent` in API version 2025-03-31; older versions have it
    # at the top.
    subscription_id = payload.text(invoice, "subscription", required=False) or payload.text(
        invoice, "parent.subscription_details.subscription", required=False
    )
    if not subscription_id:
        raise Ignored("not a subscription invoice")
    customer_id = payload.text(invoice, "customer", required=False)
    email = payload.email(invoice, "customer_email", required=False)
    ids = {"stripe_subscription_id": subscription_id, "stripe_customer_id": customer_id}
    return Change(Status.LAPSED, ids=ids), partial(
        member_paying, subscription_id, customer_id, email
    )


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "invoice.payment_failed": invoice_payment_failed,
}


def tier_for_prices(price_ids):
    """The tier sold at one of these Stripe prices, or None (the tier stays as it is)."""
    price_ids = [price_id for price_id in price_ids if price_id]
    return Tier.objects.filter(stripe_price_id__in=price_ids).first() if price_ids else None


def membership_by_reference(reference):
    """The membership a Checkout Session's client_reference_id names (its pk), or None."""
    if not reference or not (reference.isascii() and reference.isdigit()) or len(reference) > 18:
        return None  # not one of ours: the sign-up sets a pk
    return Membership.objects.filter(pk=int(reference)).first()


def member_paying(subscription_id, customer_id, email=None):
    """The member this subscription belongs to (see the module's docstring), or None."""
    membership = Membership.objects.filter(stripe_subscription_id=subscription_id).first()
    if membership is not None:
        return membership
    if customer_id:
        membership = Membership.objects.filter(stripe_customer_id=customer_id).first()
    if membership is None and email:
        membership = get_member(email)
    if membership is not None and not membership.stripe_subscription_id:
        return membership
    return None
