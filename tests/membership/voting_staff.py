"""Rounds, topics, voting patrons and staff for the voting admin's tests. Votes are cast through
`membership.voting`, as the vote endpoint casts them."""

import datetime

from django.utils import timezone
from wagtail.models import ModelLogEntry

from membership import voting
from membership.members import change_status, find_or_create_member
from membership.models import Membership, Tier, Topic, VotingRound
from tests.membership.staff import staff_user

HOUR = datetime.timedelta(hours=1)

MODERATOR_PERMISSIONS = (
    "add_votinground",
    "change_votinground",
    "delete_votinground",
    "view_votinground",
    "add_topic",
    "change_topic",
    "delete_topic",
    "view_topic",
)
EDITOR_PERMISSIONS = ("view_votinground", "view_topic")


def open_round(title="What next?", **fields):
    now = timezone.now()
    return VotingRound.objects.create(
        title=title,
        opens_at=fields.pop("opens_at", now - HOUR),
        closes_at=fields.pop("closes_at", now + 24 * HOUR),
        **fields,
    )


def topic(voting_round, title, status=Topic.Status.OPEN, **fields):
    return Topic.objects.create(round=voting_round, title=title, status=status, **fields)


def patron(email, name="", votes_per_round=3):
    """An active patron on a tier with `votes_per_round` votes."""
    tier, _ = Tier.objects.get_or_create(
        name=f"{votes_per_round} votes",
        defaults={"amount": "5.00", "votes_per_round": votes_per_round},
    )
    membership, _ = find_or_create_member(email, name=name)
    change_status(membership, Membership.Status.ACTIVE, tier=tier)
    return Membership.objects.select_related("tier").get(pk=membership.pk)


def vote(membership, *topics, notify=False):
    for chosen in topics:
        voting.cast(membership, chosen, notify=notify)


def moderator(django_user_model, username="moderator", *extra):
    return staff_user(django_user_model, username, *MODERATOR_PERMISSIONS, *extra)


def editor(django_user_model, username="editor", *extra):
    return staff_user(django_user_model, username, *EDITOR_PERMISSIONS, *extra)


def logged(instance):
    """(action, user, message) of the instance's audit log entries, oldest first."""
    return [
        (entry.action, entry.user, entry.message)
        for entry in ModelLogEntry.objects.for_instance(instance).order_by("timestamp", "pk")
    ]


def listed(response):
    """The titles in a listing, in its order."""
    assert response.status_code == 200
    return [str(item) for item in response.context["object_list"]]


def column(response, name):
    """What the listing shows in one column, row by row."""
    table = response.context["table"]
    return [table.columns[name].get_value(row.instance) for row in table.rows]
