"""Who voted is shown only to staff with "Can view voters"; emails only to those who may also
see members' emails. Nobody else finds a voter list in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from membership.members import delete_member
from membership.models import Vote
from tests.membership.staff import staff_user
from tests.membership.voting_staff import (
    MODERATOR_PERMISSIONS,
    column,
    editor,
    moderator,
    open_round,
    patron,
    topic,
    vote,
)

pytestmark = pytest.mark.django_db

NAMES = ("Ada Lovelace", "Grace Hopper")
EMAILS = ("ada@example.org", "grace@example.org")


@pytest.fixture
def ports():
    spring = open_round("Spring")
    ports = topic(spring, "Ports after the storm")
    ada, grace = patron(EMAILS[0], NAMES[0]), patron(EMAILS[1], NAMES[1])
    vote(ada, ports, notify=True)
    vote(grace, ports)
    ports.suggested_by = ada
    ports.save()
    return ports


def voters_url(chosen):
    return reverse("topics:voters", args=[chosen.pk])


def pages_of(client, chosen):
    """The admin pages about a topic that staff can open."""
    return [
        client.get(reverse("topics:index")),
        client.get(reverse("topics:inspect", args=[chosen.pk])),
        client.get(reverse("topics:edit", args=[chosen.pk])),
        client.get(reverse("topics:moderate", args=[chosen.pk])),
        client.get(reverse("topics:history", args=[chosen.pk])),
    ]


def test_with_the_permission_staff_see_who_voted_but_not_their_emails(
    client, django_user_model, ports
):
    client.force_login(moderator(django_user_model, "moderator", "view_voters"))
    response = client.get(voters_url(ports))
    assert response.status_code == 200
    assert sorted(str(name) for name in column(response, "voter")) == sorted(NAMES)
    html = response.content.decode()
    assert "Ports after the storm" in html
    assert not any(email in html for email in EMAILS)


def test_emails_need_the_emails_permission_too(client, django_user_model, ports):
    client.force_login(editor(django_user_model, "privacy", "view_voters", "view_member_emails"))
    response = client.get(voters_url(ports))
    assert sorted(column(response, "email")) == sorted(EMAILS)


def test_the_inspect_page_and_the_listing_link_to_the_voters_for_those_who_may(
    client, django_user_model, ports
):
    client.force_login(editor(django_user_model, "privacy", "view_voters"))
    inspect = client.get(reverse("topics:inspect", args=[ports.pk])).content.decode()
    assert voters_url(ports) in inspect
    assert NAMES[0] in inspect  # who suggested it
    assert voters_url(ports) in client.get(reverse("topics:index")).content.decode()


def test_a_voter_who_deleted_their_data_is_no_one(client, django_user_model, ports):
    delete_member(Vote.objects.get(member__name=NAMES[1]).member)
    client.force_login(editor(django_user_model, "privacy", "view_voters"))
    response = client.get(voters_url(ports))
    assert sorted(str(name) for name in column(response, "voter")) == [
        "A patron who deleted their data",
        NAMES[0],
    ]


@pytest.mark.parametrize(
    "permissions",
    [MODERATOR_PERMISSIONS, ("view_topic", "view_member_emails"), ()],
    ids=["moderator", "editor with emails", "no topic permission"],
)
def test_without_the_permission_the_voter_list_is_refused(
    client, django_user_model, ports, permissions
):
    client.force_login(staff_user(django_user_model, "staff", *permissions))
    response = client.get(voters_url(ports))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("topics:voters", args=[999999])).status_code == 302


def test_without_the_permission_no_page_names_a_voter(client, django_user_model, ports):
    client.force_login(moderator(django_user_model, "moderator", "view_member_emails"))
    for response in pages_of(client, ports):
        assert response.status_code == 200
        html = response.content.decode()
        assert voters_url(ports) not in html
        for personal in NAMES + EMAILS:
            assert personal not in html


def test_members_are_sent_to_log_in(client, ports):
    client.force_login(Vote.objects.first().member.user)
    response = client.get(voters_url(ports))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_the_permission_can_be_given_in_the_group_editor(admin_client):
    group = Group.objects.create(name="Investigations")
    html = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()
    assert "Can view voters" in html
