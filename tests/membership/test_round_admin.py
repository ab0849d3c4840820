"""Voting rounds in the Wagtail admin: adding, editing, the listing, deleting, and who may."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from membership.models import Topic, Vote, VotingRound
from tests.membership.staff import staff_user
from tests.membership.voting_staff import (
    HOUR,
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


def local(when):
    """A datetime as the admin's date-time field takes it."""
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def round_form(**overrides):
    now = timezone.now()
    return {
        "title": "Spring round",
        "intro": "What should we look into next?",
        "opens_at": local(now + HOUR),
        "closes_at": local(now + 48 * HOUR),
        "results": "sealed",
    } | overrides


@pytest.fixture
def staff(client, django_user_model):
    user = moderator(django_user_model)
    client.force_login(user)
    client.user = user
    return client


def test_staff_add_a_round(staff):
    response = staff.post(reverse("voting_rounds:add"), round_form())
    assert response.status_code == 302
    spring = VotingRound.objects.get()
    assert (spring.title, spring.results) == ("Spring round", "sealed")
    assert spring.closes_at - spring.opens_at == 47 * HOUR
    assert logged(spring) == [("wagtail.create", staff.user, "Created")]


@pytest.mark.parametrize("hours", [0, -1])
def test_a_round_that_closes_before_it_opens_is_refused_with_a_message(staff, hours):
    opens = timezone.now() + HOUR
    form = round_form(opens_at=local(opens), closes_at=local(opens + hours * HOUR))
    response = staff.post(reverse("voting_rounds:add"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["closes_at"] == [
        "A round closes after it opens: choose a later time."
    ]
    assert "A round closes after it opens" in response.content.decode()
    assert not VotingRound.objects.exists()


def test_editing_a_round_checks_the_dates_too(staff):
    spring = open_round("Spring")
    form = round_form(title="Spring", closes_at=local(spring.opens_at - HOUR))
    form["opens_at"] = local(spring.opens_at)
    response = staff.post(reverse("voting_rounds:edit", args=[spring.pk]), form)
    assert response.status_code == 200
    assert "closes_at" in response.context["form"].errors
    spring.refresh_from_db()
    assert spring.closes_at > spring.opens_at


def test_editing_a_round(staff):
    spring = open_round("Spring")
    form = round_form(title="Spring, extended", results="live")
    staff.post(reverse("voting_rounds:edit", args=[spring.pk]), form)
    spring.refresh_from_db()
    assert (spring.title, spring.results) == ("Spring, extended", "live")


def test_missing_dates_are_a_form_error(staff):
    response = staff.post(reverse("voting_rounds:add"), round_form(opens_at="", closes_at="x"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"opens_at", "closes_at"}


def test_the_listing_says_which_rounds_are_open_upcoming_or_closed(staff):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    spring = open_round("Spring", opens_at=now - 30 * day, closes_at=now - 20 * day)
    summer = open_round("Summer", opens_at=now - day, closes_at=now + day)
    open_round("Autumn", opens_at=now + 20 * day, closes_at=now + 30 * day)
    topic(summer, "Ports")
    topic(summer, "Rail", status=Topic.Status.PROPOSED)
    topic(spring, "Roads")
    response = staff.get(reverse("voting_rounds:index"))
    assert listed(response) == ["Autumn", "Summer", "Spring"]
    assert [str(state) for state in column(response, "state")] == ["Upcoming", "Open", "Closed"]
    assert column(response, "topics") == [0, 2, 1]
    assert column(response, "waiting") == [0, 1, 0]


def test_each_round_links_to_its_topics_and_results(staff):
    spring = open_round("Spring")
    html = staff.get(reverse("voting_rounds:index")).content.decode()
    topics = reverse("topics:index") + f"?round={spring.pk}"
    assert topics in html
    assert f"{topics}&amp;export=csv" in html and f"{topics}&amp;export=xlsx" in html


def test_deleting_a_round_with_votes_asks_first_and_is_logged(staff):
    spring = open_round("Spring")
    ports, rail = topic(spring, "Ports"), topic(spring, "Rail")
    vote(patron("ada@example.org"), ports, rail)
    url = reverse("voting_rounds:delete", args=[spring.pk])
    confirm = staff.get(url).content.decode()
    assert "This round has 2 topics" in confirm
    assert "results are lost" in confirm
    assert VotingRound.objects.exists()
    response = staff.post(url)
    assert response.status_code == 302
    assert not VotingRound.objects.exists() and not Vote.objects.exists()
    assert logged(spring) == [
        (
            "membership.round.delete",
            staff.user,
            "Deleted, with its topics (2) and their votes (2)",
        )
    ]


def test_editors_see_rounds_and_change_nothing(client, django_user_model):
    spring = open_round("Spring")
    client.force_login(editor(django_user_model))
    assert listed(client.get(reverse("voting_rounds:index"))) == ["Spring"]
    assert client.get(reverse("voting_rounds:inspect", args=[spring.pk])).status_code == 200
    for response in (
        client.post(reverse("voting_rounds:add"), round_form()),
        client.post(reverse("voting_rounds:edit", args=[spring.pk]), round_form()),
        client.post(reverse("voting_rounds:delete", args=[spring.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert [round_.title for round_ in VotingRound.objects.all()] == ["Spring"]


def test_staff_without_a_voting_permission_are_turned_away(client, django_user_model):
    client.force_login(staff_user(django_user_model, "writer", "view_tier"))
    response = client.get(reverse("voting_rounds:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
