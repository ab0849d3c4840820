"""Topics in the Wagtail admin: the listing (filters, search, vote counts), adding, editing,
the articles that covered a topic, deleting, and who may do what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membership import voting
from membership.models import Topic, Vote
from tests.factories import ArticlePageFactory
from tests.membership.staff import staff_user
from tests.membership.voting_staff import (
    column,
    editor,
    listed,
    logged,
    moderator,
    open_round,
    patron,
    topic,
    vote,
)

pytestmark = pytest.mark.django_db

INDEX = "topics:index"
RESULTS = "topics:index_results"


@pytest.fixture
def staff(client, django_user_model):
    user = moderator(django_user_model)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def rounds():
    return open_round("Spring"), open_round("Summer")


@pytest.fixture
def topics(rounds):
    spring, summer = rounds
    made = {
        "ports": topic(spring, "Ports after the storm"),
        "rail": topic(spring, "Rail fares"),
        "schools": topic(spring, "School meals", status=Topic.Status.PLANNED),
        "bridges": topic(summer, "Bridges in need of repair"),
        "idea": topic(summer, "A patron's idea", status=Topic.Status.PROPOSED),
    }
    ada, grace = patron("ada@example.org", "Ada"), patron("grace@example.org", "Grace")
    vote(ada, made["ports"], made["rail"])
    vote(grace, made["ports"])
    return made


def form_data(**overrides):
    return {
        "title": "Ports after the storm",
        "description": "",
        "status": "open",
        "note": "",
    } | overrides


# --- The listing ---------------------------------------------------------------------------------


def test_the_listing_shows_each_topic_with_its_votes(staff, topics):
    response = staff.get(reverse(INDEX), {"round": topics["ports"].round_id})
    assert listed(response) == ["Ports after the storm", "Rail fares", "School meals"]
    assert column(response, "votes") == [2, 1, 0]
    html = response.content.decode()
    assert "Open for votes" in html and "Planned" in html and "Spring" in html


def test_votes_that_stopped_counting_are_not_counted(staff, topics):
    grace = Vote.objects.get(member__name="Grace").member
    Vote.objects.filter(member=grace).update(counts=False)  # as a lapse leaves them
    response = staff.get(reverse(INDEX), {"round": topics["ports"].round_id})
    assert column(response, "votes")[0] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "planned"}, ["School meals"]),
        ({"status": "proposed"}, ["A patron's idea"]),
        ({"q": "rail"}, ["Rail fares"]),
        ({"q": "BRIDGES"}, ["Bridges in need of repair"]),
        ({"q": "nothing like it"}, []),
    ],
)
def test_filters_and_search(staff, topics, query, expected):
    assert listed(staff.get(reverse(RESULTS), query)) == expected


def test_filter_by_round_and_status_together(staff, topics, rounds):
    query = {"round": rounds[1].pk, "status": "open"}
    assert listed(staff.get(reverse(RESULTS), query)) == ["Bridges in need of repair"]


def test_sorting_by_votes(staff, topics):
    response = staff.get(
        reverse(INDEX), {"ordering": "vote_count", "round": topics["ports"].round_id}
    )
    assert column(response, "votes") == [0, 1, 2]


def test_a_bad_filter_value_is_not_an_error(staff, topics):
    assert staff.get(reverse(RESULTS), {"round": "x", "status": "nonsense"}).status_code == 200


def listing_queries(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == count
    return len(queries)


def test_the_listing_costs_the_same_queries_for_3_topics_as_for_30(staff):
    spring = open_round("Spring")
    voters = [patron(f"reader{number}@example.org", votes_per_round=30) for number in range(3)]

    def add(numbers):
        for number in numbers:
            made = topic(spring, f"Topic {number}")
            vote(voters[number % 3], made)

    add(range(3))
    few = listing_queries(staff, 3)
    add(range(3, 30))
    assert listing_queries(staff, 30) == few


# --- Adding and editing --------------------------------------------------------------------------


def test_staff_add_a_topic(staff, rounds):
    data = form_data(round=rounds[0].pk, title="Harbour jobs", description="Who works there?")
    response = staff.post(reverse("topics:add"), data)
    assert response.status_code == 302
    harbour = Topic.objects.get(title="Harbour jobs")
    assert (harbour.round, harbour.status, harbour.suggested_by) == (rounds[0], "open", None)
    assert logged(harbour) == [("wagtail.create", staff.user, "Created")]


def test_merged_is_not_a_status_to_choose(staff, rounds, topics):
    response = staff.post(reverse("topics:add"), form_data(round=rounds[0].pk, status="merged"))
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    edit = staff.get(reverse("topics:edit", args=[topics["rail"].pk]))
    assert "merged" not in dict(edit.context["form"].fields["status"].choices)


def test_a_status_change_is_logged_with_who_made_it(staff, topics):
    rail = topics["rail"]
    response = staff.post(
        reverse("topics:edit", args=[rail.pk]), form_data(title="Rail fares", status="planned")
    )
    assert response.status_code == 302
    rail.refresh_from_db()
    assert rail.status == "planned"
    assert logged(rail) == [
        ("wagtail.edit", staff.user, "Edited"),
        (
            "membership.topic.status",
            staff.user,
            "Status changed from “Open for votes” to “Planned”",
        ),
    ]


def test_an_edit_that_keeps_the_status_logs_no_status_change(staff, topics):
    rail = topics["rail"]
    data = form_data(title="Rail fares in the north", note="We are on it.")
    staff.post(reverse("topics:edit", args=[rail.pk]), data)
    rail.refresh_from_db()
    assert (rail.title, rail.note) == ("Rail fares in the north", "We are on it.")
    assert [action for action, _user, _message in logged(rail)] == ["wagtail.edit"]


def test_the_round_of_a_topic_stays(staff, topics, rounds):
    rail = topics["rail"]
    data = form_data(title="Rail fares", round=rounds[1].pk)
    staff.post(reverse("topics:edit", args=[rail.pk]), data)
    rail.refresh_from_db()
    assert rail.round == rounds[0]


def test_a_merged_topics_status_stays_merged(staff, topics):
    rail, ports = topics["rail"], topics["ports"]
    voting.merge(rail, ports)
    edit = staff.get(reverse("topics:edit", args=[rail.pk]))
    assert edit.context["form"].fields["status"].disabled
    staff.post(reverse("topics:edit", args=[rail.pk]), form_data(title="Rail", status="open"))
    rail.refresh_from_db()
    assert (rail.title, rail.status) == ("Rail", "merged")


# --- The articles that covered it ----------------------------------------------------------------


def test_staff_link_the_articles_that_covered_a_topic(staff, topics, news):
    first, second = ArticlePageFactory(parent=news), ArticlePageFactory(parent=news)
    ports = topics["ports"]
    data = form_data(status="covered")
    data["covered_by"] = [first.pk, "", second.pk]  # the empty choosers post nothing chosen
    response = staff.post(reverse("topics:edit", args=[ports.pk]), data)
    assert response.status_code == 302
    ports.refresh_from_db()
    assert ports.status == "covered"
    assert set(ports.covered_by.all()) == {first.page_ptr, second.page_ptr}
    edit = staff.get(reverse("topics:edit", args=[ports.pk])).content.decode()
    assert first.title in edit and second.title in edit
    assert edit.count('name="covered_by"') == 4  # the two chosen, and two empty choosers


def test_emptying_the_choosers_unlinks_the_articles(staff, topics, news):
    ports = topics["ports"]
    ports.covered_by.set([ArticlePageFactory(parent=news)])
    staff.post(reverse("topics:edit", args=[ports.pk]), form_data(covered_by=""))
    assert not ports.covered_by.exists()


@pytest.mark.parametrize("chosen", ["home", "news", "404404", "abc"])
def test_only_article_pages_cover_a_topic(staff, topics, home, news, chosen):
    value = {"home": home.pk, "news": news.pk}.get(chosen, chosen)
    ports = topics["ports"]
    response = staff.post(reverse("topics:edit", args=[ports.pk]), form_data(covered_by=value))
    assert response.status_code == 200
    assert "covered_by" in response.context["form"].errors
    assert not ports.covered_by.exists()


def test_the_page_types_that_cover_a_topic_are_a_setting(staff, topics, home, settings):
    settings.MEMBERSHIP_COVERAGE_PAGE_TYPES = ["home.HomePage"]
    ports = topics["ports"]
    response = staff.post(reverse("topics:edit", args=[ports.pk]), form_data(covered_by=home.pk))
    assert response.status_code == 302
    assert list(ports.covered_by.all()) == [home.page_ptr]


# --- Deleting ------------------------------------------------------------------------------------


def test_deleting_a_topic_with_votes_asks_first_gives_the_votes_back_and_is_logged(staff, topics):
    ports = topics["ports"]
    url = reverse("topics:delete", args=[ports.pk])
    confirm = staff.get(url).content.decode()
    assert "This topic has 2 votes" in confirm
    assert Topic.objects.filter(pk=ports.pk).exists()
    ada = Vote.objects.filter(member__name="Ada").first().member
    assert voting.votes_left(ada, ports.round) == 1
    response = staff.post(url)
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=ports.pk).exists()
    assert voting.votes_left(ada, ports.round) == 2
    assert logged(ports) == [("membership.topic.delete", staff.user, "Deleted, with 2 votes")]


def test_deleting_a_topic_without_votes(staff, topics):
    idea = topics["idea"]
    confirm = staff.get(reverse("topics:delete", args=[idea.pk])).content.decode()
    assert "Are you sure you want to delete this topic?" in confirm
    staff.post(reverse("topics:delete", args=[idea.pk]))
    assert logged(idea) == [("membership.topic.delete", staff.user, "Deleted, with 0 votes")]


# --- Who may -------------------------------------------------------------------------------------


def test_editors_see_topics_and_change_nothing(client, django_user_model, topics):
    client.force_login(editor(django_user_model))
    ports = topics["ports"]
    response = client.get(reverse(INDEX))
    assert len(listed(response)) == 5
    html = response.content.decode()
    assert reverse("topics:moderate", args=[ports.pk]) not in html
    assert reverse("topics:edit", args=[ports.pk]) not in html
    assert client.get(reverse("topics:inspect", args=[ports.pk])).status_code == 200
    for response in (
        client.post(reverse("topics:add"), form_data(round=ports.round_id, title="New")),
        client.post(reverse("topics:edit", args=[ports.pk]), form_data(status="declined")),
        client.post(reverse("topics:delete", args=[ports.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    ports.refresh_from_db()
    assert ports.status == "open"
    assert Topic.objects.count() == 5


def test_staff_without_a_topic_permission_are_turned_away(client, django_user_model, topics):
    client.force_login(staff_user(django_user_model, "writer", "view_tier"))
    for name in (INDEX, "topic_suggestions:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")


def test_members_are_sent_to_log_in(client, topics):
    client.force_login(Vote.objects.first().member.user)
    response = client.get(reverse(INDEX))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
