"""Staff's changes to topics and rounds: approving or declining a suggestion, changing a
topic's status, merging, deleting. Each is recorded in Wagtail's audit log with who made it.

Votes move only through `membership.voting.merge`. Each change locks the topic's row and
checks its status again, so two moderators acting on the same suggestion at once do not
both succeed: the second is told what happened instead.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import LogFormatter, log

from .. import voting
from ..models import Topic, Vote

APPROVE = "membership.topic.approve"
DECLINE = "membership.topic.decline"
STATUS = "membership.topic.status"
MERGE = "membership.topic.merge"
MERGED_IN = "membership.topic.merged_in"
DELETE_TOPIC = "membership.topic.delete"
DELETE_ROUND = "membership.round.delete"

# Topics that a merge may not move votes into: they are out of the running.
CLOSED_TO_MERGES = (Topic.Status.MERGED, Topic.Status.DECLINED)

GONE = _("That topic no longer exists: someone has deleted it.")


class Refused(Exception):
    """The change can't be made (the message says why); nothing was changed."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def _status_label(value):
    return dict(Topic.Status.choices).get(value, value)


def why_not_merge(topic, into, now=None):
    """Why `topic` can't be merged into `into` (a message), or None if it can."""
    if topic.status == Topic.Status.MERGED:
        return _("“%(topic)s” has already been merged.") % {"topic": topic}
    if into.pk == topic.pk or into.round_id != topic.round_id:
        return _("A topic can only be merged into another topic of its round.")
    if into.status in CLOSED_TO_MERGES:
        return _("“%(into)s” is %(status)s: choose a topic that is still in the running.") % {
            "into": into,
            "status": _status_label(into.status).lower(),
        }
    if topic.round.has_closed(now):
        # voting.py: votes in a closed round are frozen.
        return _("The round has closed and its votes are frozen: its topics can't be merged.")
    return None


def _locked(topic):
    try:
        return Topic.objects.select_for_update().select_related("round").get(pk=topic.pk)
    except Topic.DoesNotExist:
        raise Refused(GONE) from None


def _waiting(topic):
    locked = _locked(topic)
    if locked.status != Topic.Status.PROPOSED:
        raise Refused(
            _("“%(topic)s” is no longer waiting for moderation: it is %(status)s.")
            % {"topic": locked, "status": _status_label(locked.status).lower()}
        )
    return locked


def _set_status(topic, status, user, action, **fields):
    previous = topic.status
    topic.status = status
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.save(update_fields=["status", *fields])
    log(topic, action, user=user, data={"previous_status": previous, "status": status})
    return topic


@transaction.atomic
def approve(topic, user):
    """A suggestion becomes open for votes. Raises Refused if it is no longer proposed."""
    return _set_status(_waiting(topic), Topic.Status.OPEN, user, APPROVE)


@transaction.atomic
def decline(topic, user, note=""):
    """A suggestion is declined, with an optional note (the topic's public note).
    Raises Refused if it is no longer proposed."""
    fields = {"note": note} if note else {}
    return _set_status(_waiting(topic), Topic.Status.DECLINED, user, DECLINE, **fields)


def log_status_change(topic, previous, user):
    """For a status changed in the topic's edit form."""
    log(topic, STATUS, user=user, data={"previous_status": previous, "status": topic.status})


@transaction.atomic
def merge(topic, into, user):
    """Merge `topic` into `into` through voting.merge; returns (votes moved, votes given
    back to voters who had voted for both). Raises Refused."""
    # Both rows locked, in one order, so that two opposite merges can't deadlock.
    locked = {
        row.pk: row
        for row in Topic.objects.select_for_update()
        .select_related("round")
        .filter(pk__in=[topic.pk, into.pk])
        .order_by("pk")
    }
    if topic.pk not in locked or into.pk not in locked:
        raise Refused(GONE)
    topic, into = locked[topic.pk], locked[into.pk]
    if problem := why_not_merge(topic, into):
        raise Refused(problem)
    had = Vote.objects.filter(topic=into).count()
    given = Vote.objects.filter(topic=topic).count()
    voting.merge(topic, into)
    moved = Vote.objects.filter(topic=into).count() - had
    returned = given - moved
    log(
        topic,
        MERGE,
        user=user,
        data={"into": into.pk, "into_title": into.title, "moved": moved, "returned": returned},
    )
    log(into, MERGED_IN, user=user, data={"topic": topic.pk, "title": topic.title, "moved": moved})
    return moved, returned


