"""The topics page: the round open now, the same for every anonymous reader and cacheable,
personal for a signed-in patron; and each round's results."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from membership import voting
from membership.models import Membership, Topic, TopicsPage, VotingRound
from newsroom.home.models import HomePage
from tests.factories import ArticlePageFactory
from tests.membership.factories import SignupPageFactory, TopicFactory, VotingRoundFactory
from tests.membership.voters import patron, signed_in_patron

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def topic_titles(response):
    return [
        h.get_text(strip=True) for h in soup(response).select(".topic-list--open .topic__title")
    ]


@pytest.fixture
def open_topics(voting_round):
    return [
        TopicFactory(round=voting_round, title=f"Open {i}", description=f"Why {i} matters.")
        for i in range(3)
    ]


def test_anonymous_readers_see_the_open_topics_with_counts_and_an_invitation(
    client, topics_page, voting_round, open_topics, three_votes, signup_page
):
    voting.cast(patron("a@example.org", three_votes), open_topics[0])
    voting.cast(patron("b@example.org", three_votes), open_topics[0])
    voting.cast(patron("c@example.org", three_votes), open_topics[1])
    for status in ("proposed", "planned", "declined", "merged"):
        TopicFactory(round=voting_round, title=f"Not open: {status}", status=status)

    response = client.get("/topics/")

    assert response.status_code == 200
    assert topic_titles(response) == ["Open 0", "Open 1", "Open 2"]
    page = soup(response)
    counts = [c.get_text(" ", strip=True) for c in page.select(".topic__count")]
    assert counts == ["Votes: 2", "Votes: 1", "Votes: 0"]
    assert "Why 1 matters." in page.select(".topic__description")[1].get_text()
    invitation = page.select_one(".topics__invitation")
    assert invitation.select_one("a")["href"] == "/support/"
    assert not page.select("form[data-vote]")
    assert not page.select("script[src*='topics.js']")


def test_the_invitation_leads_to_the_live_sign_up_page_wherever_it_is(
    client, home, topics_page, voting_round
):
    SignupPageFactory(parent=home, slug="join")
    invitation = soup(client.get("/topics/")).select_one(".topics__invitation a")
    assert invitation["href"] == "/join/"


def test_without_a_sign_up_page_the_invitation_leads_to_support(client, topics_page, voting_round):
    invitation = soup(client.get("/topics/")).select_one(".topics__invitation a")
    assert invitation["href"] == "/support/"


def test_the_anonymous_page_is_the_same_for_everyone_and_cacheable(
    client, topics_page, voting_round, open_topics
):
    first = client.get("/topics/")
    second = Client().get("/topics/", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.9")

    assert first.content == second.content
    for response in (first, second):
        assert "Cookie" not in response.get("Vary", "")
        assert "public" in response["Cache-Control"]
        assert "s-maxage" in response["Cache-Control"]
        assert not response.cookies
        assert b"csrfmiddlewaretoken" not in response.content


def test_a_signed_in_patron_s_page_is_theirs(
    client, topics_page, voting_round, open_topics, three_votes
):
    member = signed_in_patron(client, "reader@example.org", three_votes)
    voting.cast(member, open_topics[1], notify=True)

    response = client.get("/topics/")

    assert response["Cache-Control"].startswith("private")
    assert "no-store" in response["Cache-Control"]
    assert response.cookies["membership_patron"].value == "1"
    page = soup(response)
    assert page.select_one(".topics__left").get_text(" ", strip=True) == "2 of 3 votes left"
    forms = page.select("form[data-vote]")
    assert [f.select_one("input[name=action]")["value"] for f in forms] == [
        "vote",
        "withdraw",
        "vote",
    ]
    assert forms[0]["action"] == f"/membership/topics/{open_topics[0].pk}/vote/"
    assert all(f.select_one("input[name=csrfmiddlewaretoken]") for f in forms)
    assert forms[1].select_one("[data-voted]").get("hidden") is None
    assert forms[1].select_one("[data-notified]").get("hidden") is None
    assert forms[0].select_one("[data-voted]").has_attr("hidden")
    assert forms[0].select_one("input[name=notify]")["value"] == "1"
    assert page.select_one(".topics__invitation") is None
    script = page.select_one("script[src$='membership/topics.js']")
    assert script["integrity"].startswith("sha256-")


def test_with_no_votes_left_the_vote_buttons_wait(
    client, topics_page, voting_round, open_topics, three_votes
):
    four = TopicFactory(round=voting_round, title="Open 3")
    member = signed_in_patron(client, "reader@example.org", three_votes)
    for topic in open_topics:
        voting.cast(member, topic)

    page = soup(client.get("/topics/"))

    assert page.select_one(".topics__left").get_text(" ", strip=True) == "0 of 3 votes left"
    assert page.select_one("[data-spent]").get("hidden") is None
    fourth = page.select_one(f"#topic-{four.pk} button")
    assert fourth.has_attr("disabled")
    withdraw = page.select_one(f"#topic-{open_topics[0].pk} button")
    assert not withdraw.has_attr("disabled")


@pytest.mark.parametrize(
    "status", [Membership.Status.PENDING, Membership.Status.LAPSED, Membership.Status.CANCELLED]
)
def test_a_member_who_is_not_active_sees_why_they_cannot_vote(
    client, topics_page, voting_round, open_topics, three_votes, status
):
    signed_in_patron(client, "reader@example.org", three_votes, status)
    response = client.get("/topics/")
    page = soup(response)
    assert "Only patrons whose membership is active can vote." in page.get_text()
    assert not page.select("form[data-vote]")
    assert response["Cache-Control"].startswith("private")


def test_sealed_counts_stay_hidden_until_the_round_closes(client, topics_page, three_votes):
    sealed = VotingRoundFactory(results=VotingRound.Results.SEALED)
    topic = TopicFactory(round=sealed)
    member = signed_in_patron(Client(), "reader@example.org", three_votes)
    voting.cast(member, topic)

    assert not soup(client.get("/topics/")).select(".topic__count")
    results_url = f"/topics/results/{sealed.pk}/"
    assert "1 vote" not in soup(client.get(results_url)).get_text()

    VotingRound.objects.filter(pk=sealed.pk).update(closes_at=timezone.now() - HOUR)
    outcome = soup(client.get(results_url)).select_one(".topic__outcome")
    assert "1 vote" in outcome.get_text(" ", strip=True)


def test_the_current_round_is_chosen_by_date(client, topics_page):
    now = timezone.now()
    later = VotingRoundFactory(title="Closes later", opens_at=now - HOUR, closes_at=now + 9 * HOUR)
    sooner = VotingRoundFactory(title="Closes sooner", opens_at=now - HOUR, closes_at=now + HOUR)
    upcoming = VotingRoundFactory(title="Not yet", opens_at=now + HOUR, closes_at=now + 9 * HOUR)
    for voting_round in (later, sooner, upcoming):
        TopicFactory(round=voting_round, title=f"In {voting_round.title}")

    response = client.get("/topics/")

    assert soup(response).select_one("#round-heading").get_text() == "Closes sooner"
    assert topic_titles(response) == ["In Closes sooner"]


def test_with_no_round_open_the_page_says_so_and_links_past_results(client, topics_page):
    now = timezone.now()
    past = VotingRoundFactory(title="Last spring", opens_at=now - 90 * HOUR, closes_at=now - HOUR)
    TopicFactory(round=past, title="Old topic")

    response = client.get("/topics/")

    page = soup(response)
    assert "No round is open for votes right now." in page.get_text()
    assert topic_titles(response) == []
    [link] = page.select(".topics__past a")
    assert (link.get_text(), link["href"]) == ("Last spring", f"/topics/results/{past.pk}/")


def test_with_no_round_open_a_signed_in_patron_is_not_asked_to_join_or_sign_in(
    client, topics_page, three_votes
):
    signed_in_patron(client, "reader@example.org", three_votes)
    response = client.get("/topics/")
    page = soup(response)
    assert "No round is open for votes right now." in page.get_text()
    assert page.select_one(".topics__invitation") is None
    assert response["Cache-Control"].startswith("private")
    # Readers who are not signed in still get the invitation.
    assert soup(Client().get("/topics/")).select_one(".topics__invitation") is not None


def test_a_suggestion_is_shown_to_its_author_alone_while_it_waits(
    client, topics_page, voting_round, three_votes
):
    author = signed_in_patron(client, "author@example.org", three_votes)
    payload = '<script>alert("x")</script>'
    voting.suggest(author, voting_round, title=payload, description="<b>bold</b> & more")

    mine = client.get("/topics/")
    waiting = soup(mine).select_one("#your-suggestions .topic--waiting")
    assert waiting.select_one(".topic__title").get_text(" ", strip=True).startswith(payload)
    assert "waiting for review" in waiting.get_text()
    assert b'<script>alert("x")</script>' not in mine.content
    assert b"&lt;script&gt;" in mine.content
    assert b"&lt;b&gt;bold&lt;/b&gt; &amp; more" in mine.content

    other = Client()
    signed_in_patron(other, "other@example.org", three_votes)
    for response in (other.get("/topics/"), Client().get("/topics/")):
        assert b"alert" not in response.content


def test_the_suggestion_form_is_for_active_patrons_with_suggestions_left(
    client, topics_page, voting_round, three_votes
):
    member = signed_in_patron(client, "author@example.org", three_votes)
    form = soup(client.get("/topics/")).select_one("form[action='/membership/topics/suggest/']")
    assert form.select_one("input[name=title]")["maxlength"] == "120"
    assert form.select_one("textarea[name=description]")["maxlength"] == "1000"
    for i in range(3):
        voting.suggest(member, voting_round, title=f"Idea {i}")
    page = soup(client.get("/topics/"))
    assert page.select_one("form[action='/membership/topics/suggest/']") is None
    assert "You have made all your suggestions for this round." in page.get_text()
    assert not soup(Client().get("/topics/")).select("#your-suggestions")


def test_messages_show_on_the_patron_s_page_only(client, topics_page, voting_round, three_votes):
    topic = TopicFactory(round=voting_round, title="Ports")
    signed_in_patron(client, "reader@example.org", three_votes)
    anonymous = Client().get("/topics/").content

    response = client.post(f"/membership/topics/{topic.pk}/vote/", {"action": "vote"}, follow=True)

    assert [m.get_text() for m in soup(response).select(".messages li")] == [
        "Your vote for “Ports” is counted."
    ]
    assert Client().get("/topics/").content == anonymous.replace(
        b"Votes: <span data-count>0", b"Votes: <span data-count>1"
    )


# --- Results --------------------------------------------------------------------------------


@pytest.fixture
def closed_round(db):
    now = timezone.now()
    return VotingRoundFactory(title="Spring round", opens_at=now - 48 * HOUR, closes_at=now + HOUR)


def close(voting_round):
    VotingRound.objects.filter(pk=voting_round.pk).update(closes_at=timezone.now() - HOUR)


def test_results_rank_topics_and_say_what_became_of_each(
    client, topics_page, closed_round, news, three_votes
):
    covered = TopicFactory(round=closed_round, title="Covered topic")
    planned = TopicFactory(round=closed_round, title="Planned topic")
    declined = TopicFactory(round=closed_round, title="Declined topic")
    merged = TopicFactory(round=closed_round, title="Merged topic")
    TopicFactory(round=closed_round, title="Waiting suggestion", status=Topic.Status.PROPOSED)
    TopicFactory(round=closed_round, title="Refused suggestion", status=Topic.Status.DECLINED)
    voters = [patron(f"v{i}@example.org", three_votes) for i in range(3)]
    for voter in voters:
        voting.cast(voter, covered)
    voting.cast(voters[0], planned)
    voting.cast(voters[1], planned)
    voting.cast(voters[2], declined)
    voting.merge(merged, planned)
    close(closed_round)
    story = ArticlePageFactory(parent=news, title="The story")
    draft = ArticlePageFactory(parent=news, title="Unpublished", live=False)
    covered.status = Topic.Status.COVERED
    covered.note = "We spent a month on it.\n\nRead on."
    covered.save()
    covered.covered_by.set([story, draft])
    Topic.objects.filter(pk=planned.pk).update(status=Topic.Status.PLANNED)
    Topic.objects.filter(pk=declined.pk).update(
        status=Topic.Status.DECLINED, note="Others covered it well."
    )

    response = client.get(f"/topics/results/{closed_round.pk}/")

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    page = soup(response)
    ranked = page.select(".topic-list--ranked > li")
    assert [li.select_one(".topic__title").get_text() for li in ranked] == [
        "Covered topic",
        "Planned topic",
        "Declined topic",
    ]
    outcomes = [li.select_one(".topic__outcome").get_text(" ", strip=True) for li in ranked]
    assert outcomes == ["Covered 3 votes", "Planned 2 votes", "Declined 1 vote"]
    assert "We spent a month on it." in ranked[0].select_one(".topic__note").get_text()
    assert [a["href"] for a in ranked[0].select(".topic__articles + ul a")] == [story.url]
    assert "Others covered it well." in ranked[2].get_text()
    merged_line = page.select_one(f"#topic-{merged.pk}")
    assert merged_line.select_one("a")["href"] == f"#topic-{planned.pk}"
    text = page.get_text()
    assert "Waiting suggestion" not in text
    assert "Refused suggestion" not in text
    canonical = page.select_one("link[rel=canonical]")["href"]
    assert canonical.endswith(f"/topics/results/{closed_round.pk}/")


def test_a_closed_round_s_results_never_call_a_topic_open_for_votes(
    client, topics_page, closed_round
):
    undecided = TopicFactory(round=closed_round, title="Undecided topic")
    results_url = f"/topics/results/{closed_round.pk}/"
    outcome = soup(client.get(results_url)).select_one(f"#topic-{undecided.pk} .topic__outcome")
    assert outcome.get_text(" ", strip=True) == "Open for votes 0 votes"

    close(closed_round)

    outcome = soup(client.get(results_url)).select_one(f"#topic-{undecided.pk} .topic__outcome")
    assert outcome.get_text(" ", strip=True) == "No decision yet 0 votes"


@pytest.mark.parametrize("path", ["999999/", "9999999999999999999999/", "abc/", "-1/"])
def test_unknown_rounds_have_no_results(client, topics_page, path):
    assert client.get(f"/topics/results/{path}").status_code == 404


def test_a_round_that_has_not_opened_has_no_results_yet(client, topics_page):
    now = timezone.now()
    upcoming = VotingRoundFactory(opens_at=now + HOUR, closes_at=now + 9 * HOUR)
    TopicFactory(round=upcoming, title="Secret plan")
    assert client.get(f"/topics/results/{upcoming.pk}/").status_code == 404


def test_the_topics_page_takes_no_posts(client, topics_page):
    assert client.post("/topics/").status_code == 405


def test_editors_add_one_topics_page_under_the_home_page(home):
    assert TopicsPage in HomePage.allowed_subpage_models()
    assert TopicsPage.can_create_at(home)
    TopicsPage.objects.all().delete()
    home.add_child(instance=TopicsPage(title="Topics", slug="topics"))
    assert not TopicsPage.can_create_at(HomePage.objects.get(pk=home.pk))


# --- Query counts ---------------------------------------------------------------------------


def queries_for(client, django_assert_max_num_queries, url, budget):
    client.get(url)  # warm: site root paths
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


ANONYMOUS_BUDGET = 11
PATRON_BUDGET = 17


@pytest.mark.parametrize(
    ("signed_in", "budget"), [(False, ANONYMOUS_BUDGET), (True, PATRON_BUDGET)]
)
def test_the_topics_page_costs_the_same_for_10_and_100_topics(
    client,
    topics_page,
    voting_round,
    three_votes,
    signup_page,
    django_assert_max_num_queries,
    signed_in,
    budget,
):
    VotingRoundFactory(
        title="Past", opens_at=timezone.now() - 90 * HOUR, closes_at=timezone.now() - HOUR
    )
    if signed_in:
        member = signed_in_patron(client, "reader@example.org", three_votes)
    voters = [patron(f"v{i}@example.org", three_votes) for i in range(3)]

    def add_topics(n):
        made = [TopicFactory(round=voting_round) for _ in range(n)]
        for voter, topic in zip(voters, made, strict=False):
            voting.cast(voter, topic)
        return made

    first = add_topics(10)
    if signed_in:
        voting.cast(member, first[0], notify=True)
        voting.suggest(member, voting_round, title="Mine")
    ten, response = queries_for(client, django_assert_max_num_queries, "/topics/", budget)
    assert len(topic_titles(response)) == 10
    add_topics(90)
    hundred, response = queries_for(client, django_assert_max_num_queries, "/topics/", budget)
    assert len(topic_titles(response)) == 100
    assert ten == hundred
    print(f"topics page, {'patron' if signed_in else 'anonymous'}: {ten} queries")  # noqa: T201


def test_the_results_page_costs_the_same_for_10_and_100_topics(
    client, topics_page, closed_round, news, django_assert_max_num_queries
):
    story = ArticlePageFactory(parent=news)

    def add_topics(n):
        for _ in range(n):
            topic = TopicFactory(round=closed_round, status=Topic.Status.COVERED)
            topic.covered_by.add(story)

    add_topics(10)
    url = f"/topics/results/{closed_round.pk}/"
    ten, _ = queries_for(client, django_assert_max_num_queries, url, 11)
    add_topics(90)
    hundred, _ = queries_for(client, django_assert_max_num_queries, url, 11)
    assert ten == hundred
    print(f"results page: {ten} queries")  # noqa: T201


def test_editors_preview_the_page_with_the_round_open_now(admin_client, topics_page, voting_round):
    TopicFactory(round=voting_round, title="Previewed topic")
    response = admin_client.get(f"/admin/pages/{topics_page.pk}/view_draft/")
    assert response.status_code == 200
    assert "Previewed topic" in topic_titles(response)
    assert "Patrons choose." in soup(response).select_one(".topics__intro").get_text()


def test_an_intro_set_in_code_is_sanitised(home):
    TopicsPage.objects.all().delete()
    page = TopicsPage(
        title="Topics",
        slug="topics",
        intro='<p onclick="steal()">Vote<script>alert(1)</script></p>',
    )
    home.add_child(instance=page)
    intro = TopicsPage.objects.get(pk=page.pk).intro
    assert "script" not in intro and "onclick" not in intro
    assert "Vote" in intro
