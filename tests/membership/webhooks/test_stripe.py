"""Stripe's webhook: each event type moves the right membership to the right status, once,
and nothing unsigned, stale, malformed or out of order changes anything."""

import datetime
import time

import pytest

from membership.members import change_status, get_member
from membership.models import Membership, WebhookEvent
from membership.payments.testing import encode, stripe_event, stripe_headers, stripe_ids

from .sending import STRIPE_SECRET, STRIPE_URL, send_stripe, text

pytestmark = pytest.mark.django_db

EMAIL = "reader@example.org"
NOW = int(time.time())


def stored(membership):
    return Membership.objects.get(pk=membership.pk)


def nothing_changed(membership):
    fresh = stored(membership)
    return (
        not WebhookEvent.objects.exists()
        and fresh.status == membership.status
        and fresh.last_event_at is None
        and fresh.stripe_customer_id == ""
    )


def activate(client, membership, created=NOW):
    event = stripe_event(
        "checkout.session.completed", email=EMAIL, reference=str(membership.pk), created=created
    )
    response = send_stripe(client, event)
    assert response.status_code == 200, text(response)
    return event


# --- checkout.session.completed ---


def test_checkout_activates_the_membership_it_names_and_stores_the_ids(client, pending):
    event = activate(client, pending)
    membership = stored(pending)
    customer_id, subscription_id = stripe_ids(EMAIL)
    assert membership.status == Membership.Status.ACTIVE
    assert (membership.stripe_customer_id, membership.stripe_subscription_id) == (
        customer_id,
        subscription_id,
    )
    assert membership.source == Membership.Source.SITE  # the route they came by stays
    assert membership.tier.name == "Coffee"  # chosen at sign-up
    created = datetime.datetime.fromtimestamp(event["created"], tz=datetime.UTC)
    assert membership.last_event_at == created
    record = WebhookEvent.objects.get()
    assert (record.provider, record.event_id, record.event_type) == (
        "stripe",
        event["id"],
        "checkout.session.completed",
    )
    assert (record.membership, record.occurred_at, record.outcome) == (
        membership,
        created,
        "applied: active",
    )


def test_checkout_trusts_the_membership_it_names_over_the_sessions_email(client, pending):
    event = stripe_event(
        "checkout.session.completed", email="typo@example.org", reference=str(pending.pk)
    )
    assert send_stripe(client, event).status_code == 200
    assert stored(pending).status == Membership.Status.ACTIVE
    assert get_member("typo@example.org") is None


def test_checkout_for_a_gone_membership_activates_the_existing_member_with_that_email(
    client, pending
):
    event = stripe_event("checkout.session.completed", email=EMAIL, reference="999999")
    assert send_stripe(client, event).status_code == 200
    assert stored(pending).status == Membership.Status.ACTIVE
    assert Membership.objects.count() == 1


def test_checkout_for_a_deleted_member_or_someone_new_creates_an_active_stripe_member(
    client, pending
):
    gone = pending.pk
    pending.user.delete()
    event = stripe_event("checkout.session.completed", email="New@Example.org", reference=str(gone))
    assert send_stripe(client, event).status_code == 200
    member = get_member("new@example.org")
    assert (member.status, member.source) == ("active", "stripe")
    assert member.stripe_subscription_id == stripe_ids("New@Example.org")[1]


def test_a_one_off_payment_is_not_a_membership(client, db):
    event = stripe_event("checkout.session.completed", email=EMAIL)
    event["data"]["object"]["mode"] = "payment"
    response = send_stripe(client, event)
    assert response.status_code == 200
    assert "not a subscription" in text(response)
    assert not Membership.objects.exists() and not WebhookEvent.objects.exists()


# --- customer.subscription.updated / deleted, invoice.payment_failed ---


@pytest.mark.parametrize(
    "stripe_status, status",
    [
        ("active", "active"),
        ("trialing", "active"),
        ("past_due", "lapsed"),
        ("unpaid", "lapsed"),
        ("canceled", "cancelled"),
    ],
)
def test_a_subscription_update_sets_status_and_tier_by_price(
    client, pending, paper, stripe_status, status
):
    activate(client, pending, created=NOW - 60)
    event = stripe_event(
        "customer.subscription.updated",
        email=EMAIL,
        status=stripe_status,
        price_id="price_paper",
        created=NOW,
    )
    response = send_stripe(client, event)
    assert response.status_code == 200
    assert text(response) == f"applied: {status}"
    membership = stored(pending)
    assert (membership.status, membership.tier) == (status, paper)
    assert membership.last_event_at == datetime.datetime.fromtimestamp(NOW, tz=datetime.UTC)