@transaction.atomic
def delete_topic(topic, user):
    """Delete a topic and its votes (their voters get them back while the round is open)."""
    votes = Vote.objects.filter(topic=topic).count()
    log(topic, DELETE_TOPIC, user=user, deleted=True, data={"votes": votes})
    topic.delete()


@transaction.atomic
def delete_round(voting_round, user):
    """Delete a round with its topics and their votes."""
    topics = Topic.objects.filter(round=voting_round).count()
    votes = Vote.objects.filter(topic__round=voting_round).count()
    log(
        voting_round, DELETE_ROUND, user=user, deleted=True, data={"topics": topics, "votes": votes}
    )
    voting_round.delete()


# --- The audit log's names and messages ----------------------------------------------------------


class StatusFormatter(LogFormatter):
    label = _("Change topic status")

    def format_message(self, log_entry):
        return _("Status changed from “%(previous)s” to “%(status)s”") % {
            "previous": _status_label(log_entry.data.get("previous_status")),
            "status": _status_label(log_entry.data.get("status")),
        }


class ApproveFormatter(LogFormatter):
    label = _("Approve suggestion")
    message = _("Approved: open for votes")


class DeclineFormatter(LogFormatter):
    label = _("Decline suggestion")
    message = _("Declined")


class MergeFormatter(LogFormatter):
    label = _("Merge topic")

    def format_message(self, log_entry):
        data = log_entry.data
        moved, returned = data.get("moved", 0), data.get("returned", 0)
        message = ngettext(
            "Merged into “%(into)s”: %(count)s vote moved",
            "Merged into “%(into)s”: %(count)s votes moved",
            moved,
        ) % {"into": data.get("into_title", ""), "count": moved}
        if returned:
            message += "; " + ngettext(
                "%(count)s vote given back to a patron who had voted for both",
                "%(count)s votes given back to patrons who had voted for both",
                returned,
            ) % {"count": returned}
        return message


class MergedInFormatter(LogFormatter):
    label = _("Receive a merged topic")

    def format_message(self, log_entry):
        data = log_entry.data
        moved = data.get("moved", 0)
        return ngettext(
            "“%(title)s” merged into this topic: %(count)s vote moved in",
            "“%(title)s” merged into this topic: %(count)s votes moved in",
            moved,
        ) % {"title": data.get("title", ""), "count": moved}


class DeleteTopicFormatter(LogFormatter):
    label = _("Delete topic")

    def format_message(self, log_entry):
        votes = log_entry.data.get("votes", 0)
        return ngettext("Deleted, with %(count)s vote", "Deleted, with %(count)s votes", votes) % {
            "count": votes
        }


class DeleteRoundFormatter(LogFormatter):
    label = _("Delete voting round")

    def format_message(self, log_entry):
        return _("Deleted, with its topics (%(topics)s) and their votes (%(votes)s)") % {
            "topics": log_entry.data.get("topics", 0),
            "votes": log_entry.data.get("votes", 0),
        }


FORMATTERS = {
    APPROVE: ApproveFormatter,
    DECLINE: DeclineFormatter,
    STATUS: StatusFormatter,
    MERGE: MergeFormatter,
    MERGED_IN: MergedInFormatter,
    DELETE_TOPIC: DeleteTopicFormatter,
    DELETE_ROUND: DeleteRoundFormatter,
}


def register_log_actions(actions):
    """For the `register_log_actions` hook."""
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)
