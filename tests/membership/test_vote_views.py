"""Voting and suggesting over HTTP: a 303 and a message when taken, a readable 4xx page (or
JSON) when refused, and nothing changed by bad input."""

import datetime
import json
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from membership import voting
from membership.models import Membership, Topic, Vote, VotingRound
from tests.membership.factories import TopicFactory, VotingRoundFactory
from tests.membership.voters import patron, signed_in_patron

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
JSON = {"HTTP_ACCEPT": "application/json"}
# What a browser's form post sends: JSON is acceptable, but HTML is preferred.
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def vote_url(topic_or_id):
    return f"/membership/topics/{getattr(topic_or_id, 'pk', topic_or_id)}/vote/"


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def links(response):
    return [a["href"] for a in BeautifulSoup(response.content, "html.parser").select("main a")]


@pytest.fixture
def topic(voting_round):
    return TopicFactory(round=voting_round, title="Ports")


@pytest.fixture
def member(client, three_votes):
    return signed_in_patron(client, "reader@example.org", three_votes)


def vote(client, topic, action="vote", **data):
    return client.post(vote_url(topic), {"action": action, **data}, **BROWSER)


# --- Taken ----------------------------------------------------------------------------------


def test_a_vote_is_taken_with_a_303_back_to_the_topic_and_a_message(
    client, topics_page, topic, member
):
    response = vote(client, topic, notify="1")

    assert response.status_code == 303
    assert response["Location"] == f"/topics/#topic-{topic.pk}"
    assert "private" in response["Cache-Control"]
    vote_row = Vote.objects.get(member=member, topic=topic)
    assert vote_row.notify and vote_row.counts
    page = client.get(response["Location"])
    assert "Your vote for “Ports” is counted." in text(page)
    assert "2 of 3 votes left" in text(page)


def test_withdrawing_is_taken_the_same_way(client, topics_page, topic, member):
    voting.cast(member, topic)
    response = vote(client, topic, "withdraw")
    assert response.status_code == 303
    assert not Vote.objects.exists()
    assert "You withdrew your vote for “Ports”." in text(client.get(response["Location"]))


def test_a_script_gets_json(client, topics_page, topic, member, three_votes):
    voting.cast(patron("other@example.org", three_votes), topic)

    voted = client.post(vote_url(topic), {"action": "vote"}, **JSON)
    assert voted.status_code == 200
    assert voted.json() == {"count": 2, "voted": True, "votes_left": 2}
    assert "private" in voted["Cache-Control"]

    withdrawn = client.post(vote_url(topic), {"action": "withdraw"}, **JSON)
    assert withdrawn.json() == {"count": 1, "voted": False, "votes_left": 3}


def test_json_keeps_sealed_counts_sealed(client, member):
    sealed = TopicFactory(round=VotingRoundFactory(results=VotingRound.Results.SEALED))
    answer = client.post(vote_url(sealed), {"action": "vote"}, **JSON).json()
    assert answer == {"count": None, "voted": True, "votes_left": 2}


def test_a_double_click_is_one_vote(client, topic, member):
    for _ in range(2):
        assert vote(client, topic).status_code == 303
    assert Vote.objects.filter(member=member).count() == 1


def test_without_a_topics_page_the_answer_leads_home(client, topic, member):
    assert vote(client, topic)["Location"] == f"/#topic-{topic.pk}"


def test_a_vote_keeps_the_patron_cookie_in_step(client, topic, member):
    assert vote(client, topic).cookies["membership_patron"].value == "1"


# --- Refused --------------------------------------------------------------------------------


def assert_refused(response, status, message, *, back="/topics/"):
    assert response.status_code == status
    assert message in text(response)
    assert back in links(response)
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (-48 * HOUR, -HOUR, "Voting in this round has closed."),
        (HOUR, 9 * HOUR, "Voting in this round has not opened yet."),
    ],
)
def test_votes_only_while_the_round_is_open(client, topics_page, member, opens, closes, message):
    now = timezone.now()
    other = TopicFactory(round=VotingRoundFactory(opens_at=now + opens, closes_at=now + closes))
    for action in ("vote", "withdraw"):
        assert_refused(vote(client, other, action), 409, message)
        answer = client.post(vote_url(other), {"action": action}, **JSON)
        assert answer.status_code == 409
        assert answer.json()["error"] in ("round_closed", "round_not_open")
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "status",
    [Topic.Status.PROPOSED, Topic.Status.DECLINED, Topic.Status.MERGED, Topic.Status.PLANNED],
)
def test_votes_only_on_open_topics(client, topics_page, voting_round, member, status):
    closed_topic = TopicFactory(round=voting_round, status=status)
    assert_refused(vote(client, closed_topic), 409, "This topic is not open for votes.")
    answer = client.post(vote_url(closed_topic), {"action": "vote"}, **JSON)
    assert answer.json() == {
        "error": "topic_not_open",
        "message": "This topic is not open for votes.",
    }
    assert not Vote.objects.exists()