def test_an_unknown_price_keeps_the_tier(client, pending, coffee):
    activate(client, pending, created=NOW - 60)
    event = stripe_event("customer.subscription.updated", email=EMAIL, price_id="price_other")
    assert send_stripe(client, event).status_code == 200
    assert stored(pending).tier == coffee


def test_a_subscription_still_waiting_for_its_first_payment_changes_nothing(client, pending):
    activate(client, pending, created=NOW - 60)
    event = stripe_event("customer.subscription.updated", email=EMAIL, status="incomplete")
    response = send_stripe(client, event)
    assert response.status_code == 200
    assert stored(pending).status == Membership.Status.ACTIVE
    assert WebhookEvent.objects.count() == 1


def test_a_deleted_subscription_cancels(client, pending):
    activate(client, pending, created=NOW - 60)
    assert (
        send_stripe(client, stripe_event("customer.subscription.deleted", email=EMAIL)).status_code
        == 200
    )
    assert stored(pending).status == Membership.Status.CANCELLED


def test_a_failed_payment_lapses(client, pending):
    activate(client, pending, created=NOW - 60)
    response = send_stripe(client, stripe_event("invoice.payment_failed", email=EMAIL))
    assert response.status_code == 200
    assert stored(pending).status == Membership.Status.LAPSED


def test_a_failed_payment_finds_a_member_with_no_ids_yet_by_email(client, pending):
    response = send_stripe(
        client, stripe_event("invoice.payment_failed", email="READER@example.org")
    )
    assert text(response) == "applied: lapsed"
    membership = stored(pending)
    assert membership.status == Membership.Status.LAPSED
    assert membership.stripe_customer_id == stripe_ids("READER@example.org")[0]


def test_a_subscription_is_found_by_its_customer_before_its_own_id_is_stored(client, pending):
    customer_id, _ = stripe_ids(EMAIL)
    change_status(pending, Membership.Status.PENDING, stripe_customer_id=customer_id)
    event = stripe_event("customer.subscription.updated", email=EMAIL, status="active")
    assert text(send_stripe(client, event)) == "applied: active"
    assert stored(pending).stripe_subscription_id == stripe_ids(EMAIL)[1]


def test_an_old_subscription_ending_leaves_the_current_one_alone(client, pending):
    activate(client, pending, created=NOW - 60)
    customer_id, _ = stripe_ids(EMAIL)
    old = stripe_event(
        "customer.subscription.deleted",
        email=EMAIL,
        customer_id=customer_id,
        subscription_id="sub_test_old",
    )
    response = send_stripe(client, old)
    assert text(response) == "ignored: no member"
    assert stored(pending).status == Membership.Status.ACTIVE


def test_an_event_about_a_subscription_nobody_has_is_stored_and_changes_nothing(client, pending):
    event = stripe_event("customer.subscription.deleted", email="stranger@example.org")
    response = send_stripe(client, event)
    assert (response.status_code, text(response)) == (200, "ignored: no member")
    record = WebhookEvent.objects.get()
    assert (record.event_id, record.membership) == (event["id"], None)
    assert stored(pending).status == Membership.Status.PENDING
    assert Membership.objects.count() == 1


def test_other_event_types_answer_200_and_change_nothing(client, pending):
    response = send_stripe(client, stripe_event("charge.refunded", email=EMAIL))
    assert response.status_code == 200
    assert nothing_changed(pending)


# --- Once, in order ---


def test_a_replay_answers_200_and_changes_nothing(client, pending):
    event = activate(client, pending)
    # Staff lapse the member by hand; a replayed activation must not undo that.
    change_status(pending, Membership.Status.LAPSED, source=Membership.Source.STAFF)
    response = send_stripe(client, event)
    assert (response.status_code, text(response)) == (200, "already processed")
    assert stored(pending).status == Membership.Status.LAPSED
    assert WebhookEvent.objects.count() == 1


