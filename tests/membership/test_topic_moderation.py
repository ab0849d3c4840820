"""The moderation queue: patrons' suggestions, approved, declined or merged by staff through
the admin; every change in Wagtail's audit log with who made it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membership import voting
from membership.models import Topic, Vote
from membership.staff import moderation
from tests.membership.staff import staff_user
from tests.membership.voting_staff import (
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

QUEUE = "topic_suggestions:index"


def moderate_url(chosen):
    return reverse("topics:moderate", args=[chosen.pk])


@pytest.fixture
def staff(client, django_user_model):
    user = moderator(django_user_model)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def spring():
    return open_round("Spring")


@pytest.fixture
def ada():
    return patron("ada@example.org", "Ada")


@pytest.fixture
def idea(spring, ada):
    return voting.suggest(ada, spring, title="Night buses", description="Are there any left?")


# --- The queue -----------------------------------------------------------------------------------


def test_the_queue_lists_suggestions_waiting_oldest_first(staff, spring, ada, idea):
    later = voting.suggest(ada, spring, title="Bike lanes")
    topic(spring, "Ports")  # open: not waiting
    topic(spring, "Rail", status=Topic.Status.DECLINED)
    response = staff.get(reverse(QUEUE))
    assert listed(response) == ["Night buses", "Bike lanes"]
    html = response.content.decode()
    assert moderate_url(idea) in html and moderate_url(later) in html
    assert "Are there any left?" in html


def test_the_queue_filters_by_round_and_searches(staff, spring, ada, idea):
    summer = open_round("Summer")
    voting.suggest(ada, summer, title="Summer fairs")
    results = reverse("topic_suggestions:index_results")
    assert listed(staff.get(results, {"round": summer.pk})) == ["Summer fairs"]
    assert listed(staff.get(results, {"q": "buses"})) == ["Night buses"]


def test_an_empty_queue_says_so(staff, spring):
    html = staff.get(reverse(QUEUE)).content.decode()
    assert "No suggestions are waiting for moderation." in html


def test_the_moderation_page_offers_the_three_actions(staff, spring, idea):
    topic(spring, "Ports")
    html = staff.get(moderate_url(idea)).content.decode()
    assert "Night buses" in html and "Are there any left?" in html
    for value in ("approve", "decline", "merge"):
        assert f'name="action" value="{value}"' in html
    assert "Ports" in html


# --- Approve, decline ----------------------------------------------------------------------------


def test_approving_opens_the_suggestion_for_votes_and_is_logged(staff, ada, idea):
    response = staff.post(moderate_url(idea), {"action": "approve"})
    assert response.status_code == 302
    assert response["Location"] == reverse(QUEUE)
    idea.refresh_from_db()
    assert idea.status == Topic.Status.OPEN
    assert logged(idea) == [("membership.topic.approve", staff.user, "Approved: open for votes")]
    assert voting.cast(ada, idea).voted  # patrons can vote for it now
    assert listed(staff.get(reverse(QUEUE))) == []


def test_declining_with_a_note(staff, idea):
    note = "We covered night buses last month."
    response = staff.post(moderate_url(idea), {"action": "decline", "note": note}, follow=True)
    assert "“Night buses” is declined." in response.content.decode()
    idea.refresh_from_db()
    assert (idea.status, idea.note) == (Topic.Status.DECLINED, note)
    assert logged(idea) == [("membership.topic.decline", staff.user, "Declined")]


def test_declining_without_a_note_keeps_the_note_there_was(staff, idea):
    Topic.objects.filter(pk=idea.pk).update(note="Kept")
    staff.post(moderate_url(idea), {"action": "decline", "note": ""})
    idea.refresh_from_db()
    assert (idea.status, idea.note) == (Topic.Status.DECLINED, "Kept")


def test_a_suggestion_already_moderated_is_not_moderated_twice(staff, idea):
    staff.post(moderate_url(idea), {"action": "approve"})
    response = staff.post(moderate_url(idea), {"action": "decline"}, follow=True)
    assert "no longer waiting for moderation: it is open for votes" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == Topic.Status.OPEN
    assert len(logged(idea)) == 1


def test_an_unknown_action_is_a_bad_request(staff, idea):
    for data in ({"action": "publish"}, {}):
        response = staff.post(moderate_url(idea), data)
        assert response.status_code == 400
    idea.refresh_from_db()
    assert idea.status == Topic.Status.PROPOSED


def test_an_unknown_topic_is_404(staff, spring):
    assert staff.get(reverse("topics:moderate", args=[999999])).status_code == 404
    assert (
        staff.post(reverse("topics:moderate", args=[999999]), {"action": "approve"}).status_code
        == 404
    )


def test_a_post_without_csrf_is_refused(django_user_model, idea):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator(django_user_model))
    assert client.post(moderate_url(idea), {"action": "approve"}).status_code == 403
    idea.refresh_from_db()
    assert idea.status == Topic.Status.PROPOSED


# --- Merge ---------------------------------------------------------------------------------------


@pytest.fixture
def buses(spring):
    return topic(spring, "Buses at night")


def test_merging_a_suggestion_into_a_topic(staff, idea, buses):
    response = staff.post(moderate_url(idea), {"action": "merge", "into": buses.pk}, follow=True)
    assert "“Night buses” is merged into “Buses at night”: 0 votes moved." in (
        response.content.decode()
    )
    idea.refresh_from_db()
    assert (idea.status, idea.merged_into) == (Topic.Status.MERGED, buses)
    assert logged(idea) == [
        ("membership.topic.merge", staff.user, "Merged into “Buses at night”: 0 votes moved")
    ]


def test_merging_during_an_open_round_moves_the_votes_as_voting_merge_does(staff, spring, buses):
    night = topic(spring, "Night buses")
    ada, grace, alan = (
        patron("ada@example.org", "Ada"),
        patron("grace@example.org", "Grace"),
        patron("alan@example.org", "Alan"),
    )
    vote(ada, night, notify=True)
    vote(ada, buses)  # voted for both: keeps one vote, gets one back
    vote(grace, night)
    vote(alan, buses)
    response = staff.post(moderate_url(night), {"action": "merge", "into": buses.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("topics:index")
    assert Vote.objects.filter(topic=night).count() == 0
    assert sorted(v.member.name for v in Vote.objects.filter(topic=buses)) == [
        "Ada",
        "Alan",
        "Grace",
    ]
    assert Vote.objects.get(topic=buses, member=ada).notify  # asked on either: kept
    assert voting.votes_left(ada, spring) == 2
    assert voting.count(buses) == 3
    assert logged(night) == [
        (
            "membership.topic.merge",
            staff.user,
            "Merged into “Buses at night”: 1 vote moved; 1 vote given back to a patron who "
            "had voted for both",
        )
    ]
    assert logged(buses) == [
        (
            "membership.topic.merged_in",
            staff.user,
            "“Night buses” merged into this topic: 1 vote moved in",
        )
    ]


def test_only_topics_of_the_same_round_still_in_the_running_are_offered(staff, spring, idea, buses):
    topic(spring, "Declined one", status=Topic.Status.DECLINED)
    topic(open_round("Summer"), "Summer topic")
    form = staff.get(moderate_url(idea)).context["merge_form"]
    assert [str(choice) for choice in form.fields["into"].queryset] == ["Buses at night"]


@pytest.mark.parametrize("target", ["other round", "declined", "itself", "missing"])
def test_merging_into_a_topic_not_offered_is_refused(staff, spring, idea, target):
    into = {
        "other round": lambda: topic(open_round("Summer"), "Summer topic").pk,
        "declined": lambda: topic(spring, "Declined", status=Topic.Status.DECLINED).pk,
        "itself": lambda: idea.pk,
        "missing": lambda: 999999,
    }[target]()
    response = staff.post(moderate_url(idea), {"action": "merge", "into": into})
    assert response.status_code == 200
    assert "into" in response.context["merge_form"].errors
    idea.refresh_from_db()
    assert idea.status == Topic.Status.PROPOSED
    assert logged(idea) == []


def test_a_closed_rounds_votes_stay_frozen(staff, spring, buses):
    night = topic(spring, "Night buses")
    vote(patron("grace@example.org"), night)
    spring.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    spring.save()
    response = staff.post(moderate_url(night), {"action": "merge", "into": buses.pk})
    assert response.status_code == 200
    assert response.context["merge_form"].non_field_errors() == [
        "The round has closed and its votes are frozen: its topics can't be merged."
    ]
    assert Vote.objects.get().topic == night


def test_a_topic_merged_meanwhile_is_not_merged_again(staff, spring, idea, buses):
    other = topic(spring, "Other")
    page = staff.get(moderate_url(idea))  # the page is shown ...
    assert page.status_code == 200
    voting.merge(idea, other)  # ... someone else merges it ...
    response = staff.post(moderate_url(idea), {"action": "merge", "into": buses.pk}, follow=True)
    assert "has already been merged" in response.content.decode()  # ... and this one is told
    idea.refresh_from_db()
    assert idea.merged_into == other


def test_a_topic_deleted_meanwhile_is_reported_not_a_crash(staff, spring, idea, buses):
    stale_idea, stale_buses = Topic.objects.get(pk=idea.pk), Topic.objects.get(pk=buses.pk)
    Topic.objects.filter(pk=buses.pk).delete()
    with pytest.raises(moderation.Refused, match="no longer exists"):
        moderation.merge(stale_idea, stale_buses, staff.user)
    Topic.objects.filter(pk=idea.pk).delete()
    for change in (moderation.approve, moderation.decline):
        with pytest.raises(moderation.Refused, match="no longer exists"):
            change(stale_idea, staff.user)


def test_open_topics_can_be_merged_from_the_listing(staff, spring, buses):
    night = topic(spring, "Night buses")
    html = staff.get(reverse("topics:index")).content.decode()
    assert moderate_url(night) in html
    page = staff.get(moderate_url(night)).content.decode()
    assert 'value="merge"' in page
    assert 'value="approve"' not in page and 'value="decline"' not in page


# --- The audit log -------------------------------------------------------------------------------


def test_the_site_history_names_every_change(admin_client, spring, ada, idea, buses):
    approved = voting.suggest(ada, spring, title="Bike lanes")
    declined = voting.suggest(ada, spring, title="Fairs")
    admin_client.post(moderate_url(idea), {"action": "merge", "into": buses.pk})
    admin_client.post(moderate_url(approved), {"action": "approve"})
    admin_client.post(moderate_url(declined), {"action": "decline"})
    edit = {"title": "Buses at night", "description": "", "note": "", "status": "planned"}
    admin_client.post(reverse("topics:edit", args=[buses.pk]), edit)
    admin_client.post(reverse("topics:delete", args=[declined.pk]))
    site_log = admin_client.get(reverse("wagtailadmin_reports:site_history"))
    html = site_log.content.decode()
    for message in (
        "Merged into “Buses at night”: 0 votes moved",
        "“Night buses” merged into this topic: 0 votes moved in",
        "Approved: open for votes",
        "Declined",
        "Status changed from “Open for votes” to “Planned”",
        "Deleted, with 0 votes",
    ):
        assert message in html
    choices = dict(site_log.context["filters"].form.fields["action"].choices)
    assert {
        action: str(label) for action, label in choices.items() if action.startswith("membership")
    } == {
        "membership.topic.merge": "Merge topic",
        "membership.topic.merged_in": "Receive a merged topic",
        "membership.topic.approve": "Approve suggestion",
        "membership.topic.decline": "Decline suggestion",
        "membership.topic.status": "Change topic status",
        "membership.topic.delete": "Delete topic",
    }
    history = admin_client.get(reverse("topics:history", args=[idea.pk])).content.decode()
    assert "Merged into “Buses at night”" in history


# --- Who may -------------------------------------------------------------------------------------


def test_editors_see_the_queue_and_moderate_nothing(client, django_user_model, idea, buses):
    client.force_login(editor(django_user_model))
    response = client.get(reverse(QUEUE))
    assert listed(response) == ["Night buses"]
    assert moderate_url(idea) not in response.content.decode()
    for request in (
        lambda: client.get(moderate_url(idea)),
        lambda: client.post(moderate_url(idea), {"action": "approve"}),
        lambda: client.post(moderate_url(idea), {"action": "merge", "into": buses.pk}),
    ):
        response = request()
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    idea.refresh_from_db()
    assert idea.status == Topic.Status.PROPOSED


def test_staff_without_a_topic_permission_see_no_queue(client, django_user_model, idea):
    client.force_login(staff_user(django_user_model, "writer", "view_tier"))
    assert client.get(reverse(QUEUE))["Location"] == reverse("wagtailadmin_home")
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(QUEUE) not in home
