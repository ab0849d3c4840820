"""`manage.py send_test_webhook` signs events as the providers do and posts them to a running
site (here the live test server, over real HTTP)."""

import pytest
from django.core.management import CommandError, call_command

from membership.members import find_or_create_member, get_member
from membership.models import Membership, Tier

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "reader@example.org"


def send(live_server, *args):
    call_command("send_test_webhook", *args, "--email", EMAIL, "--url", live_server.url)


def test_a_stripe_checkout_then_a_cancellation_reach_one_member(live_server):
    membership, _ = find_or_create_member(EMAIL)
    send(live_server, "stripe", "--reference", str(membership.pk))
    assert get_member(EMAIL).status == Membership.Status.ACTIVE
    send(live_server, "stripe", "--event", "customer.subscription.deleted")
    assert get_member(EMAIL).status == Membership.Status.CANCELLED


def test_a_patreon_pledge_with_a_tier(live_server):
    tier = Tier.objects.create(name="Coffee", amount="3.00", patreon_tier_id="111")
    send(live_server, "patreon", "--event", "members:pledge:create", "--tier-id", "111")
    membership = get_member(EMAIL)
    assert (membership.status, membership.source, membership.tier) == ("active", "patreon", tier)


def test_a_refused_event_fails_the_command(live_server):
    with pytest.raises(CommandError, match="answered 400"):
        send(live_server, "patreon", "--secret", "not-the-sites")
    assert not Membership.objects.exists()


def test_without_a_secret_the_command_says_which_is_missing(live_server, settings):
    settings.MEMBERSHIP_STRIPE_WEBHOOK_SECRET = ""
    with pytest.raises(CommandError, match="STRIPE_WEBHOOK_SECRET"):
        send(live_server, "stripe")


def test_an_event_of_the_other_provider_is_refused(live_server):
    with pytest.raises(CommandError, match="--event must be one of"):
        send(live_server, "stripe", "--event", "members:create")


def test_an_unreachable_site_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Could not post"):
        call_command("send_test_webhook", "stripe", "--email", EMAIL, "--url", "http://127.0.0.1:1")
