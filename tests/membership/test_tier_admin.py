"""Tiers in the Wagtail admin: who may manage them, the form, the listing and its order."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from membership.models import Tier
from tests.membership.staff import member, staff_user

pytestmark = pytest.mark.django_db


def tier_form(**overrides):
    data = {
        "name": "Reporter's friend",
        "amount": "5.00",
        "currency": "eur",
        "description": "Keeps one reporter in coffee.",
        "perks": "A thank-you note\nVotes on topics",
        "votes_per_round": "3",
        "active": "on",
        "stripe_price_id": "",
        "patreon_tier_id": "",
    }
    data.update(overrides)
    return data


def names_in_listing(response):
    """The tier names in the listing's rows, top to bottom."""
    return [tier.name for tier in response.context["object_list"]]


@pytest.fixture
def tiers():
    """Three tiers that share one order number, as tiers made outside the admin do."""
    return [
        Tier.objects.create(name="Espresso", amount="3.00"),
        Tier.objects.create(name="Lunch", amount="10.00"),
        Tier.objects.create(name="Dinner", amount="25.00"),
    ]


def order():
    return list(Tier.objects.values_list("name", flat=True))


# --- Adding and editing -------------------------------------------------------------------------


def test_a_new_tier_is_saved_last_with_its_code_in_capitals(admin_client, admin_user, tiers):
    response = admin_client.post(reverse("tiers:add"), tier_form())
    assert response.status_code == 302
    tier = Tier.objects.get(name="Reporter's friend")
    assert tier.currency == "EUR"
    assert tier.votes_per_round == 3
    assert tier.perk_list == ["A thank-you note", "Votes on topics"]
    assert order()[-1] == "Reporter's friend"
    created = ModelLogEntry.objects.for_instance(tier).get()
    assert (created.action, created.user) == ("wagtail.create", admin_user)


@pytest.mark.parametrize(
    ("field", "value"),
    [("currency", "E1"), ("currency", "EURO"), ("votes_per_round", "0"), ("amount", "-1")],
)
def test_bad_values_are_refused_with_a_message(admin_client, field, value):
    response = admin_client.post(reverse("tiers:add"), tier_form(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Tier.objects.exists()


def test_editing_a_tier(admin_client, tiers):
    espresso = tiers[0]
    response = admin_client.post(
        reverse("tiers:edit", args=[espresso.pk]),
        tier_form(name="Double espresso", amount="4.50", currency="usd", active=""),
    )
    assert response.status_code == 302
    espresso.refresh_from_db()
    assert (espresso.name, str(espresso.amount), espresso.currency, espresso.active) == (
        "Double espresso",
        "4.50",
        "USD",
        False,
    )


# --- The listing and its order ------------------------------------------------------------------


def test_the_listing_shows_each_tier_in_order(admin_client, tiers):
    Tier.objects.filter(name="Dinner").update(sort_order=0, active=False)
    Tier.objects.filter(name__in=["Espresso", "Lunch"]).update(sort_order=1)
    response = admin_client.get(reverse("tiers:index"))
    assert response.status_code == 200
    assert names_in_listing(response) == ["Dinner", "Espresso", "Lunch"]
    html = response.content.decode()
    assert "25.00 EUR" in html and "3.00 EUR" in html
    assert "Votes per round" in html


def test_the_sort_mode_lists_every_tier_in_the_same_order(admin_client, tiers):
    response = admin_client.get(reverse("tiers:index"), {"ordering": "sort_order"})
    assert names_in_listing(response) == order() == ["Espresso", "Lunch", "Dinner"]
    assert 'data-controller="w-orderable"' in response.content.decode()


def reorder(client, tier, position):
    return client.post(f"{reverse('tiers:reorder', args=[tier.pk])}?position={position}")


def test_dragging_a_tier_puts_it_where_it_was_dropped_even_when_orders_tie(admin_client, tiers):
    espresso, lunch, dinner = tiers
    assert reorder(admin_client, dinner, 0).json() == {"success": True}
    assert order() == ["Dinner", "Espresso", "Lunch"]
    reorder(admin_client, dinner, 2)
    assert order() == ["Espresso", "Lunch", "Dinner"]
    reorder(admin_client, espresso, 1)
    assert order() == ["Lunch", "Espresso", "Dinner"]


@pytest.mark.parametrize("position", ["99", "-5", "x", ""])
def test_a_missing_or_bad_position_moves_the_tier_to_the_end(admin_client, tiers, position):
    reorder(admin_client, tiers[0], position)
    assert order() == ["Lunch", "Dinner", "Espresso"]


def test_reordering_an_unknown_tier_is_404(admin_client, tiers):
    response = admin_client.post(reverse("tiers:reorder", args=[999999]) + "?position=0")
    assert response.status_code == 404


# --- Deleting -----------------------------------------------------------------------------------


def test_a_tier_without_members_is_deleted(admin_client, tiers):
    response = admin_client.post(reverse("tiers:delete", args=[tiers[0].pk]))
    assert response.status_code == 302
    assert not Tier.objects.filter(pk=tiers[0].pk).exists()


def test_a_tier_that_members_are_on_is_kept(admin_client, tiers):
    member("patron@example.org", tier=tiers[0])
    page = admin_client.get(reverse("tiers:delete", args=[tiers[0].pk]))
    assert "make it inactive" in page.content.decode().lower()
    response = admin_client.post(reverse("tiers:delete", args=[tiers[0].pk]))
    assert response.status_code == 200
    assert Tier.objects.filter(pk=tiers[0].pk).exists()


# --- Who may -------------------------------------------------------------------------------------


def test_staff_who_may_only_view_tiers_read_them_and_change_nothing(
    client, django_user_model, tiers
):
    client.force_login(staff_user(django_user_model, "editor", "view_tier"))
    listing = client.get(reverse("tiers:index"))
    assert listing.status_code == 200
    assert names_in_listing(listing) == ["Espresso", "Lunch", "Dinner"]
    assert reverse("tiers:add") not in listing.content.decode()
    assert client.get(reverse("tiers:inspect", args=[tiers[0].pk])).status_code == 200
    for response in (
        client.get(reverse("tiers:add")),
        client.post(reverse("tiers:add"), tier_form()),
        client.post(reverse("tiers:edit", args=[tiers[0].pk]), tier_form(name="Changed")),
        client.post(reverse("tiers:delete", args=[tiers[0].pk])),
        reorder(client, tiers[2], 0),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert order() == ["Espresso", "Lunch", "Dinner"]
    assert Tier.objects.count() == 3


def test_staff_who_may_manage_tiers_do(client, django_user_model, tiers):
    manager = staff_user(
        django_user_model, "moderator", "add_tier", "change_tier", "delete_tier", "view_tier"
    )
    client.force_login(manager)
    assert client.post(reverse("tiers:add"), tier_form()).status_code == 302
    assert reorder(client, tiers[2], 0).status_code == 200
    assert order()[0] == "Dinner"


def test_staff_without_a_tier_permission_are_turned_away(client, django_user_model, tiers):
    client.force_login(staff_user(django_user_model, "writer"))
    response = client.get(reverse("tiers:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_members_and_visitors_are_sent_to_log_in(client, tiers):
    patron = member("patron@example.org").user
    for user in (None, patron):
        if user:
            client.force_login(user)
        response = client.get(reverse("tiers:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_searching_tiers_by_name(admin_client, tiers):
    response = admin_client.get(reverse("tiers:index_results"), {"q": "lun"})
    assert response.status_code == 200
    assert names_in_listing(response) == ["Lunch"]
