"""Posting signed webhook events to the site under test, as Stripe and Patreon would."""

from membership.payments import testing

STRIPE_URL = "/membership/webhooks/stripe/"
PATREON_URL = "/membership/webhooks/patreon/"
STRIPE_SECRET = "whsec_test_newsroom"
PATREON_SECRET = "patreon-test-secret"


def send_stripe(client, event, *, secret=STRIPE_SECRET, timestamp=None):
    """Post a Stripe event (a dict, or a body as bytes), signed with `secret`."""
    body = event if isinstance(event, bytes) else testing.encode(event)
    headers = testing.stripe_headers(body, secret, timestamp=timestamp)
    return client.post(STRIPE_URL, body, content_type="application/json", headers=headers)


def send_patreon(client, member, event_name="members:pledge:update", *, secret=PATREON_SECRET):
    """Post a Patreon event (a member dict, or a body as bytes), signed with `secret`."""
    body = member if isinstance(member, bytes) else testing.encode(member)
    headers = testing.patreon_headers(body, secret, event_name)
    return client.post(PATREON_URL, body, content_type="application/json", headers=headers)


def text(response):
    return response.content.decode()
