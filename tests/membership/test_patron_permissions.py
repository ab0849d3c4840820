"""Wagtail's groups get the patron admin's permissions by migration: Moderators manage tiers
and memberships, Editors see them, and nobody but those it is given to sees members' emails."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from membership.members import find_or_create_member
from membership.models import Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_of(django_user_model):
    def make(group_name):
        user = django_user_model.objects.create_user(
            f"{group_name.lower()}-user", password="x", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


def test_moderators_manage_tiers_and_memberships_but_never_see_emails(member_of):
    user = member_of("Moderators")
    for codename in ("add_tier", "change_tier", "delete_tier", "change_membership"):
        assert user.has_perm(f"membership.{codename}")
    assert not user.has_perm("membership.delete_membership")
    assert not user.has_perm("membership.view_member_emails")


def test_editors_see_tiers_and_memberships_and_change_nothing(member_of, client):
    user = member_of("Editors")
    assert user.has_perm("membership.view_tier")
    assert user.has_perm("membership.view_membership")
    assert not user.has_perm("membership.change_tier")
    assert not user.has_perm("membership.change_membership")
    assert not user.has_perm("membership.view_member_emails")
    Tier.objects.create(name="Coffee", amount="3.00")
    find_or_create_member("reader@example.org")
    client.force_login(user)
    listing = client.get(reverse("memberships:index"))
    assert listing.status_code == 200
    assert "reader@example.org" not in listing.content.decode()


def test_moderators_run_rounds_and_topics_and_editors_see_them(member_of):
    moderator, editor = member_of("Moderators"), member_of("Editors")
    for codename in ("add_votinground", "change_votinground", "change_topic", "delete_topic"):
        assert moderator.has_perm(f"membership.{codename}")
        assert not editor.has_perm(f"membership.{codename}")
    assert editor.has_perm("membership.view_votinground")
    assert editor.has_perm("membership.view_topic")
    for user in (moderator, editor):
        assert not user.has_perm("membership.view_voters")
