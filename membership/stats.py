"""Counting what appeals earn: totals per appeal per day, nothing about readers."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .links import appeal_pk
from .models import Appeal, AppealDay

EVENTS = {"view": "views", "click": "clicks", "signup": "signups"}


def record(appeal_id, event, *, date=None):
    """Add one `event` ("view", "click" or "signup") to the appeal's total for the day."""
    field = EVENTS[event]
    date = date or timezone.localdate()
    updated = AppealDay.objects.filter(appeal_id=appeal_id, date=date).update(
        **{field: F(field) + 1}
    )
    if updated:
        return
    try:
        with transaction.atomic():
            AppealDay.objects.create(appeal_id=appeal_id, date=date, **{field: 1})
    except IntegrityError:
        # Another request created the row first: add to it instead.
        AppealDay.objects.filter(appeal_id=appeal_id, date=date).update(**{field: F(field) + 1})


def record_signup(appeal_id, *, date=None):
    """The sign-up work calls this when a sign-up that came from an appeal is confirmed.

    `appeal_id` may come from the call to action's ?appeal= link: anything that is not the id
    of an existing appeal is ignored.
    """
    appeal_id = appeal_pk(appeal_id)
    if appeal_id is None:
        return
    if Appeal.objects.filter(pk=appeal_id).exists():
        record(appeal_id, "signup", date=date)
