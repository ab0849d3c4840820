"""membership.voting: who may vote, the budget, withdrawing, lapses, merging, suggestions."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from membership import voting
from membership.members import change_status, delete_member, find_or_create_member
from membership.models import Membership, Tier, Topic, Vote, VotingRound

pytestmark = pytest.mark.django_db

NOW = timezone.now()
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def tier():
    return Tier.objects.create(name="Three votes", amount="5.00", votes_per_round=3)


@pytest.fixture
def member(tier):
    return patron("reader@example.org", tier)


def patron(email, tier, status=Membership.Status.ACTIVE):
    membership, _ = find_or_create_member(email)
    change_status(membership, status, tier=tier)
    return Membership.objects.select_related("tier").get(pk=membership.pk)


@pytest.fixture
def round_():
    return VotingRound.objects.create(
        title="What next?", opens_at=NOW - HOUR, closes_at=NOW + 24 * HOUR
    )


def topics(voting_round, n, status=Topic.Status.OPEN):
    return [
        Topic.objects.create(round=voting_round, title=f"Topic {i}", status=status)
        for i in range(n)
    ]


def refused(reason, function, *args, **kwargs):
    with pytest.raises(voting.Refused) as info:
        function(*args, **kwargs)
    assert info.value.reason == reason
    return info.value


def test_an_active_patron_votes_and_the_budget_goes_down(member, round_):
    first, second = topics(round_, 2)
    ballot = voting.cast(member, first, notify=True)
    assert (ballot.voted, ballot.votes_left, ballot.count) == (True, 2, 1)
    assert voting.cast(member, second).votes_left == 1
    assert Vote.objects.get(member=member, topic=first).notify


def test_the_budget_is_the_tiers_votes_per_round(member, round_):
    four = topics(round_, 4)
    for topic in four[:3]:
        voting.cast(member, topic)
    error = refused("no_votes_left", voting.cast, member, four[3])
    assert error.status == 409
    assert Vote.objects.filter(member=member).count() == 3


def test_voting_twice_for_a_topic_is_one_vote(member, round_):
    [topic] = topics(round_, 1)
    voting.cast(member, topic)
    again = voting.cast(member, topic, notify=True)
    assert (again.count, again.votes_left) == (1, 2)
    assert Vote.objects.get().notify  # the second click may still ask to be told


def test_withdrawing_gives_the_vote_back(member, round_):
    [topic] = topics(round_, 1)
    voting.cast(member, topic)
    ballot = voting.withdraw(member, topic)
    assert (ballot.voted, ballot.votes_left, ballot.count) == (False, 3, 0)
    refused("not_voted", voting.withdraw, member, topic)


@pytest.mark.parametrize(
    "status", [Membership.Status.PENDING, Membership.Status.LAPSED, Membership.Status.CANCELLED]
)
def test_only_active_members_vote(tier, round_, status):
    [topic] = topics(round_, 1)
    error = refused("not_active", voting.cast, patron("x@example.org", tier, status), topic)
    assert error.status == 403


def test_nobody_votes_without_signing_in(round_):
    [topic] = topics(round_, 1)
    refused("not_signed_in", voting.cast, None, topic)


@pytest.mark.parametrize(
    ("opens", "closes", "reason"),
    [(HOUR, 2 * HOUR, "round_not_open"), (-2 * HOUR, -HOUR, "round_closed")],
)
def test_votes_only_while_the_round_is_open(member, opens, closes, reason):
    voting_round = VotingRound.objects.create(
        title="Elsewhen", opens_at=NOW + opens, closes_at=NOW + closes
    )
    [topic] = topics(voting_round, 1)
    refused(reason, voting.cast, member, topic)
    refused(reason, voting.withdraw, member, topic)


@pytest.mark.parametrize(
    "status",
    [Topic.Status.PROPOSED, Topic.Status.DECLINED, Topic.Status.MERGED, Topic.Status.PLANNED],
)
def test_votes_only_on_open_topics(member, round_, status):
    [topic] = topics(round_, 1, status=status)
    refused("topic_not_open", voting.cast, member, topic)


def test_a_lapse_stops_votes_counting_until_reactivation(member, round_, tier):
    first, second = topics(round_, 2)
    voting.cast(member, first)
    other = patron("other@example.org", tier)
    voting.cast(other, first)
    assert voting.count(first) == 2
    change_status(member, Membership.Status.LAPSED)
    assert voting.count(first) == 1
    refused("not_active", voting.cast, member, second)
    change_status(member, Membership.Status.ACTIVE)
    assert voting.count(first) == 2


def test_votes_in_a_closed_round_are_frozen(member, tier):
    voting_round = VotingRound.objects.create(
        title="Last month", opens_at=NOW - 48 * HOUR, closes_at=NOW + HOUR
    )
    [topic] = topics(voting_round, 1)
    voting.cast(member, topic)
    VotingRound.objects.filter(pk=voting_round.pk).update(closes_at=NOW - HOUR)
    change_status(member, Membership.Status.CANCELLED)
    assert voting.count(topic) == 1


def test_a_deleted_member_s_votes_stay_counted_with_no_link(member, round_):
    [topic] = topics(round_, 1)
    voting.cast(member, topic)
    delete_member(member)
    vote = Vote.objects.get()
    assert vote.member is None
    assert voting.count(topic) == 1


def test_merging_moves_votes_and_gives_a_duplicate_back(member, round_, tier):
    source, target, third = topics(round_, 3)
    both = patron("both@example.org", tier)
    voting.cast(member, source, notify=True)  # only the source
    voting.cast(both, source, notify=True)  # both topics
    voting.cast(both, target)
    voting.cast(both, third)
    assert voting.votes_left(both, round_) == 0

    voting.merge(source, target)

    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Topic.Status.MERGED, target)
    assert voting.count(source) == 0
    assert voting.count(target) == 2
    assert Vote.objects.get(member=member, topic=target).notify
    assert Vote.objects.get(member=both, topic=target).notify  # asked on either: kept
    assert voting.votes_left(both, round_) == 1  # the duplicate came back
    refused("topic_not_open", voting.cast, member, source)


def test_a_topic_merges_only_within_its_round(round_):
    [topic] = topics(round_, 1)
    other_round = VotingRound.objects.create(
        title="Other", opens_at=NOW - HOUR, closes_at=NOW + HOUR
    )
    [elsewhere] = topics(other_round, 1)
    for into in (topic, elsewhere):
        with pytest.raises(ValueError):
            voting.merge(topic, into)


def test_sealed_rounds_hide_counts_until_they_close(member):
    sealed = VotingRound.objects.create(
        title="Sealed",
        opens_at=NOW - HOUR,
        closes_at=NOW + HOUR,
        results=VotingRound.Results.SEALED,
    )
    [topic] = topics(sealed, 1)
    assert voting.cast(member, topic).count is None


def test_suggestions_wait_for_moderation_three_per_round(member, round_):
    for i in range(3):
        topic = voting.suggest(member, round_, title=f"Idea {i}", description="<b>why</b>")
        assert (topic.status, topic.suggested_by) == (Topic.Status.PROPOSED, member)
    assert Topic.objects.get(title="Idea 0").description == "<b>why</b>"  # text, not HTML
    refused("too_many_suggestions", voting.suggest, member, round_, title="Idea 3")


def test_only_active_patrons_suggest_while_the_round_is_open(tier, round_):
    refused(
        "not_active", voting.suggest, patron("p@example.org", tier, "pending"), round_, title="x"
    )
    closed = VotingRound.objects.create(title="Old", opens_at=NOW - 2 * HOUR, closes_at=NOW)
    refused("round_closed", voting.suggest, patron("a@example.org", tier), closed, title="x")


def test_the_current_round_is_the_open_one_closing_first(round_):
    sooner = VotingRound.objects.create(title="Sooner", opens_at=NOW - HOUR, closes_at=NOW + HOUR)
    VotingRound.objects.create(title="Not yet", opens_at=NOW + HOUR, closes_at=NOW + 2 * HOUR)
    assert VotingRound.objects.current() == sooner
    assert VotingRound.objects.current(NOW + 25 * HOUR) is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_votes_never_overspend_the_budget(tier):
    """One member fires a vote at 10 topics at once: exactly 3 are taken."""
    member = patron("racer@example.org", tier)
    voting_round = VotingRound.objects.create(
        title="Race", opens_at=NOW - HOUR, closes_at=NOW + HOUR
    )
    ten = topics(voting_round, 10)
    barrier = threading.Barrier(len(ten))
    outcomes = []

    def vote(topic):
        try:
            barrier.wait()
            outcomes.append(voting.cast(member, topic).voted)
        except voting.Refused as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(topic,)) for topic in ten]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == ["True"] * 3 + ["no_votes_left"] * 7
    assert Vote.objects.filter(member=member).count() == 3
