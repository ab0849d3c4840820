"""What both webhooks share: POST only, no CSRF token, never cached, off without their own
secret, a 1 MiB body at most, one member per email across providers, and each event applied
once even when deliveries race."""

import threading

import pytest
from django.db import connection
from django.test import Client

from membership.members import get_member
from membership.models import Membership, WebhookEvent
from membership.payments import testing
from membership.payments.testing import encode, patreon_member, stripe_event
from membership.views.webhooks import MAX_WEBHOOK_BYTES

from .sending import (
    PATREON_SECRET,
    PATREON_URL,
    STRIPE_URL,
    send_patreon,
    send_stripe,
    text,
)

pytestmark = pytest.mark.django_db

EMAIL = "reader@example.org"


def send_both(client):
    return (
        send_stripe(client, stripe_event("checkout.session.completed", email=EMAIL)),
        send_patreon(client, patreon_member(email=EMAIL)),
    )


@pytest.mark.parametrize("url", [STRIPE_URL, PATREON_URL])
@pytest.mark.parametrize("method", ["get", "head", "put", "delete"])
def test_anything_but_post_is_405(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_webhooks_need_no_csrf_token_and_are_never_cached(db):
    client = Client(enforce_csrf_checks=True)
    for response in send_both(client):
        assert response.status_code == 200
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
        assert not response.cookies
    assert get_member(EMAIL).status == Membership.Status.ACTIVE


def test_the_stripe_webhook_is_off_without_its_secret_while_patreons_works(client, settings):
    settings.MEMBERSHIP_STRIPE_WEBHOOK_SECRET = ""
    stripe_response, patreon_response = send_both(client)
    assert stripe_response.status_code == 404
    assert patreon_response.status_code == 200
    assert WebhookEvent.objects.get().provider == "patreon"


def test_the_patreon_webhook_is_off_without_its_secret_while_stripes_works(client, settings):
    settings.MEMBERSHIP_PATREON_WEBHOOK_SECRET = ""
    stripe_response, patreon_response = send_both(client)
    assert (stripe_response.status_code, patreon_response.status_code) == (200, 404)
    assert WebhookEvent.objects.get().provider == "stripe"


@pytest.mark.parametrize(
    "send, event",
    [
        (send_stripe, stripe_event("checkout.session.completed", email=EMAIL)),
        (send_patreon, patreon_member(email=EMAIL)),
    ],
    ids=["stripe", "patreon"],
)
def test_a_body_over_1_mib_is_refused(client, send, event):
    body = encode(event)
    body = body[:-1] + b', "padding": "' + b"x" * MAX_WEBHOOK_BYTES + b'"}'
    response = send(client, body)  # signed: only its size is wrong
    assert response.status_code == 400
    assert "1 MiB" in text(response)
    assert not Membership.objects.exists() and not WebhookEvent.objects.exists()


def test_a_body_of_1_mib_is_read(client):
    body = encode(patreon_member(email=EMAIL))
    body = body[:-1] + b', "padding": "' + b"x" * (MAX_WEBHOOK_BYTES - len(body) - 15) + b'"}'
    assert len(body) == MAX_WEBHOOK_BYTES
    assert send_patreon(client, body).status_code == 200


def test_stripe_and_patreon_for_one_email_are_one_membership(client):
    stripe_response, patreon_response = send_both(client)
    assert (stripe_response.status_code, patreon_response.status_code) == (200, 200)
    membership = Membership.objects.get()
    assert membership.source == Membership.Source.STRIPE  # the first route they came by
    assert membership.stripe_subscription_id and membership.patreon_member_id
    assert set(WebhookEvent.objects.values_list("membership", flat=True)) == {membership.pk}


def test_no_payload_is_stored(client):
    send_patreon(client, patreon_member(email=EMAIL, name="Grace Hopper", cents=300))
    row = WebhookEvent.objects.values_list().get()
    assert not any(
        needle in str(value).lower() for value in row for needle in ("reader", "grace", "300")
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_replay_is_applied_once(live_server):
    """Eight deliveries of one Patreon event race through real requests: one applies it."""
    body = encode(patreon_member(email="race@example.org", name="Racer"))
    headers = testing.patreon_headers(body, PATREON_SECRET, "members:pledge:create")
    url = live_server.url + PATREON_URL
    deliveries = 8
    barrier = threading.Barrier(deliveries)
    answers, errors = [], []

    def deliver():
        try:
            barrier.wait()
            answers.append(testing.post(url, body, headers))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(answers) == [(200, "already processed")] * (deliveries - 1) + [
        (200, "applied: active")
    ]
    assert WebhookEvent.objects.count() == 1
    assert Membership.objects.get().status == Membership.Status.ACTIVE
