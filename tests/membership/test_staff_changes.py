"""Staff change memberships by hand in the admin: activate, lapse, cancel, add, edit, delete;
each change is in Wagtail's audit log with who made it."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from membership.members import get_member
from membership.models import Membership, Tier
from tests.membership.staff import member, permission, staff_user

pytestmark = pytest.mark.django_db


def status_url(membership, action):
    return reverse("memberships:status", args=[membership.pk, action])


def logged(membership):
    """(action, user, message) of the membership's audit log entries, oldest first."""
    return [
        (entry.action, entry.user, entry.message)
        for entry in ModelLogEntry.objects.for_instance(membership).order_by("timestamp", "pk")
    ]


@pytest.fixture
def coffee():
    return Tier.objects.create(name="Coffee", amount="3.00")


@pytest.fixture
def ada(coffee):
    return member("ada@example.org", name="Ada", tier=coffee, source=Membership.Source.PATREON)


@pytest.fixture
def moderator(django_user_model):
    return staff_user(
        django_user_model, "moderator", "view_membership", "add_membership", "change_membership"
    )


@pytest.fixture
def staff(client, moderator):
    client.force_login(moderator)
    return client


# --- Activate, lapse, cancel ---------------------------------------------------------------------


def test_staff_activate_lapse_and_cancel_and_the_audit_log_says_who(staff, moderator, ada):
    for action, status in [
        ("activate", Membership.Status.ACTIVE),
        ("lapse", Membership.Status.LAPSED),
        ("cancel", Membership.Status.CANCELLED),
    ]:
        response = staff.post(status_url(ada, action))
        assert response.status_code == 302
        assert response["Location"] == reverse("memberships:edit", args=[ada.pk])
        ada.refresh_from_db()
        assert ada.status == status
    assert ada.source == Membership.Source.PATREON  # where they came from is kept
    assert logged(ada) == [
        ("membership.activate", moderator, "Activated (was: Pending)"),
        ("membership.lapse", moderator, "Lapsed (was: Active)"),
        ("membership.cancel", moderator, "Cancelled (was: Lapsed)"),
    ]


def test_the_history_and_the_audit_log_name_the_change(admin_client, ada):
    admin_client.post(status_url(ada, "activate"))
    history = admin_client.get(reverse("memberships:history", args=[ada.pk])).content.decode()
    assert "Activated (was: Pending)" in history
    site_log = admin_client.get(reverse("wagtailadmin_reports:site_history"))
    assert "Activated (was: Pending)" in site_log.content.decode()
    # The log can be filtered by the change, by its name.
    choices = dict(site_log.context["filters"].form.fields["action"].choices)
    assert choices["membership.activate"] == "Activate membership"


def test_the_same_status_again_changes_and_logs_nothing(staff, ada):
    staff.post(status_url(ada, "activate"))
    changed_at = Membership.objects.get(pk=ada.pk).status_changed_at
    response = staff.post(status_url(ada, "activate"), follow=True)
    assert "already was Active" in response.content.decode()
    assert Membership.objects.get(pk=ada.pk).status_changed_at == changed_at
    assert len(logged(ada)) == 1


def test_the_edit_page_offers_the_other_statuses(staff, ada):
    html = staff.get(reverse("memberships:edit", args=[ada.pk])).content.decode()
    assert status_url(ada, "activate") in html
    assert status_url(ada, "cancel") in html
    staff.post(status_url(ada, "activate"))
    html = staff.get(reverse("memberships:edit", args=[ada.pk])).content.decode()
    assert status_url(ada, "activate") not in html
    assert status_url(ada, "lapse") in html


def test_a_get_changes_nothing(staff, ada):
    assert staff.get(status_url(ada, "activate")).status_code == 405
    ada.refresh_from_db()
    assert ada.status == Membership.Status.PENDING


def test_an_unknown_action_or_member_is_404(staff, ada):
    assert staff.post(status_url(ada, "promote")).status_code == 404
    assert staff.post(reverse("memberships:status", args=[999999, "activate"])).status_code == 404


def test_a_post_without_csrf_is_refused(moderator, ada):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.post(status_url(ada, "activate")).status_code == 403
    ada.refresh_from_db()
    assert ada.status == Membership.Status.PENDING


