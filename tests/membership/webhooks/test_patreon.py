"""Patreon's webhook: pledges make, change and end memberships, matched by email, once each;
nothing unsigned, malformed or out of order changes anything."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from membership.members import delete_member, find_or_create_member, get_member
from membership.models import Membership, WebhookEvent
from membership.payments.testing import PATREON_EVENTS, encode, patreon_headers, patreon_member

from .sending import PATREON_SECRET, PATREON_URL, send_patreon, text

pytestmark = pytest.mark.django_db

EMAIL = "patron@example.org"
MARCH = "2026-03-01T10:00:00.000+00:00"
APRIL = "2026-04-01T10:00:00.000+00:00"


def at(iso):
    return datetime.datetime.fromisoformat(iso)


def test_a_new_pledge_makes_an_active_patreon_member_with_its_tier(client, coffee, paper):
    member = patreon_member(email="Patron@Example.org", name="Grace", tier_ids=["222"])
    response = send_patreon(client, member, "members:pledge:create")
    assert (response.status_code, text(response)) == (200, "applied: active")
    membership = get_member(EMAIL)
    assert (membership.status, membership.source, membership.name, membership.tier) == (
        "active",
        "patreon",
        "Grace",
        paper,
    )
    assert membership.patreon_member_id == member["data"]["id"]
    record = WebhookEvent.objects.get()
    body = encode(member)
    assert (record.provider, record.event_type, record.event_id) == (
        "patreon",
        "members:pledge:create",
        hashlib.sha256(body).hexdigest(),
    )
    assert (record.membership, record.outcome) == (membership, "applied: active")


@pytest.mark.parametrize("event_name", [name for name in PATREON_EVENTS if "delete" not in name])
@pytest.mark.parametrize(
    "patron_status, status",
    [
        ("active_patron", "active"),
        ("declined_patron", "lapsed"),
        ("former_patron", "cancelled"),
    ],
)
def test_the_patron_status_sets_the_membership_status(client, event_name, patron_status, status):
    member = patreon_member(email=EMAIL, patron_status=patron_status)
    assert send_patreon(client, member, event_name).status_code == 200
    assert get_member(EMAIL).status == status


@pytest.mark.parametrize("event_name", ["members:delete", "members:pledge:delete"])
def test_a_delete_cancels(client, event_name):
    send_patreon(client, patreon_member(email=EMAIL, last_charge_date=MARCH))
    # Patreon may still say "active_patron" in the deleted member's last state.
    deleted = patreon_member(email=EMAIL, last_charge_date=MARCH, patron_status="active_patron")
    deleted["data"]["attributes"]["last_charge_status"] = "Deleted"
    assert text(send_patreon(client, deleted, event_name)) == "applied: cancelled"
    assert get_member(EMAIL).status == Membership.Status.CANCELLED


def test_a_delete_for_someone_unknown_creates_nobody(client, db):
    response = send_patreon(client, patreon_member(email=EMAIL), "members:pledge:delete")
    assert (response.status_code, text(response)) == (200, "ignored: no member")
    assert not Membership.objects.exists()


def test_a_follower_without_a_pledge_is_ignored(client, db):
    response = send_patreon(client, patreon_member(email=EMAIL, patron_status=None))
    assert response.status_code == 200
    assert not Membership.objects.exists() and not WebhookEvent.objects.exists()


def test_a_site_sign_up_is_the_same_member_and_keeps_its_source(client, pending):
    member = patreon_member(email="READER@example.org", name="Someone else")
    assert send_patreon(client, member).status_code == 200
    membership = Membership.objects.get()
    assert membership.pk == pending.pk
    assert (membership.status, membership.source, membership.name) == ("active", "site", "Ada")


# --- Tiers ---


@pytest.mark.parametrize(
    "cents, tier_name",
    [(1000, "Paper"), (1500, "Paper"), (300, "Coffee"), (999, "Coffee"), (299, None), (0, None)],
)
def test_without_a_known_tier_id_the_tier_is_the_dearest_the_amount_covers(
    client, coffee, paper, cents, tier_name
):
    member = patreon_member(email=EMAIL, tier_ids=["999"], cents=cents)
    assert send_patreon(client, member).status_code == 200
    tier = get_member(EMAIL).tier
    assert (tier.name if tier else None) == tier_name


def test_a_tier_id_beats_the_amount(client, coffee, paper):
    member = patreon_member(email=EMAIL, tier_ids=["111"], cents=5000)
    send_patreon(client, member)
    assert get_member(EMAIL).tier == coffee


def test_an_inactive_tier_is_not_matched_by_amount(client, coffee, paper):
    paper.active = False
    paper.save()
    send_patreon(client, patreon_member(email=EMAIL, cents=1000))
    assert get_member(EMAIL).tier == coffee


def test_no_tier_match_keeps_the_members_tier(client, pending, coffee):
    send_patreon(client, patreon_member(email="reader@example.org", cents=100))
    assert Membership.objects.get(pk=pending.pk).tier == coffee


# --- Event time, once, in order ---


def test_the_event_time_is_the_last_charge_else_the_pledge_start_else_now(client, db):
    send_patreon(client, patreon_member(email="a@example.org", last_charge_date=MARCH))
    assert get_member("a@example.org").last_event_at == at(MARCH)
    member = patreon_member(email="b@example.org", pledge_start=APRIL)
    member["data"]["attributes"]["last_charge_date"] = None
    send_patreon(client, member)
    assert get_member("b@example.org").last_event_at == at(APRIL)
    member = patreon_member(email="c@example.org")
    del member["data"]["attributes"]["last_charge_date"]
    before = timezone.now()
    send_patreon(client, member)
    assert before <= get_member("c@example.org").last_event_at <= timezone.now()


def test_a_replay_answers_200_and_changes_nothing(client, db):
    body = encode(patreon_member(email=EMAIL, name="Grace"))
    assert send_patreon(client, body).status_code == 200
    delete_member(get_member(EMAIL))  # they erase their account afterwards
    response = send_patreon(client, body)
    assert (response.status_code, text(response)) == (200, "already processed")
    assert not Membership.objects.exists()
    assert WebhookEvent.objects.count() == 1


def test_an_older_event_is_stored_and_changes_nothing(client, db):
    send_patreon(client, patreon_member(email=EMAIL, last_charge_date=APRIL))
    older = patreon_member(email=EMAIL, patron_status="declined_patron", last_charge_date=MARCH)
    response = send_patreon(client, older)
    assert response.status_code == 200
    assert text(response).startswith("ignored: older than 2026-04-01T10:00:00")
    membership = get_member(EMAIL)
    assert (membership.status, membership.last_event_at) == ("active", at(APRIL))
    assert WebhookEvent.objects.filter(membership=membership).count() == 2


def test_other_event_names_answer_200_and_change_nothing(client, db):
    response = send_patreon(client, patreon_member(email=EMAIL), "posts:publish")
    assert response.status_code == 200
    assert not Membership.objects.exists() and not WebhookEvent.objects.exists()


# --- Refused: 400, nothing changed ---


def post(client, body, headers):
    return client.post(PATREON_URL, body, content_type="application/json", headers=headers)


def without(headers, name):
    return {key: value for key, value in headers.items() if key != name}


SIGNATURES = {
    "missing signature": lambda body: without(
        patreon_headers(body, PATREON_SECRET, "members:create"), "X-Patreon-Signature"
    ),
    "wrong secret": lambda body: patreon_headers(body, "someone-else", "members:create"),
    "another body": lambda body: {
        **patreon_headers(body + b" ", PATREON_SECRET, "members:create"),
    },
    "not hex": lambda body: {
        **patreon_headers(body, PATREON_SECRET, "members:create"),
        "X-Patreon-Signature": "é" * 32,
    },
    "missing event name": lambda body: without(
        patreon_headers(body, PATREON_SECRET, "members:create"), "X-Patreon-Event"
    ),
}


@pytest.mark.parametrize("headers", SIGNATURES.values(), ids=SIGNATURES.keys())
def test_a_bad_or_missing_signature_or_event_name_is_refused(client, db, headers):
    body = encode(patreon_member(email=EMAIL))
    response = post(client, body, headers(body))
    assert response.status_code == 400
    assert "X-Patreon-" in text(response)
    assert not Membership.objects.exists() and not WebhookEvent.objects.exists()


def member_with(path, value):
    def build():
        member = patreon_member(email=EMAIL, tier_ids=["111"], cents=300)
        *parents, last = path.split(".")
        target = member
        for key in parents:
            target = target[key]
        target[last] = value
        return encode(member)

    return build


MALFORMED = {
    "not JSON": lambda: b"{not json",
    "not UTF-8": lambda: b'{"data": "' + bytes([0xFF]) + b'"}',
    "a JSON list": lambda: b"[]",
    "empty": lambda: b"",
    "no data": lambda: b"{}",
    "data not an object": member_with("data", ["member"]),
    "no attributes": member_with("data.attributes", None),
    "no email": member_with("data.attributes.email", None),
    "email as a number": member_with("data.attributes.email", 42),
    "email not an email": member_with("data.attributes.email", "patron at example"),
    "email too long": member_with("data.attributes.email", "a" * 250 + "@example.org"),
    "status as a list": member_with("data.attributes.patron_status", ["active_patron"]),
    "amount as text": member_with("data.attributes.currently_entitled_amount_cents", "300"),
    "charge date not a date": member_with("data.attributes.last_charge_date", "last Tuesday"),
    "charge date impossible": member_with(
        "data.attributes.last_charge_date", "2026-02-30T10:00:00"
    ),
    "tiers not a list": member_with("data.relationships.currently_entitled_tiers.data", "111"),
    "tier without an id": member_with(
        "data.relationships.currently_entitled_tiers.data", [{"type": "tier"}]
    ),
    "name with a NUL": member_with("data.attributes.full_name", "Gr\x00ce"),
}


@pytest.mark.parametrize("build", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_body_is_refused_with_a_short_message(client, db, build):
    body = build()
    response = post(client, body, patreon_headers(body, PATREON_SECRET, "members:pledge:create"))
    assert response.status_code == 400
    assert 0 < len(text(response)) < 120
    assert not Membership.objects.exists() and not WebhookEvent.objects.exists()


def test_a_long_name_is_cut_to_fit(client, db):
    send_patreon(client, patreon_member(email=EMAIL, name="N" * 200))
    assert get_member(EMAIL).name == "N" * 150


def test_an_existing_member_keeps_their_name(client, db):
    find_or_create_member(EMAIL, name="Grace")
    send_patreon(client, patreon_member(email=EMAIL, name="G. Hopper"))
    assert get_member(EMAIL).name == "Grace"
