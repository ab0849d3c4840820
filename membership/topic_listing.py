"""What the topics page shows: the round open now with the reader's votes, and a round's
results. Each costs the same few queries however many topics a round has (counts are
annotated from the vote rows, articles prefetched).

A request without a session cookie never reads the session (membership.readers): it gets
what every anonymous reader gets. The topics page's model finds the signed-in member.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from . import signup, voting
from .forms import SuggestionForm
from .models import Membership, Topic, TopicsPage, Vote, VotingRound
from .readers import is_personal

PAST_ROUNDS = 12  # closed rounds linked from the topics page, newest first
SIGNUP_FALLBACK_URL = "/support/"


@dataclass(frozen=True)
class Entry:
    """A topic open for votes, as one reader sees it."""

    topic: Topic
    count: int | None  # None while the round's results are sealed
    voted: bool = False
    notify: bool = False


@dataclass(frozen=True)
class Voter:
    """The signed-in member's standing in the round."""

    membership: Membership
    can_vote: bool
    budget: int
    votes_left: int
    waiting: list  # their suggestions, waiting for moderation
    suggestions_left: int


@dataclass(frozen=True)
class PastRound:
    voting_round: VotingRound
    results_url: str


@dataclass(frozen=True)
class CurrentRound:
    personal: bool  # the page is this reader's alone: their votes, messages, CSRF token
    voting_round: VotingRound | None
    results_url: str  # how the round stands: all its topics and what became of them
    entries: list
    shows_counts: bool
    voter: Voter | None  # None unless a member is signed in
    signup_url: str
    past_rounds: list  # PastRounds, newest first
    suggestion_form: SuggestionForm | None  # for an active patron with suggestions left


def topics_page(site):
    """The live topics page of `site` (else any), or None."""
    pages = TopicsPage.objects.live().order_by("path")
    if site is not None:
        return pages.in_site(site).first() or pages.first()
    return pages.first()


def topics_url(request):
    """Where the vote and suggestion answers lead back to: the topics page, else home."""
    page = topics_page(Site.find_for_request(request))
    return (page.get_url(request) if page else None) or "/"


def open_topics(voting_round):
    return list(
        Topic.objects.filter(round=voting_round, status=Topic.Status.OPEN).annotate(
            vote_count=voting.counted_votes()
        )
    )


def _voter(membership, voting_round, now):
    """One query for the member's votes, one for their votes left, one for their
    suggestions."""
    votes = dict(
        Vote.objects.filter(member=membership, topic__round=voting_round).values_list(
            "topic_id", "notify"
        )
    )
    suggested = list(Topic.objects.filter(round=voting_round, suggested_by=membership))
    voter = Voter(
        membership=membership,
        can_vote=membership.is_active and voting_round.is_open(now),
        budget=voting.budget(membership),
        votes_left=voting.votes_left(membership, voting_round),
        waiting=[topic for topic in suggested if topic.status == Topic.Status.PROPOSED],
        suggestions_left=voting.suggestions_left(len(suggested)),
    )
    return voter, votes


def current_round(page, request, membership, *, now=None):
    """The round open now on the topics `page`, as the request's reader sees it;
    `membership` is the signed-in member's, or None."""
    now = now or timezone.now()
    personal = is_personal(request)
    voting_round = VotingRound.objects.current(now)
    signup_page = signup.signup_page(request)
    past_rounds = [
        PastRound(past, page.results_url(past.pk, request=request))
        for past in VotingRound.objects.filter(closes_at__lte=now)[:PAST_ROUNDS]
    ]
    if voting_round is None:
        return CurrentRound(
            personal=personal,
            voting_round=None,
            results_url="",
            entries=[],
            shows_counts=False,
            voter=None,
            signup_url=_url(signup_page, request) or SIGNUP_FALLBACK_URL,
            past_rounds=past_rounds,
            suggestion_form=None,
        )
    shows_counts = voting_round.shows_counts(now)
    voter, votes = _voter(membership, voting_round, now) if membership else (None, {})
    entries = [
        Entry(
            topic=topic,
            count=topic.vote_count if shows_counts else None,
            voted=topic.pk in votes,
            notify=votes.get(topic.pk, False),
        )
        for topic in open_topics(voting_round)
    ]
    can_suggest = voter is not None and voter.can_vote and voter.suggestions_left > 0
    return CurrentRound(
        personal=personal,
        voting_round=voting_round,
        results_url=page.results_url(voting_round.pk, request=request),
        entries=entries,
        shows_counts=shows_counts,
        voter=voter,
        signup_url=_url(signup_page, request) or SIGNUP_FALLBACK_URL,
        past_rounds=past_rounds,
        suggestion_form=SuggestionForm() if can_suggest else None,
    )


def _url(page, request):
    return page.get_url(request) if page is not None else None


@dataclass(frozen=True)
class Outcome:
    """What became of a topic, with its count (None while sealed) and the live articles
    that covered it."""

    topic: Topic
    count: int | None
    articles: list
    status_label: str


def status_label(topic, round_is_open):
    """What became of the topic, in words. A topic still open once its round has closed is
    no longer open for votes: the editors have not decided on it yet."""
    if topic.status == Topic.Status.OPEN and not round_is_open:
        return _("No decision yet")
    return topic.get_status_display()


@dataclass(frozen=True)
class Results:
    voting_round: VotingRound
    is_open: bool
    shows_counts: bool
    ranked: list  # Outcomes, most votes first once counts are shown
    merged: list  # Outcomes of topics merged into others (their votes moved there)


def round_results(voting_round, *, now=None):
    """Two queries (three with the view restrictions of covering articles)."""
    now = now or timezone.now()
    shows_counts = voting_round.shows_counts(now)
    articles = Page.objects.live().public().order_by("-first_published_at", "pk")
    topics = (
        voting.public_topics()
        .filter(round=voting_round)
        .annotate(vote_count=voting.counted_votes())
        .select_related("merged_into")
        .prefetch_related(Prefetch("covered_by", queryset=articles, to_attr="live_articles"))
    )
    order = ("-vote_count", "created_at", "pk") if shows_counts else ("created_at", "pk")
    is_open = voting_round.is_open(now)
    outcomes = [
        Outcome(
            topic=topic,
            count=topic.vote_count if shows_counts else None,
            articles=topic.live_articles,
            status_label=status_label(topic, is_open),
        )
        for topic in topics.order_by(*order)
    ]
    return Results(
        voting_round=voting_round,
        is_open=is_open,
        shows_counts=shows_counts,
        ranked=[o for o in outcomes if o.topic.status != Topic.Status.MERGED],
        merged=[o for o in outcomes if o.topic.status == Topic.Status.MERGED],
    )