def test_a_topic_of_a_closed_round_takes_no_vote_while_another_round_is_open(
    client, topics_page, topic, member
):
    now = timezone.now()
    last_round = VotingRoundFactory(opens_at=now - 48 * HOUR, closes_at=now - HOUR)
    old = TopicFactory(round=last_round)
    assert_refused(vote(client, old), 409, "Voting in this round has closed.")
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "status", [Membership.Status.PENDING, Membership.Status.LAPSED, Membership.Status.CANCELLED]
)
def test_only_active_members_vote(client, topics_page, topic, three_votes, status):
    signed_in_patron(client, "reader@example.org", three_votes, status)
    response = vote(client, topic)
    assert_refused(response, 403, "Only patrons whose membership is active can vote.")
    assert "/membership/account/" in links(response)
    assert not Vote.objects.exists()


def test_not_signed_in_is_a_403_with_a_way_to_sign_in(client, topics_page, topic):
    response = vote(client, topic)
    assert_refused(response, 403, "Sign in as a patron to vote.")
    assert "/membership/sign-in/" in links(response)
    answer = client.post(vote_url(topic), {"action": "vote"}, **JSON)
    assert (answer.status_code, answer.json()["error"]) == (403, "not_signed_in")
    assert not Vote.objects.exists()


def test_no_votes_left(client, topics_page, voting_round, member):
    four = [TopicFactory(round=voting_round) for _ in range(4)]
    for spent in four[:3]:
        voting.cast(member, spent)
    assert_refused(vote(client, four[3]), 409, "You have no votes left in this round.")
    answer = client.post(vote_url(four[3]), {"action": "vote"}, **JSON)
    assert answer.json()["error"] == "no_votes_left"
    assert Vote.objects.filter(member=member).count() == 3


def test_withdrawing_a_vote_never_cast(client, topics_page, topic, member):
    assert_refused(vote(client, topic, "withdraw"), 409, "You have not voted for this topic.")


# --- Bad requests ---------------------------------------------------------------------------


def test_a_vote_by_get_is_not_allowed(client, topic, member):
    response = client.get(vote_url(topic), {"action": "vote"})
    assert response.status_code == 405
    assert not Vote.objects.exists()


def test_a_vote_without_the_csrf_token_is_refused(topic, three_votes):
    careful = Client(enforce_csrf_checks=True)
    signed_in_patron(careful, "reader@example.org", three_votes)
    response = careful.post(vote_url(topic), {"action": "vote"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_a_vote_with_the_page_s_csrf_token_is_taken(topics_page, topic, three_votes):
    careful = Client(enforce_csrf_checks=True)
    signed_in_patron(careful, "reader@example.org", three_votes)
    page = BeautifulSoup(careful.get("/topics/").content, "html.parser")
    token = page.select_one(f"#topic-{topic.pk} input[name=csrfmiddlewaretoken]")["value"]
    response = careful.post(vote_url(topic), {"action": "vote", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert Vote.objects.count() == 1


@pytest.mark.parametrize("topic_id", ["999999", "9223372036854775808", "99999999999999999999"])
def test_an_unknown_topic_is_a_404(client, topics_page, member, topic_id):
    response = client.post(vote_url(topic_id), {"action": "vote"})
    assert_refused(response, 404, "There is no such topic.")
    answer = client.post(vote_url(topic_id), {"action": "vote"}, **JSON)
    assert (answer.status_code, answer.json()["error"]) == (404, "not_found")


@pytest.mark.parametrize("topic_id", ["abc", "-1", "1.5", "１"])
def test_a_malformed_topic_id_is_a_404(client, member, topic_id):
    assert (
        client.post(f"/membership/topics/{topic_id}/vote/", {"action": "vote"}).status_code == 404
    )


@pytest.mark.parametrize("data", [{}, {"action": "delete"}, {"action": "VOTE"}, {"action": ""}])
def test_an_unknown_action_is_a_400(client, topics_page, topic, member, data):
    response = client.post(vote_url(topic), data)
    assert_refused(response, 400, "Choose to vote for the topic or to withdraw.")
    answer = client.post(vote_url(topic), data, **JSON)
    assert (answer.status_code, answer.json()["error"]) == (400, "unknown_action")
    assert not Vote.objects.exists()


# --- Rate limits ----------------------------------------------------------------------------


@pytest.fixture
def frozen_clock():
    """Requests of one test fall in one rate-limit window, whenever the test runs."""
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now):
        yield now


def test_votes_are_rate_limited_per_member(
    client, settings, topics_page, voting_round, member, three_votes, frozen_clock
):
    settings.MEMBERSHIP_VOTE_RATE_LIMIT = 2
    topics = [TopicFactory(round=voting_round) for _ in range(3)]
    assert vote(client, topics[0]).status_code == 303
    assert vote(client, topics[1]).status_code == 303

    refused = vote(client, topics[2])
    assert refused.status_code == 429
    assert "Too many requests" in text(refused)
    assert "/topics/" in links(refused)
    assert int(refused["Retry-After"]) > 0
    answer = client.post(vote_url(topics[2]), {"action": "vote"}, **JSON)
    assert (answer.status_code, answer.json()["error"]) == (429, "rate_limited")
    assert Vote.objects.filter(member=member).count() == 2

    # Another patron, from the same address, is counted apart.
    other = Client()
    signed_in_patron(other, "other@example.org", three_votes)
    assert vote(other, topics[2]).status_code == 303


def test_the_default_limit_lets_a_patron_click_through_a_round(
    client, topics_page, voting_round, member, frozen_clock
):
    topics = [TopicFactory(round=voting_round) for _ in range(3)]
    answers = []
    for _ in range(5):
        for topic in topics:
            answers.append(vote(client, topic).status_code)
            answers.append(vote(client, topic, "withdraw").status_code)
    assert answers == [303] * 30


def test_a_limiter_that_cannot_count_refuses_votes(
    client, topics_page, topic, member, dead_ratelimit_cache
):
    response = vote(client, topic)
    assert response.status_code == 503
    assert not Vote.objects.exists()


# --- Suggestions ----------------------------------------------------------------------------


def suggest(client, **data):
    return client.post("/membership/topics/suggest/", data, **BROWSER)


def test_a_suggestion_waits_for_moderation(client, topics_page, voting_round, member):
    response = suggest(client, title="  Bus routes  ", description="Why were they cut?")

    assert response.status_code == 303
    assert response["Location"] == "/topics/#your-suggestions"
    topic = Topic.objects.get()
    assert (topic.title, topic.description) == ("Bus routes", "Why were they cut?")
    assert (topic.status, topic.round, topic.suggested_by) == (
        Topic.Status.PROPOSED,
        voting_round,
        member,
    )
    page = client.get(response["Location"])
    assert "“Bus routes” waits for our editors" in text(page)


def test_a_script_payload_is_kept_as_text_and_shown_escaped(
    client, topics_page, voting_round, member
):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    suggest(client, title=payload, description=payload)
    topic = Topic.objects.get()
    assert topic.title == payload and topic.description == payload
    html = client.get("/topics/").content.decode()
    assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "description": "Only this"}, "Name the topic you would like us to cover."),
        ({"title": "   "}, "Name the topic you would like us to cover."),
        ({"title": "x" * 121}, "A topic has at most 120 characters."),
        ({"title": "Fine", "description": "x" * 1001}, "A description has at most 1000"),
        ({"title": "Nul\x00byte"}, "Null characters are not allowed."),
    ],
)
def test_a_bad_suggestion_is_a_400_with_the_form(
    client, topics_page, voting_round, member, data, message
):
    response = suggest(client, **data)
    assert response.status_code == 400
    assert message in text(response)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("form[action='/membership/topics/suggest/']")
    assert not Topic.objects.exists()


