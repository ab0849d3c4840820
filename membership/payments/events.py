"""A payment provider's event, applied to a membership at most once.

The event is stored (WebhookEvent, no payload: it holds personal data) in the transaction that
applies it, and the unique (provider, event id) makes a replay, even a concurrent one, change
nothing. Status changes go through `members.change_status`, which ignores an event older than
the last one applied; such an event is still stored, with why it was ignored.
"""

import dataclasses
import datetime

from django.db import IntegrityError, transaction

from ..members import change_status
from ..models import Tier, WebhookEvent

REPLAY = "already processed"
NO_MEMBER = "ignored: no member"


class WebhookRejected(Exception):
    """The webhook answers 400 with this message, and nothing was changed."""


class BadSignature(WebhookRejected):
    pass


class MalformedEvent(WebhookRejected):
    pass


@dataclasses.dataclass(frozen=True)
class Event:
    provider: str
    id: str
    type: str
    occurred_at: datetime.datetime


@dataclasses.dataclass(frozen=True)
class Change:
    """What an event asks of its member: a status, and the tier and provider ids it names."""

    status: str
    tier: Tier | None = None
    ids: dict[str, str] = dataclasses.field(default_factory=dict)


def apply_once(event, change, find_member):
    """Store `event` and apply `change` to the member `find_member()` gives (it may create
    one), all in one transaction. Returns the outcome, a short text; a replay changes nothing."""
    with transaction.atomic():
        try:
            # A savepoint: only this insert's IntegrityError means "seen before". On
            # PostgreSQL a concurrent twin waits here until the first commits, then fails.
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    provider=event.provider,
                    event_id=event.id,
                    event_type=event.type,
                    occurred_at=event.occurred_at,
                )
        except IntegrityError:
            return REPLAY
        membership = find_member()
        if membership is None:
            outcome = NO_MEMBER
        elif change_status(
            membership,
            change.status,
            tier=change.tier,
            event_time=event.occurred_at,
            **change.ids,
        ):
            outcome = f"applied: {change.status}"
        else:
            membership.refresh_from_db(fields=["last_event_at"])
            outcome = f"ignored: older than {membership.last_event_at.isoformat()}"
        record.membership = membership
        record.outcome = outcome
        record.save(update_fields=["membership", "outcome"])
    return outcome
