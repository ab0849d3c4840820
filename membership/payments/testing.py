"""Stripe and Patreon webhook events, built and signed exactly as the providers do, for the
tests and for `manage.py send_test_webhook`.

The signatures are computed here from the providers' documented formats, not with the code
that verifies them, so a test of the webhooks checks our verification against the real thing:

- Stripe: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<time>.<body>">`, keyed
  with the endpoint's signing secret (whsec_…);
- Patreon: `X-Patreon-Signature: <hex HMAC-MD5 of the body>`, keyed with the webhook's secret,
  and `X-Patreon-Event: <event name>`.

Ids derive from the email, so events sent one after another for one email concern the same
Stripe customer and subscription, or Patreon member.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid

STRIPE_EVENTS = (
    "checkout.session.completed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.payment_failed",
)
PATREON_EVENTS = (
    "members:pledge:create",
    "members:pledge:update",
    "members:pledge:delete",
    "members:create",
    "members:update",
    "members:delete",
)


def _tag(email):
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:14]


def stripe_ids(email):
    """(customer id, subscription id) of this email's test subscription."""
    tag = _tag(email)
    return f"cus_test_{tag}", f"sub_test_{tag}"


def stripe_event(
    event_type,
    *,
    email,
    created=None,
    reference=None,
    status=None,
    price_id="",
    customer_id=None,
    subscription_id=None,
):
    """A Stripe event (a dict) of `event_type` about this email's subscription.

    `created`: its Unix time (default now); `reference`: a Checkout Session's
    client_reference_id; `status`: a subscription's status (default "active", or "canceled"
    for a deletion); `price_id`: its price.
    """
    default_customer, default_subscription = stripe_ids(email)
    customer_id = customer_id or default_customer
    subscription_id = subscription_id or default_subscription
    if event_type == "checkout.session.completed":
        data = {
            "id": f"cs_test_{uuid.uuid4().hex}",
            "object": "checkout.session",
            "mode": "subscription",
            "status": "complete",
            "payment_status": "paid",
            "client_reference_id": reference,
            "customer": customer_id,
            "customer_email": email,
            "customer_details": {"email": email},
            "subscription": subscription_id,
        }
    elif event_type.startswith("customer.subscription."):
        if status is None:
            status = "canceled" if event_type.endswith(".deleted") else "active"
        data = {
            "id": subscription_id,
            "object": "subscription",
            "customer": customer_id,
            "status": status,
            "items": {
                "object": "list",
                "data": [{"id": f"si_test_{_tag(email)}", "price": {"id": price_id}}],
            },
        }
    elif event_type.startswith("invoice."):
        data = {
            "id": f"in_test_{uuid.uuid4().hex}",
            "object": "invoice",
            "customer": customer_id,
            "customer_email": email,
            "status": "open",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": subscription_id},
            },
        }
    else:
        data = {"id": f"obj_test_{uuid.uuid4().hex}", "object": event_type.split(".")[0]}
    return {
        "id": f"evt_test_{uuid.uuid4().hex}",
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": int(time.time()) if created is None else created,
        "livemode": False,
        "type": event_type,
        "data": {"object": data},
    }


def patreon_member(
    *,
    email,
    patron_status="active_patron",
    name="",
    tier_ids=(),
    cents=None,
    last_charge_date=None,
    pledge_start=None,
):
    """A Patreon webhook body (a dict): the JSON:API member resource for this email.

    Dates are ISO 8601 text; `last_charge_date` defaults to now."""
    if last_charge_date is None:
        last_charge_date = time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime())
    return {
        "data": {
            "type": "member",
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{email.strip().casefold()}")),
            "attributes": {
                "email": email,
                "full_name": name,
                "patron_status": patron_status,
                "currently_entitled_amount_cents": cents,
                "last_charge_date": last_charge_date,
                "last_charge_status": "Paid",
                "pledge_relationship_start": pledge_start,
            },
            "relationships": {
                "currently_entitled_tiers": {
                    "data": [{"id": tier_id, "type": "tier"} for tier_id in tier_ids]
                }
            },
        },
        "included": [],
    }


def encode(event):
    return json.dumps(event).encode()


def stripe_headers(body, secret, *, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={timestamp},v1={signature}"}


def patreon_headers(body, secret, event_name):
    signature = hmac.new(secret.encode(), body, hashlib.md5).hexdigest()
    return {"X-Patreon-Signature": signature, "X-Patreon-Event": event_name}


def post(url, body, headers, *, timeout=10):
    """POST a webhook body; returns (status, response text). Raises OSError when unreachable."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"Not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
