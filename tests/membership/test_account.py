"""The patron's account: what it shows, where payment is managed, their data, and leaving."""

import datetime
import json
from urllib.parse import parse_qs

import pytest
import responses
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.utils import timezone

from membership import stats
from membership.models import AppealDay, Membership, WebhookEvent
from membership.session import PATRON_COOKIE
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory
from tests.membership.patrons import EMAIL, member, signed_in

pytestmark = pytest.mark.django_db

PORTAL_API = "https://api.stripe.com/v1/billing_portal/sessions"
PORTAL_PAGE = "https://billing.stripe.com/p/session/test_1"
CHECKOUT_API = "https://api.stripe.com/v1/checkout/sessions"
# Django's session and user (2), the membership with its tier (1), and the site template's
# three: the Wagtail Site (its name, in the title), the header's News link, and the header's
# and footer's links (newsroom.home.site_links: cached, so none on a warm cache).
ACCOUNT_PAGE_QUERY_BUDGET = 6


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response):
    return " ".join(soup(response).select_one("main").get_text().split())


@pytest.fixture
def stripe_api(settings):
    settings.MEMBERSHIP_STRIPE_SECRET_KEY = "sk_test_account"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/membership/account/"),
        ("get", "/membership/account/data/"),
        ("post", "/membership/account/cancel/"),
        ("post", "/membership/account/delete/"),
        ("post", "/membership/account/payment/"),
        ("post", "/membership/checkout/"),
    ],
)
def test_a_visitor_who_is_not_signed_in_goes_to_sign_in(client, tier, method, url):
    member(status=Membership.Status.ACTIVE, tier=tier)
    response = getattr(client, method)(url, {"confirm": "yes"})
    assert response.status_code == 303
    assert response["Location"] == "/membership/sign-in/"
    assert response["Cache-Control"] == "private, no-store"
    assert Membership.objects.get().status == Membership.Status.ACTIVE


def test_an_editor_without_a_membership_goes_to_sign_in(client):
    editor = get_user_model().objects.create_user("editor", "editor@example.org", is_staff=True)
    client.force_login(editor)
    assert client.get("/membership/account/")["Location"] == "/membership/sign-in/"


def test_the_account_shows_who_what_since_when_and_votes(client, tier):
    membership = signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier))
    Membership.objects.filter(pk=membership.pk).update(
        status_changed_at=datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)
    )
    response = client.get("/membership/account/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    shown = text(response)
    assert f"Signed in as {EMAIL}" in shown
    assert "Coffee: 3.00 EUR a month" in shown
    assert "Active since 4 March 2025" in shown
    assert "Votes per round 2" in shown
    assert response.cookies[PATRON_COOKIE].value == "1"


def test_the_account_clears_the_cookie_once_the_membership_is_not_active(client, tier):
    signed_in(client, member(status=Membership.Status.LAPSED, tier=tier))
    client.cookies[PATRON_COOKIE] = "1"
    response = client.get("/membership/account/")
    assert response.cookies[PATRON_COOKIE]["max-age"] == 0
    assert "Votes per round 0" in text(response)


def test_the_account_page_keeps_its_query_budget(client, tier, django_assert_max_num_queries):
    signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier))
    with django_assert_max_num_queries(ACCOUNT_PAGE_QUERY_BUDGET):
        response = client.get("/membership/account/")
    assert response.status_code == 200


# --- Where payment is managed ------------------------------------------------------------------