def test_staff_who_may_only_view_change_nothing(client, django_user_model, ada):
    client.force_login(staff_user(django_user_model, "editor", "view_membership"))
    response = client.post(status_url(ada, "activate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    ada.refresh_from_db()
    assert ada.status == Membership.Status.PENDING
    assert logged(ada) == []


def test_members_cannot_change_themselves(client, ada):
    client.force_login(ada.user)
    response = client.post(status_url(ada, "activate"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    ada.refresh_from_db()
    assert ada.status == Membership.Status.PENDING


# --- Adding a member by hand ---------------------------------------------------------------------


def new_member(**overrides):
    return {"email": "new@example.org", "name": "Newcomer", "tier": "", "status": "pending"} | (
        overrides
    )


def test_staff_add_an_active_member(staff, moderator, coffee):
    response = staff.post(
        reverse("memberships:add"),
        new_member(email="Hedy@Example.org", tier=coffee.pk, status="active"),
    )
    assert response.status_code == 302
    added = get_member("hedy@example.org")
    assert (added.name, added.tier, added.status, added.source) == (
        "Newcomer",
        coffee,
        Membership.Status.ACTIVE,
        Membership.Source.STAFF,
    )
    assert not added.user.has_usable_password() and not added.user.is_staff
    assert [(action, user) for action, user, _ in logged(added)] == [
        ("wagtail.create", moderator),
        ("membership.activate", moderator),
    ]


def test_a_member_added_as_pending_has_one_log_entry(staff):
    staff.post(reverse("memberships:add"), new_member())
    added = get_member("new@example.org")
    assert added.status == Membership.Status.PENDING
    assert [action for action, _, _ in logged(added)] == ["wagtail.create"]


@pytest.mark.parametrize("email", ["ada@example.org", " ADA@example.ORG "])
def test_an_email_that_is_already_a_member_is_refused(staff, ada, email):
    response = staff.post(reverse("memberships:add"), new_member(email=email, status="active"))
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert Membership.objects.count() == get_user_model().objects.count() - 1 == 1
    ada.refresh_from_db()
    assert ada.status == Membership.Status.PENDING


@pytest.mark.parametrize(
    "data",
    [
        new_member(email=""),
        new_member(email="not-an-email"),
        new_member(email="a" * 250 + "@example.org"),
        new_member(name="n" * 151),
        new_member(status="vip"),
        new_member(tier="999999"),
    ],
)
def test_bad_input_adds_nobody(staff, data):
    response = staff.post(reverse("memberships:add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Membership.objects.exists()


# --- Editing and deleting ------------------------------------------------------------------------


def test_editing_changes_the_name_and_tier_and_never_the_status(staff, ada):
    lunch = Tier.objects.create(name="Lunch", amount="10.00")
    response = staff.post(
        reverse("memberships:edit", args=[ada.pk]),
        {"name": "Ada King", "tier": lunch.pk, "status": "active"},
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.name, ada.tier, ada.status) == ("Ada King", lunch, Membership.Status.PENDING)


def test_an_edit_does_not_undo_a_status_changed_meanwhile(staff, ada):
    def payment_event_lapses_them(sender, instance, **kwargs):
        # Another request (a webhook) commits after the edit loaded the member.
        Membership.objects.filter(pk=instance.pk).update(status=Membership.Status.LAPSED)

    pre_save.connect(payment_event_lapses_them, sender=Membership)
    try:
        staff.post(reverse("memberships:edit", args=[ada.pk]), {"name": "Ada King", "tier": ""})
    finally:
        pre_save.disconnect(payment_event_lapses_them, sender=Membership)
    ada.refresh_from_db()
    assert (ada.name, ada.status) == ("Ada King", Membership.Status.LAPSED)


def test_the_edit_page_shows_the_email_only_with_the_permission(staff, moderator, ada):
    edit = reverse("memberships:edit", args=[ada.pk])
    assert "ada@example.org" not in staff.get(edit).content.decode()
    moderator.user_permissions.add(permission("view_member_emails"))
    assert "ada@example.org" in staff.get(edit).content.decode()


def test_deleting_a_member_erases_the_person_and_their_name_in_the_log(admin_client, ada):
    admin_client.post(status_url(ada, "activate"))
    user_pk = ada.user.pk
    response = admin_client.post(reverse("memberships:delete", args=[ada.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=ada.pk).exists()
    assert not get_user_model().objects.filter(pk=user_pk).exists()
    entries = ModelLogEntry.objects.for_instance(ada)
    assert sorted(entries.values_list("action", flat=True)) == [
        "membership.activate",
        "wagtail.delete",
    ]
    assert set(entries.values_list("label", flat=True)) == {f"Member {ada.pk}"}