def test_the_longest_suggestion_is_taken(client, voting_round, member):
    assert suggest(client, title="x" * 120, description="y" * 1000).status_code == 303
    assert Topic.objects.get().title == "x" * 120


def test_at_most_three_suggestions_a_round(client, topics_page, voting_round, member):
    for i in range(3):
        assert suggest(client, title=f"Idea {i}").status_code == 303
    response = suggest(client, title="Idea 3")
    assert_refused(response, 409, "You can suggest at most 3 topics in a round.")
    assert Topic.objects.count() == 3


def test_suggestions_need_an_active_patron(client, topics_page, voting_round, three_votes):
    assert_refused(suggest(client, title="Idea"), 403, "Sign in as a patron to vote.")
    signed_in_patron(client, "reader@example.org", three_votes, Membership.Status.LAPSED)
    assert_refused(suggest(client, title="Idea"), 403, "Only patrons whose membership is active")
    assert not Topic.objects.exists()


def test_suggestions_need_a_round_open_now(client, topics_page, member):
    assert_refused(suggest(client, title="Idea"), 409, "No voting round is open now.")
    assert not Topic.objects.exists()


def test_a_suggestion_by_get_is_not_allowed(client, voting_round, member):
    assert client.get("/membership/topics/suggest/", {"title": "Idea"}).status_code == 405
    assert not Topic.objects.exists()


def test_a_suggestion_without_the_csrf_token_is_refused(voting_round, three_votes):
    careful = Client(enforce_csrf_checks=True)
    signed_in_patron(careful, "reader@example.org", three_votes)
    assert careful.post("/membership/topics/suggest/", {"title": "Idea"}).status_code == 403
    assert not Topic.objects.exists()


def test_suggestions_are_rate_limited_per_member(
    client, settings, topics_page, voting_round, member, frozen_clock
):
    settings.MEMBERSHIP_SUGGEST_RATE_LIMIT = 1
    assert suggest(client, title="Idea").status_code == 303
    response = suggest(client, title="Another")
    assert response.status_code == 429
    assert "Too many requests" in text(response)
    assert Topic.objects.count() == 1


def test_the_json_error_body_is_json(client, topic, member):
    answer = client.post(vote_url(topic), {"action": "nope"}, **JSON)
    assert answer["Content-Type"] == "application/json"
    assert json.loads(answer.content)["message"]