def test_a_stripe_patron_manages_payment_in_stripes_portal(client, tier, stripe_api):
    signed_in(
        client,
        member(
            status=Membership.Status.ACTIVE,
            tier=tier,
            source=Membership.Source.STRIPE,
            stripe_customer_id="cus_123",
            stripe_subscription_id="sub_123",
        ),
    )
    page = soup(client.get("/membership/account/"))
    assert page.select_one("form[action='/membership/account/payment/'] button")
    assert not page.select("form[action='/membership/account/cancel/']")  # cancel at Stripe
    stripe_api.post(PORTAL_API, json={"id": "bps_1", "url": PORTAL_PAGE})
    response = client.post("/membership/account/payment/")
    assert (response.status_code, response["Location"]) == (303, PORTAL_PAGE)
    [call] = stripe_api.calls
    assert parse_qs(call.request.body) == {
        "customer": ["cus_123"],
        "return_url": ["http://localhost/membership/account/"],
    }
    assert call.request.headers["Authorization"] == "Bearer sk_test_account"
    refused = client.post("/membership/account/cancel/")
    assert refused.status_code == 400
    assert Membership.objects.get().status == Membership.Status.ACTIVE


def test_when_stripes_portal_fails_the_patron_is_told(client, tier, stripe_api):
    signed_in(
        client,
        member(status="active", tier=tier, source="stripe", stripe_customer_id="cus_1"),
    )
    stripe_api.post(PORTAL_API, status=400, json={"error": {"message": "No such customer"}})
    response = client.post("/membership/account/payment/")
    assert response.status_code == 502
    assert "could not reach our payment provider" in text(response)


def test_without_stripe_there_is_no_portal(client, tier):
    signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier, stripe_customer_id="c"))
    page = soup(client.get("/membership/account/"))
    assert not page.select("form[action='/membership/account/payment/']")
    assert client.post("/membership/account/payment/").status_code == 400


def test_a_patreon_patron_is_sent_to_patreon(client, tier, settings):
    settings.MEMBERSHIP_PATREON_CAMPAIGN_URL = "https://www.patreon.com/newsroom"
    signed_in(
        client,
        member(
            status=Membership.Status.ACTIVE,
            tier=tier,
            source=Membership.Source.PATREON,
            patreon_member_id="pm_1",
        ),
    )
    page = soup(client.get("/membership/account/"))
    assert page.select_one("a[href='https://www.patreon.com/newsroom']")
    assert not page.select("form[action='/membership/account/cancel/']")
    assert client.post("/membership/account/cancel/").status_code == 400
    assert Membership.objects.get().status == Membership.Status.ACTIVE


def test_a_pending_member_continues_to_checkout_from_the_account(client, tier, stripe_api):
    membership = signed_in(client, member(tier=tier))
    page = soup(client.get("/membership/account/"))
    assert page.select_one("form[action='/membership/checkout/'] button")
    stripe_api.post(CHECKOUT_API, json={"id": "cs_1", "url": "https://checkout.stripe.com/c/1"})
    response = client.post("/membership/checkout/")
    assert response["Location"] == "https://checkout.stripe.com/c/1"
    sent = parse_qs(stripe_api.calls[0].request.body)
    assert sent["client_reference_id"] == [str(membership.pk)]
    assert sent["line_items[0][price]"] == ["price_coffee"]


def test_an_active_patron_is_never_sent_to_checkout_again(client, tier, stripe_api):
    signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier))
    assert not soup(client.get("/membership/account/")).select("form[action$='/checkout/']")
    response = client.post("/membership/checkout/")
    assert response["Location"] == "/membership/account/"
    assert len(stripe_api.calls) == 0


def test_others_are_told_to_ask_us_to_change_tier(client, tier, settings):
    settings.DEFAULT_FROM_EMAIL = "desk@news.example"
    signed_in(client, member(tier=tier))
    assert soup(client.get("/membership/account/")).select_one("a[href='mailto:desk@news.example']")


# --- Cancelling --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "joined",
    [
        {"status": Membership.Status.PENDING},
        {"status": Membership.Status.ACTIVE, "source": Membership.Source.STAFF},
    ],
)
def test_a_membership_no_provider_manages_is_cancelled_here(client, tier, joined):
    signed_in(client, member(tier=tier, **joined))
    client.cookies[PATRON_COOKIE] = "1"
    response = client.post("/membership/account/cancel/")
    assert response.status_code == 303
    assert response["Location"] == "/membership/account/"
    assert response.cookies[PATRON_COOKIE]["max-age"] == 0
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.CANCELLED
    assert "Cancelled since" in text(client.get("/membership/account/"))


