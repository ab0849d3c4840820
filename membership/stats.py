"""Counting what appeals earn: totals per appeal per day, nothing about readers."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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


def _appeal_pk(value):
    """An appeal id from trusted code or from a link's ?appeal=, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    # ASCII digits only: str.isdigit() also accepts "²" (int() raises) and "１" (int() reads 1).
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def record_signup(appeal_id, *, date=None):
    """The sign-up work calls this when a sign-up that came from an appeal is confirmed.

    `appeal_id` may come from the call to action's ?appeal= link: anything that is not the id
    of an existing appeal is ignored.
    """
    appeal_id = _appeal_pk(appeal_id)
    if appeal_id is None:
        return
    if Appeal.objects.filter(pk=appeal_id).exists():
        record(appeal_id, "signup", date=date)
