"""Voting rounds open and close by the clock: nothing is saved when they do, so nothing purges.

A round is open while `opens_at <= now < closes_at` (membership.voting refuses votes outside
it, and sealed results show from `closes_at`), so no row changes at either moment and no
email goes out. What does change is the topics page and the round's results page: a cached
copy would keep showing the vote buttons, or keep the results sealed. `purge_round_boundaries`
purges those pages for every round that opened or closed in a recent window; the periodic
jobs (`manage.py run_periodic_jobs`) call it every minute. A purge is idempotent, so a
boundary seen by two runs (the window is wider than the interval, to survive a missed run)
costs a second purge and nothing else.
"""

import datetime

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from .coverage import purge_urls
from .models import VotingRound

# Wider than the one-minute interval the README gives, so a run missed or late by a few
# minutes still purges what crossed a boundary meanwhile.
WINDOW = datetime.timedelta(minutes=10)


def rounds_crossing(since, now):
    """Rounds that opened or closed in (since, now]."""
    return VotingRound.objects.filter(
        Q(opens_at__gt=since, opens_at__lte=now) | Q(closes_at__gt=since, closes_at__lte=now)
    ).order_by("pk")


def purge_round_boundaries(now=None, window=WINDOW):
    """Purge the topics pages and results of rounds that opened or closed within `window`
    before `now`. Returns the rounds' ids."""
    now = now or timezone.now()
    round_ids = list(rounds_crossing(now - window, now).values_list("pk", flat=True))
    if round_ids and apps.is_installed("wagtail.contrib.frontend_cache"):
        PurgeBatch(purge_urls([], round_ids)).purge()
    return round_ids
