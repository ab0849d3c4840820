"""The voting rules: the one place that decides who may vote, how often, and what counts.

- Only members whose membership is active vote, only while the topic's round is open, and
  only on topics that are open for votes.
- A member casts at most their tier's `votes_per_round` votes in a round. The budget is
  checked and spent inside a transaction holding a row lock on the member's Membership, so
  concurrent requests queue up instead of overspending it; a second vote for the same topic
  (a double click) is answered as already voted, and the database's unique constraint stands
  behind that.
- A patron may withdraw a vote while the round is open; the budget comes back.
- When a membership stops being active, its votes in open rounds stop counting, and count
  again if it is reactivated before the round closes (`sync_counted_votes`, called by
  `membership.members.change_status`). Votes in a closed round are frozen.
- Merging a topic into another moves its votes; a voter who voted for both keeps one vote,
  gets the other back, and keeps asking to be told if either asked.
- Counts are always computed from the vote rows.
- Readers see every topic of a round that has opened except suggestions waiting for
  moderation and declined topics nobody voted for (a suggestion declined in moderation was
  never public); a member also sees their own suggestions while they wait.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Membership, Topic, Vote, VotingRound

SUGGESTIONS_PER_ROUND = 3

# Why a vote or a suggestion is refused, and the HTTP status that says so.
REFUSALS = {
    "not_signed_in": (403, _("Sign in as a patron to vote.")),
    "not_active": (403, _("Only patrons whose membership is active can vote.")),
    "round_not_open": (409, _("Voting in this round has not opened yet.")),
    "round_closed": (409, _("Voting in this round has closed.")),
    "topic_not_open": (409, _("This topic is not open for votes.")),
    "no_votes_left": (409, _("You have no votes left in this round.")),
    "not_voted": (409, _("You have not voted for this topic.")),
    "too_many_suggestions": (409, _("You can suggest at most 3 topics in a round.")),
    "no_round": (409, _("No voting round is open now.")),
}


class Refused(Exception):
    def __init__(self, reason):
        self.reason = reason
        self.status, self.message = REFUSALS[reason]
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Ballot:
    """How a topic stands for one member after they voted or withdrew."""

    topic_id: int
    voted: bool
    votes_left: int
    count: int | None  # None while the round's results are sealed


def budget(membership):
    """How many votes the member may cast in a round: 0 unless they are active."""
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return 0
    return membership.tier.votes_per_round if membership.tier_id else 0


def votes_used(membership, voting_round):
    return Vote.objects.filter(member=membership, topic__round=voting_round).count()


def votes_left(membership, voting_round):
    if membership is None:
        return 0
    return max(budget(membership) - votes_used(membership, voting_round), 0)


def counted_votes():
    """The Count() of a topic's votes that count, for annotating topics."""
    return Count("votes", filter=Q(votes__counts=True))


def public_topics():
    """The topics readers may see (in a round that has opened): all but suggestions waiting
    for moderation, and declined topics with no votes, which were never open."""
    voted = Exists(Vote.objects.filter(topic=OuterRef("pk")))
    return Topic.objects.exclude(status=Topic.Status.PROPOSED).exclude(
        Q(status=Topic.Status.DECLINED) & ~voted
    )


def suggestions_left(made):
    """How many more topics a member who suggested `made` in a round may suggest in it."""
    return max(SUGGESTIONS_PER_ROUND - made, 0)


def count(topic):
    return Vote.objects.filter(topic=topic, counts=True).count()


def _check_open(topic, now):
    if now < topic.round.opens_at:
        raise Refused("round_not_open")
    if now >= topic.round.closes_at:
        raise Refused("round_closed")
    if topic.status != Topic.Status.OPEN:
        raise Refused("topic_not_open")


def _locked_member(membership):
    """The member's Membership row, locked until the transaction ends: one ballot at a time."""
    if membership is None:
        raise Refused("not_signed_in")
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("tier")
        .get(pk=membership.pk)
    )
    if locked.status != Membership.Status.ACTIVE:
        raise Refused("not_active")
    return locked