# --- Their data --------------------------------------------------------------------------------


def test_the_data_download_holds_everything_stored_about_the_member_and_no_one_else(client, tier):
    appeal = AppealFactory()
    membership = member(
        status=Membership.Status.ACTIVE,
        tier=tier,
        stripe_customer_id="cus_9",
        stripe_subscription_id="sub_9",
    )
    Membership.objects.filter(pk=membership.pk).update(appeal=appeal, name="Ada Lovelace")
    WebhookEvent.objects.create(
        provider="stripe",
        event_id="evt_1",
        event_type="checkout.session.completed",
        occurred_at=timezone.now(),
        membership=membership,
    )
    other = member("other@example.org", stripe_customer_id="cus_other")
    WebhookEvent.objects.create(provider="stripe", event_id="evt_2", membership=other)
    signed_in(client, membership)

    response = client.get("/membership/account/data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="membership-data.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["user"]["email"] == EMAIL
    assert data["membership"]["name"] == "Ada Lovelace"
    assert data["membership"]["status"] == "active"
    assert data["membership"]["appeal_id"] == appeal.pk
    assert data["membership"]["stripe_customer_id"] == "cus_9"
    assert data["membership"]["stripe_subscription_id"] == "sub_9"
    assert data["membership"]["confirmed_at"] is None
    assert data["tier"] == {
        "name": "Coffee",
        "amount": "3.00",
        "currency": "EUR",
        "votes_per_round": 2,
    }
    [event] = data["payment_events"]
    assert event["type"] == "checkout.session.completed" and event["occurred_at"]
    dumped = response.content.decode()
    assert "other@example.org" not in dumped and "cus_other" not in dumped
    assert "password" not in dumped


# --- Deleting ----------------------------------------------------------------------------------


def test_deleting_asks_first(client, tier):
    signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier))
    response = client.post("/membership/account/delete/")
    assert response.status_code == 200
    assert soup(response).select_one("form input[name=confirm][value=yes]")
    assert Membership.objects.exists()


def test_deleting_erases_the_member_signs_out_and_keeps_only_anonymous_totals(client, tier):
    appeal = AppealFactory()
    membership = member(status=Membership.Status.ACTIVE, tier=tier, stripe_customer_id="cus_1")
    Membership.objects.filter(pk=membership.pk).update(appeal=appeal)
    stats.record_signup(appeal.pk)
    event = WebhookEvent.objects.create(provider="stripe", event_id="e", membership=membership)
    signed_in(client, membership)

    response = client.post("/membership/account/delete/", {"confirm": "yes"})
    assert response.status_code == 303
    assert response["Location"] == "/membership/goodbye/"
    assert response.cookies[PATRON_COOKIE]["max-age"] == 0
    assert not Membership.objects.exists()
    assert not get_user_model().objects.filter(email=EMAIL).exists()
    assert client.session.get(SESSION_KEY) is None
    assert AppealDay.objects.get(appeal=appeal).signups == 1
    event.refresh_from_db()
    assert event.membership is None
    goodbye = client.get(response["Location"])
    assert goodbye.status_code == 200
    assert "erased" in text(goodbye)
    assert client.get("/membership/account/")["Location"] == "/membership/sign-in/"


def test_deleting_needs_the_csrf_token(tier):
    client = Client(enforce_csrf_checks=True)
    signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier))
    assert client.post("/membership/account/delete/", {"confirm": "yes"}).status_code == 403
    assert Membership.objects.exists()


def test_public_pages_stay_the_same_for_a_signed_in_patron(client, news, tier):
    article = ArticlePageFactory(parent=news)
    anonymous = Client().get(article.url)
    signed_in(client, member(status=Membership.Status.ACTIVE, tier=tier))
    patron = client.get(article.url)
    assert patron.content == anonymous.content
    assert "Cookie" not in patron.get("Vary", "")
    assert patron["Cache-Control"].startswith("public")
