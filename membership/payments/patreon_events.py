"""Patreon's webhook events: verified with the webhook's secret, and applied to memberships.

Patreon signs the raw body: `X-Patreon-Signature` is its hex HMAC-MD5 with the webhook's
secret, and `X-Patreon-Event` names the event. The body is the JSON:API member resource.

- The member is matched by `data.attributes.email`, created if new (source Patreon), so a
  patron paying through Stripe and Patreon is one Membership. A delete only finds one.
- `patron_status` "active_patron" activates, "declined_patron" lapses, "former_patron" and
  deletes cancel. A member with no pledge (status null: a free follower) is ignored.
- The tier is the one whose Patreon tier id the member is entitled to
  (`relationships.currently_entitled_tiers`); else the dearest active tier their entitled
  amount covers; else it stays as it is.
- The event's time is `last_charge_date`, else `pledge_relationship_start`, else now.
  Patreon sends no event id: it is the body's sha256, so a retried delivery is a replay.
"""

import hashlib
import hmac

from django.utils import timezone
from django.utils.translation import gettext as _

from ..members import find_or_create_member, get_member
from ..models import Membership, Tier, WebhookEvent
from . import payload
from .events import BadSignature, Change, Event, MalformedEvent, apply_once

Status = Membership.Status

DELETES = frozenset({"members:delete", "members:pledge:delete"})
EVENT_NAMES = DELETES | {
    "members:create",
    "members:update",
    "members:pledge:create",
    "members:pledge:update",
}
PATRON_STATUSES = {
    "active_patron": Status.ACTIVE,
    "declined_patron": Status.LAPSED,
    "former_patron": Status.CANCELLED,
}
NAME_LENGTH = Membership._meta.get_field("name").max_length


def verify(body, signature, secret):
    if not signature:
        raise BadSignature(_("The X-Patreon-Signature header is missing."))
    expected = hmac.new(secret.encode(), body, hashlib.md5).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise BadSignature(_("The X-Patreon-Signature header does not match the body."))


def receive(body, *, signature, event_name, secret):
    """Verify and apply one webhook body; returns the outcome. Raises WebhookRejected."""
    verify(body, signature, secret)
    if not event_name:
        raise MalformedEvent(_("The X-Patreon-Event header is missing."))
    if event_name not in EVENT_NAMES:
        return "ignored: event type not handled"
    member = payload.mapping(payload.decode(body), "data")
    email = payload.email(member, "attributes.email")
    name = payload.text(member, "attributes.full_name", required=False) or ""
    patron_status = payload.text(member, "attributes.patron_status", required=False)
    status = Status.CANCELLED if event_name in DELETES else PATRON_STATUSES.get(patron_status)
    if status is None:
        return f"ignored: patron status {patron_status}"
    tier_ids = [
        payload.text(tier, "id")
        for tier in payload.items(member, "relationships.currently_entitled_tiers.data")
    ]
    cents = payload.integer(member, "attributes.currently_entitled_amount_cents", required=False)
    event = Event(
        provider=WebhookEvent.Provider.PATREON,
        id=hashlib.sha256(body).hexdigest(),
        type=event_name,
        occurred_at=payload.iso_time(member, "attributes.last_charge_date")
        or payload.iso_time(member, "attributes.pledge_relationship_start")
        or timezone.now(),
    )
    change = Change(
        status,
        tier=tier_for_pledge(tier_ids, cents),
        ids={"patreon_member_id": payload.text(member, "id", required=False)},
    )

    def find_member():
        if event_name in DELETES:
            return get_member(email)
        membership, _created = find_or_create_member(
            email, name=name[:NAME_LENGTH], source=Membership.Source.PATREON
        )
        return membership

    return apply_once(event, change, find_member)


def tier_for_pledge(tier_ids, cents):
    """The tier of a Patreon pledge (see the module's docstring), or None."""
    tier_ids = [tier_id for tier_id in tier_ids if tier_id]
    if tier_ids:
        tier = Tier.objects.filter(patreon_tier_id__in=tier_ids).order_by("-amount").first()
        if tier is not None:
            return tier
    if not cents or cents <= 0:
        return None
    # Compared in Python: a handful of tiers, and an absurd amount never reaches a query.
    covered = [tier for tier in Tier.objects.active() if tier.amount * 100 <= cents]
    return max(covered, key=lambda tier: tier.amount, default=None)