def test_an_older_update_after_a_newer_deletion_leaves_it_cancelled(client, pending):
    activate(client, pending, created=NOW - 120)
    deleted = stripe_event("customer.subscription.deleted", email=EMAIL, created=NOW)
    older = stripe_event("customer.subscription.updated", email=EMAIL, created=NOW - 60)
    assert send_stripe(client, deleted).status_code == 200
    response = send_stripe(client, older)
    assert response.status_code == 200
    membership = stored(pending)
    assert membership.status == Membership.Status.CANCELLED
    record = WebhookEvent.objects.get(event_id=older["id"])
    assert record.outcome.startswith("ignored: older than ")
    assert record.membership == membership
    assert membership.last_event_at == datetime.datetime.fromtimestamp(NOW, tz=datetime.UTC)


# --- Refused: 400, nothing changed ---


def post(client, body, headers):
    return client.post(STRIPE_URL, body, content_type="application/json", headers=headers)


def checkout_body(membership):
    event = stripe_event("checkout.session.completed", email=EMAIL, reference=str(membership.pk))
    return encode(event)


SIGNATURES = {
    "missing header": lambda body: {},
    "empty header": lambda body: {"Stripe-Signature": ""},
    "wrong secret": lambda body: stripe_headers(body, "whsec_someone_else"),
    "another body": lambda body: stripe_headers(body + b" ", STRIPE_SECRET),
    "older than 300 s": lambda body: stripe_headers(
        body, STRIPE_SECRET, timestamp=int(time.time()) - 301
    ),
    "garbage": lambda body: {"Stripe-Signature": "garbage"},
    "another scheme": lambda body: {
        "Stripe-Signature": stripe_headers(body, STRIPE_SECRET)["Stripe-Signature"].replace(
            "v1=", "v0="
        )
    },
}


@pytest.mark.parametrize("signature", SIGNATURES.values(), ids=SIGNATURES.keys())
def test_a_bad_or_missing_signature_is_refused(client, pending, signature):
    body = checkout_body(pending)
    response = post(client, body, signature(body))
    assert response.status_code == 400
    assert "Stripe-Signature" in text(response)
    assert nothing_changed(pending)


def test_a_signature_within_the_tolerance_is_accepted(client, pending):
    body = checkout_body(pending)
    response = post(
        client, body, stripe_headers(body, STRIPE_SECRET, timestamp=int(time.time()) - 240)
    )
    assert response.status_code == 200
    assert stored(pending).status == Membership.Status.ACTIVE


def with_field(path, value):
    """A checkout event for `pending` with the field at `path` set to `value` (or removed)."""

    def build(membership):
        event = stripe_event(
            "checkout.session.completed", email=EMAIL, reference=str(membership.pk)
        )
        *parents, last = path.split(".")
        target = event
        for key in parents:
            target = target[key]
        if value is REMOVE:
            del target[last]
        else:
            target[last] = value
        return encode(event)

    return build


REMOVE = object()
MALFORMED = {
    "not JSON": lambda membership: b"{not json",
    "not UTF-8": lambda membership: b'{"id": "' + bytes([0xFF, 0xFE]) + b'"}',
    "a JSON list": lambda membership: b"[]",
    "deeply nested": lambda membership: b"[" * 100_000 + b"]" * 100_000,
    "no id": with_field("id", REMOVE),
    "no created": with_field("created", REMOVE),
    "created as text": with_field("created", "yesterday"),
    "created as true": with_field("created", True),
    "created out of range": with_field("created", 10**20),
    "no type": with_field("type", REMOVE),
    "object not an object": with_field("data.object", "cs_123"),
    "no object": with_field("data", {}),
    "reference as a number": with_field("data.object.client_reference_id", 5),
    "email not an email": with_field("data.object.customer_details.email", "reader"),
    "customer id too long": with_field("data.object.customer", "c" * 256),
    "id with a NUL": with_field("id", "evt_\x00"),
}


@pytest.mark.parametrize("build", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_body_is_refused_with_a_short_message(client, pending, build):
    body = build(pending)
    response = post(client, body, stripe_headers(body, STRIPE_SECRET))
    assert response.status_code == 400
    assert 0 < len(text(response)) < 120
    assert nothing_changed(pending)