def _locked_topic(topic):
    """The topic's row, locked after the member's: a merge, which locks members first and then
    topics, never lands between a vote's checks and its write."""
    return Topic.objects.select_for_update(of=("self",)).select_related("round").get(pk=topic.pk)


def _ballot(member, topic, voted):
    shown = count(topic) if topic.round.shows_counts() else None
    return Ballot(
        topic_id=topic.pk, voted=voted, votes_left=votes_left(member, topic.round), count=shown
    )


def cast(membership, topic, *, notify=False, now=None):
    """Vote for `topic`. Voting again for it changes nothing (but may ask to be told).
    Raises Refused."""
    now = now or timezone.now()
    with transaction.atomic():
        member = _locked_member(membership)
        topic = _locked_topic(topic)
        _check_open(topic, now)
        existing = Vote.objects.filter(member=member, topic=topic).first()
        if existing is None:
            if votes_used(member, topic.round) >= budget(member):
                raise Refused("no_votes_left")
            try:
                with transaction.atomic():
                    Vote.objects.create(member=member, topic=topic, notify=notify, created_at=now)
            except IntegrityError:
                pass  # the same vote, cast by a request the lock did not hold back
        elif notify and not existing.notify:
            existing.notify = True
            existing.save(update_fields=["notify"])
        return _ballot(member, topic, voted=True)


def withdraw(membership, topic, *, now=None):
    """Take back a vote for `topic` while its round is open; the budget comes back.
    Raises Refused."""
    now = now or timezone.now()
    with transaction.atomic():
        member = _locked_member(membership)
        topic = _locked_topic(topic)
        _check_open(topic, now)
        deleted, _ = Vote.objects.filter(member=member, topic=topic).delete()
        if not deleted:
            raise Refused("not_voted")
        return _ballot(member, topic, voted=False)


def sync_counted_votes(membership, *, now=None):
    """After the membership's status changed: its votes in open rounds count only while it
    is active. Closed rounds are left as they closed."""
    now = now or timezone.now()
    open_rounds = VotingRound.objects.filter(closes_at__gt=now)
    Vote.objects.filter(member=membership, topic__round__in=open_rounds).update(
        counts=membership.status == Membership.Status.ACTIVE
    )


@transaction.atomic
def merge(topic, into):
    """Merge `topic` into `into` (same round): its votes move there; a voter who voted for
    both keeps one vote (asking to be told if either did) and gets the other back."""
    if topic.pk == into.pk or topic.round_id != into.round_id:
        raise ValueError("A topic merges into another topic of its round.")
    # Locks in the order cast() takes them, members then topics, so the two never deadlock
    # and no vote lands on the topic while it merges.
    voters = Vote.objects.filter(topic__in=[topic, into], member__isnull=False)
    list(
        Membership.objects.select_for_update()
        .filter(pk__in=voters.values("member_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    list(Topic.objects.select_for_update().filter(pk__in=[topic.pk, into.pk]).order_by("pk"))
    for vote in Vote.objects.select_for_update().filter(topic=topic):
        target = Vote.objects.filter(topic=into, member=vote.member).first()
        if vote.member_id is None or target is None:
            vote.topic = into
            vote.save(update_fields=["topic"])
            continue
        if vote.notify and not target.notify:
            target.notify = True
            target.save(update_fields=["notify"])
        vote.delete()
    topic.status = Topic.Status.MERGED
    topic.merged_into = into
    topic.save(update_fields=["status", "merged_into"])


def suggest(membership, voting_round, *, title, description="", now=None):
    """A patron's suggestion: a proposed topic, for moderation. Raises Refused."""
    now = now or timezone.now()
    with transaction.atomic():
        member = _locked_member(membership)
        if now < voting_round.opens_at:
            raise Refused("round_not_open")
        if now >= voting_round.closes_at:
            raise Refused("round_closed")
        made = Topic.objects.filter(round=voting_round, suggested_by=member).count()
        if not suggestions_left(made):
            raise Refused("too_many_suggestions")
        return Topic.objects.create(
            round=voting_round,
            title=title,
            description=description,
            status=Topic.Status.PROPOSED,
            suggested_by=member,
            created_at=now,
        )
