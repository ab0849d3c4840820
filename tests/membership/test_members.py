"""membership.members: one member per email, and status changes that never go backwards."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from membership.members import change_status, delete_member, find_or_create_member, get_member
from membership.models import Membership, Tier, WebhookEvent

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def tier():
    return Tier.objects.create(name="Coffee", amount="3.00", votes_per_round=2)


def test_a_new_email_makes_a_pending_member_without_a_usable_password():
    membership, created = find_or_create_member(" Reader@Example.org ", name="Ada")
    assert created
    assert membership.status == Membership.Status.PENDING
    assert membership.source == Membership.Source.SITE
    assert membership.name == "Ada"
    user = membership.user
    assert user.email == "Reader@example.org"  # Django lower-cases the domain
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser


@pytest.mark.parametrize(
    "again", ["reader@example.org", "READER@EXAMPLE.ORG", " Reader@example.org"]
)
def test_one_email_is_one_member_whatever_its_case(again):
    first, _ = find_or_create_member("Reader@Example.org")
    second, created = find_or_create_member(again, name="Later name")
    assert not created
    assert second.pk == first.pk
    assert second.name == "Later name"  # they had none
    assert Membership.objects.count() == get_user_model().objects.count() == 1
    assert get_member(again).pk == first.pk


def test_an_existing_name_is_kept():
    find_or_create_member("reader@example.org", name="Ada")
    membership, _ = find_or_create_member("reader@example.org", name="Someone else")
    assert membership.name == "Ada"


def test_an_unknown_or_empty_email_has_no_member():
    assert get_member("nobody@example.org") is None
    assert get_member("") is None
    assert get_member(None) is None


def test_a_status_change_records_when_and_applies_tier_and_ids(tier):
    membership, _ = find_or_create_member("reader@example.org")
    before = membership.status_changed_at
    assert change_status(
        membership,
        Membership.Status.ACTIVE,
        source=Membership.Source.STRIPE,
        tier=tier,
        event_time=NOW,
        stripe_customer_id="cus_123",
    )
    stored = Membership.objects.get(pk=membership.pk)
    assert (stored.status, stored.source, stored.tier, stored.stripe_customer_id) == (
        "active",
        "stripe",
        tier,
        "cus_123",
    )
    assert stored.status_changed_at > before
    assert stored.last_event_at == NOW
    assert membership.status == "active" and membership.votes_per_round == 2


def test_an_older_event_never_moves_a_membership_backwards():
    membership, _ = find_or_create_member("reader@example.org")
    assert change_status(membership, Membership.Status.ACTIVE, event_time=NOW)
    earlier = NOW - datetime.timedelta(minutes=5)
    assert not change_status(membership, Membership.Status.LAPSED, event_time=earlier)
    assert Membership.objects.get(pk=membership.pk).status == "active"
    later = NOW + datetime.timedelta(minutes=5)
    assert change_status(membership, Membership.Status.CANCELLED, event_time=later)
    assert Membership.objects.get(pk=membership.pk).status == "cancelled"


def test_only_an_active_member_has_votes(tier):
    membership, _ = find_or_create_member("reader@example.org")
    change_status(membership, Membership.Status.PENDING, tier=tier)
    assert membership.votes_per_round == 0


def test_deleting_a_member_erases_the_person_but_keeps_their_events_unlinked():
    membership, _ = find_or_create_member("reader@example.org", name="Ada")
    event = WebhookEvent.objects.create(provider="stripe", event_id="evt_1", membership=membership)
    delete_member(membership)
    assert not Membership.objects.exists()
    assert not get_user_model().objects.exists()
    event.refresh_from_db()
    assert event.membership is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_ups_for_one_email_make_one_member():
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    errors = []

    def sign_up(number):
        try:
            barrier.wait()
            find_or_create_member("Race@Example.org", name=f"Reader {number}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert get_user_model().objects.count() == 1
    assert Membership.objects.count() == 1
