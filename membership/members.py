"""Members: finding or creating one by email, and every change of a membership's status.

The one place for these rules:

- One email is one member, case-insensitively, whatever the route (the site, Stripe, Patreon,
  staff). The member's Django user is named after a hash of the normalised email, so the
  database's unique username makes two concurrent sign-ups for one email one member.
- Members have no usable password and no admin access.
- A status change records when it happened, and decides whether the member's votes in open
  rounds count (`voting.sync_counted_votes`). A change that comes from a payment provider's
  event carries the event's own time: an event older than the last one applied is ignored,
  so events that arrive out of order never move a membership backwards.
- Deleting a member erases the person: their user, email, name and provider ids, and their
  name in the audit log. What must stay counted (appeal sign-up totals) holds no link to them.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from . import voting
from .models import Membership

USERNAME_PREFIX = "member-"


def normalise_email(email):
    """The form two addresses are compared in: trimmed and case-folded."""
    return (email or "").strip().casefold()


def member_username(email):
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    return USERNAME_PREFIX + digest


def get_member(email):
    """The Membership of this email, or None."""
    if not normalise_email(email):
        return None
    return (
        Membership.objects.select_related("user", "tier")
        .filter(user__username=member_username(email))
        .first()
    )


@transaction.atomic
def find_or_create_member(email, *, name="", source=Membership.Source.SITE):
    """(membership, created): the member with this email, created (pending) if new.

    Safe under concurrency: the second of two simultaneous calls finds the first's member.
    A new member's name is set; an existing member's name only when they had none.
    """
    email = email.strip()
    username = member_username(email)
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=None)
        created = True
    except IntegrityError:
        user = User.objects.get(username=username)
        created = False
    membership, membership_created = Membership.objects.get_or_create(
        user=user, defaults={"name": name, "source": source}
    )
    if not membership_created and name and not membership.name:
        membership.name = name
        membership.save(update_fields=["name"])
    return membership, created or membership_created


@transaction.atomic
def change_status(membership, status, *, source=None, tier=None, event_time=None, **provider_ids):
    """Set the membership's status (and tier, source, provider ids) under a row lock.

    `event_time` is the provider event's own time: when it is older than the last event
    applied, nothing changes and False is returned. Returns True when the change was applied.
    """
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if event_time is not None and locked.last_event_at and event_time < locked.last_event_at:
        return False
    fields = set()
    if locked.status != status:
        locked.status = status
        locked.status_changed_at = timezone.now()
        fields |= {"status", "status_changed_at"}
    if source is not None and locked.source != source:
        locked.source = source
        fields.add("source")
    if tier is not None and locked.tier_id != tier.pk:
        locked.tier = tier
        fields.add("tier")
    if event_time is not None:
        locked.last_event_at = event_time
        fields.add("last_event_at")
    for field, value in provider_ids.items():
        if value and getattr(locked, field) != value:
            setattr(locked, field, value)
            fields.add(field)
    if fields:
        locked.save(update_fields=sorted(fields))
    if "status" in fields:
        voting.sync_counted_votes(locked)
    # The caller's instance follows what was saved.
    for field in fields:
        setattr(membership, field, getattr(locked, field))
    return True


@transaction.atomic
def delete_member(membership):
    """Erase the person: their user and membership go (provider events keep no link), and the
    audit log's entries about the membership (staff's changes) no longer carry their name."""
    ModelLogEntry.objects.for_instance(membership).update(label=membership.anonymous_label)
    membership.user.delete()
