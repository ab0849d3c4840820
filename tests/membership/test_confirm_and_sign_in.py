"""The links we email: GET asks, POST acts, once; then Stripe Checkout or what happens next.
Signing in works the same way, for any member however they joined."""

from urllib.parse import parse_qs

import pytest
import responses
import stripe
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from membership import tokens
from membership.members import delete_member
from membership.models import AppealDay, Membership
from membership.session import PATRON_COOKIE
from tests.membership.factories import AppealFactory, SignupPageFactory
from tests.membership.patrons import EMAIL, last_link, member, sign_up

pytestmark = pytest.mark.django_db

CHECKOUT_API = "https://api.stripe.com/v1/checkout/sessions"
CHECKOUT_PAGE = "https://checkout.stripe.com/c/pay/cs_test_1"


@pytest.fixture
def confirm_link(client, signup_page, tier):
    sign_up(client, signup_page, tier)
    return last_link()


@pytest.fixture
def stripe_key(settings):
    settings.MEMBERSHIP_STRIPE_SECRET_KEY = "sk_test_signup"
    return settings.MEMBERSHIP_STRIPE_SECRET_KEY


@pytest.fixture
def stripe_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def sign_in_link(client, email=EMAIL):
    client.post("/membership/sign-in/", {"email": email})
    return last_link()


def sent_form(body):
    return {name: values[0] for name, values in parse_qs(body).items()}


# --- Confirming ------------------------------------------------------------------------------


def test_opening_the_link_asks_and_changes_nothing(client, confirm_link):
    assert confirm_link.startswith("/membership/confirm/")
    response = client.get(confirm_link)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    form = soup(response).select_one("main form")
    assert form["method"] == "post" and form.select_one("input[name=csrfmiddlewaretoken]")
    assert client.head(confirm_link).status_code == 200
    assert Membership.objects.get().confirmed_at is None
    assert signed_in_user_id(client) is None
    assert PATRON_COOKIE not in response.cookies
    # The link still works: a scanner that opened it used nothing up.
    assert client.post(confirm_link).status_code == 303


def test_confirming_signs_the_member_in_with_a_new_session_key(client, confirm_link):
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key
    response = client.post(confirm_link)
    membership = Membership.objects.get()
    assert membership.confirmed_at is not None
    assert membership.status == Membership.Status.PENDING
    assert signed_in_user_id(client) == str(membership.user.pk)
    assert client.session.session_key != before
    assert response["Cache-Control"] == "private, no-store"


def test_without_stripe_the_member_waits_and_reads_what_happens_next(client, home, tier, settings):
    settings.MEMBERSHIP_PATREON_CAMPAIGN_URL = "https://www.patreon.com/newsroom"
    page = SignupPageFactory(parent=home, next_steps_text="<p>We will write to you soon.</p>")
    sign_up(client, page, tier)
    response = client.post(last_link())
    assert response.status_code == 303
    assert response["Location"] == "/membership/welcome/"
    welcome = client.get(response["Location"])
    assert welcome["Cache-Control"] == "private, no-store"
    text = soup(welcome).select_one("main")
    assert "We will write to you soon." in text.get_text()
    assert text.select_one("a[href='https://www.patreon.com/newsroom']")
    assert Membership.objects.get().status == Membership.Status.PENDING


def test_without_a_patreon_page_no_patreon_link_is_shown(client, confirm_link):
    welcome = client.get(client.post(confirm_link)["Location"])
    assert "patreon" not in welcome.content.decode().lower()


def test_with_stripe_the_member_goes_on_to_checkout_for_their_tier(
    client, confirm_link, stripe_key, stripe_api
):
    stripe_api.post(CHECKOUT_API, json={"id": "cs_test_1", "url": CHECKOUT_PAGE})
    response = client.post(confirm_link)
    assert response.status_code == 303
    assert response["Location"] == CHECKOUT_PAGE
    membership = Membership.objects.get()
    [call] = stripe_api.calls
    assert call.request.headers["Authorization"] == f"Bearer {stripe_key}"
    sent = sent_form(call.request.body)
    assert sent == {
        "mode": "subscription",
        "line_items[0][price]": "price_coffee",
        "line_items[0][quantity]": "1",
        "client_reference_id": str(membership.pk),
        "customer_email": EMAIL,
        "success_url": "http://localhost/membership/checkout/done/",
        "cancel_url": "http://localhost/membership/account/",
    }
    assert stripe.api_key is None  # the key went with the call, not into a global
    assert signed_in_user_id(client) == str(membership.user.pk)


def test_when_stripe_fails_the_member_is_confirmed_and_can_try_again(
    client, confirm_link, stripe_key, stripe_api
):
    stripe_api.post(
        CHECKOUT_API,
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "No such price"}},
    )
    response = client.post(confirm_link)
    assert response.status_code == 200  # the confirmation worked, and the session is kept
    assert "could not reach our payment provider" in response.content.decode()
    retry = soup(response).select_one("form[action='/membership/checkout/']")
    assert retry is not None
    assert Membership.objects.get().confirmed_at is not None
    assert client.post("/membership/checkout/").status_code == 502  # still failing
    stripe_api.replace("POST", CHECKOUT_API, json={"id": "cs_test_1", "url": CHECKOUT_PAGE})
    again = client.post("/membership/checkout/")
    assert (again.status_code, again["Location"]) == (303, CHECKOUT_PAGE)


def test_a_tier_without_a_stripe_price_skips_checkout(
    client, signup_page, tier, stripe_key, stripe_api
):
    tier.stripe_price_id = ""
    tier.save()
    sign_up(client, signup_page, tier)
    response = client.post(last_link())
    assert response["Location"] == "/membership/welcome/"
    assert len(stripe_api.calls) == 0


def test_checkout_comes_back_to_a_thank_you_page_that_reads_the_status(client, tier, settings):
    patron = member(status=Membership.Status.ACTIVE, tier=tier)
    client.force_login(patron.user)
    response = client.get("/membership/checkout/done/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Your membership is active" in response.content.decode()
    assert response.cookies[PATRON_COOKIE].value == "1"
    client.logout()
    assert client.get("/membership/checkout/done/")["Location"] == "/membership/sign-in/"


def test_the_sign_up_is_counted_for_its_appeal_once_and_only_once_confirmed(
    client, signup_page, tier
):
    appeal = AppealFactory()
    sign_up(client, signup_page, tier, appeal=appeal.pk)
    confirm = last_link()
    assert not AppealDay.objects.filter(appeal=appeal, signups__gt=0).exists()
    client.post(confirm)
    assert AppealDay.objects.get(appeal=appeal).signups == 1
    client.post(sign_in_link(client))  # a later link proves the address again: no new count
    assert AppealDay.objects.get(appeal=appeal).signups == 1


def test_a_used_link_is_gone(client, confirm_link):
    client.post(confirm_link)
    for method in (client.post, client.get):
        response = method(confirm_link)
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
        assert soup(response).select_one("form[action='/membership/sign-in/'] input[name=email]")


def test_a_tampered_link_is_a_bad_request_with_a_way_to_a_new_link(client, confirm_link):
    tampered = confirm_link[:-3] + ("AA/" if confirm_link[-3:] != "AA/" else "BB/")
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert response["Cache-Control"] == "private, no-store"
        assert soup(response).select_one("form[action='/membership/sign-in/']")
    assert Membership.objects.get().confirmed_at is None
    assert signed_in_user_id(client) is None


def test_a_forged_link_is_a_bad_request(client, signup_page, tier):
    assert client.get("/membership/confirm/WzEsImFhYSJd:1abc:forged/").status_code == 400
    assert client.post("/membership/confirm/x/").status_code == 400


def test_an_expired_link_is_gone(client, confirm_link, settings):
    settings.MEMBERSHIP_TOKEN_MAX_AGE = -1  # every link is past its age
    assert client.get(confirm_link).status_code == 410
    response = client.post(confirm_link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert Membership.objects.get().confirmed_at is None


def test_a_link_for_a_deleted_member_is_gone(client, confirm_link):
    delete_member(Membership.objects.get())
    for method in (client.get, client.post):
        response = method(confirm_link)
        assert response.status_code == 410
        assert "no longer exists" in response.content.decode()
    assert not Membership.objects.exists()


def test_a_sign_in_link_does_not_confirm_and_the_reverse(client, confirm_link):
    sign_in = confirm_link.replace("/confirm/", "/sign-in/")
    assert client.post(sign_in).status_code == 400
    assert client.post(confirm_link).status_code == 303
    membership = Membership.objects.get()
    token = tokens.make(tokens.SIGN_IN, membership.user.pk)
    assert client.post(f"/membership/confirm/{token}/").status_code == 400


def test_a_link_never_signs_in_staff(client):
    membership = member()
    membership.user.is_staff = True
    membership.user.save()
    token = tokens.make(tokens.SIGN_IN, membership.user.pk)
    assert client.post(f"/membership/sign-in/{token}/").status_code == 410
    assert signed_in_user_id(client) is None
    client.post("/membership/sign-in/", {"email": EMAIL})
    assert mail.outbox == []


def test_confirming_needs_the_csrf_token_of_the_page(confirm_link):
    client = Client(enforce_csrf_checks=True)
    assert client.post(confirm_link).status_code == 403
    assert Membership.objects.get().confirmed_at is None
    page = soup(client.get(confirm_link))
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]
    assert client.post(confirm_link, {"csrfmiddlewaretoken": token}).status_code == 303


# --- Signing in ------------------------------------------------------------------------------


def test_the_sign_in_form_is_private_and_carries_a_csrf_token(client):
    response = client.get("/membership/sign-in/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert soup(response).select_one("form input[name=csrfmiddlewaretoken]")


def test_asking_for_a_link_looks_the_same_for_known_and_unknown_emails(client):
    member()
    known = client.post("/membership/sign-in/", {"email": "READER@example.org"})
    unknown = client.post("/membership/sign-in/", {"email": "stranger@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/membership/sign-in/?sent=1"
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert "/membership/sign-in/" in message.body


@pytest.mark.parametrize(
    "joined",
    [
        {"status": Membership.Status.ACTIVE, "source": Membership.Source.PATREON},
        {"status": Membership.Status.ACTIVE, "source": Membership.Source.STRIPE},
        {"status": Membership.Status.ACTIVE, "source": Membership.Source.STAFF},
        {"status": Membership.Status.CANCELLED},
    ],
)
def test_any_member_signs_in_by_link_however_they_joined(client, tier, joined):
    membership = member(tier=tier, **joined)
    link = sign_in_link(client)
    response = client.get(link)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None  # the GET only asks
    response = client.post(link)
    assert response.status_code == 303
    assert response["Location"] == "/membership/account/"
    assert signed_in_user_id(client) == str(membership.user.pk)
    assert (PATRON_COOKIE in response.cookies) == (membership.status == "active")
    assert client.post(link).status_code == 410  # once only


def test_the_patron_cookie_is_lax_readable_by_the_script_and_secure_over_https(client, tier):
    member(status=Membership.Status.ACTIVE, tier=tier)
    cookie = client.post(sign_in_link(client)).cookies[PATRON_COOKIE]
    assert cookie.value == "1"
    assert cookie["samesite"] == "Lax"
    assert not cookie["httponly"]
    assert not cookie["secure"]
    client.logout()
    link = sign_in_link(client)
    cookie = client.post(link, secure=True).cookies[PATRON_COOKIE]
    assert cookie["secure"]


def test_signing_in_clears_the_cookie_of_a_patron_who_is_no_longer_active(client, tier):
    member(status=Membership.Status.LAPSED, tier=tier)
    client.cookies[PATRON_COOKIE] = "1"
    response = client.post(sign_in_link(client))
    assert response.cookies[PATRON_COOKIE].value == ""
    assert response.cookies[PATRON_COOKIE]["max-age"] == 0


def test_signing_in_confirms_a_member_who_never_confirmed(client, tier):
    membership = member(tier=tier)
    client.post(sign_in_link(client))
    membership.refresh_from_db()
    assert membership.confirmed_at is not None


def test_an_expired_sign_in_link_is_gone(client, settings):
    member()
    link = sign_in_link(client)
    settings.MEMBERSHIP_TOKEN_MAX_AGE = -1
    assert client.post(link).status_code == 410
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    "email", ["", "not-an-email", "a" * 243 + "@example.org", "x@example.org\nBcc: y@z.org"]
)
def test_a_bad_email_for_sign_in_is_a_400(client, email):
    response = client.post("/membership/sign-in/", {"email": email})
    assert response.status_code == 400
    assert soup(response).select_one(".patron-form__errors")
    assert mail.outbox == []


def test_sign_in_requests_are_limited_per_address_and_per_email(client, settings):
    settings.MEMBERSHIP_SIGNIN_RATE_LIMIT = 2
    member()
    for n in range(2):
        response = client.post("/membership/sign-in/", {"email": EMAIL}, REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 303
    refused = client.post("/membership/sign-in/", {"email": EMAIL}, REMOTE_ADDR="10.0.0.5")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert len(mail.outbox) == 2
    for n in range(2):
        response = client.post("/membership/sign-in/", {"email": f"r{n}@example.org"})
        assert response.status_code == 303
    assert client.post("/membership/sign-in/", {"email": "r9@example.org"}).status_code == 429
    other_reader = client.post(
        "/membership/sign-in/", {"email": "r9@example.org"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_reader.status_code == 303


def test_a_sign_in_post_without_csrf_is_refused():
    member()
    response = Client(enforce_csrf_checks=True).post("/membership/sign-in/", {"email": EMAIL})
    assert response.status_code == 403
    assert mail.outbox == []


def test_signing_out_is_a_post_that_ends_the_session_and_clears_the_cookie(client, tier):
    member(status=Membership.Status.ACTIVE, tier=tier)
    client.post(sign_in_link(client))
    assert client.get("/membership/sign-out/").status_code == 405
    assert signed_in_user_id(client) is not None
    response = client.post("/membership/sign-out/")
    assert response.status_code == 303
    assert response["Location"] == "/membership/sign-in/?signed-out=1"
    assert response.cookies[PATRON_COOKIE]["max-age"] == 0
    assert signed_in_user_id(client) is None
    assert "You have signed out." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/membership/sign-out/",
        "/membership/account/delete/",
        "/membership/account/cancel/",
        "/membership/account/payment/",
        "/membership/checkout/",
    ],
)
def test_get_on_post_only_urls_is_405(client, tier, url):
    membership = member(status=Membership.Status.ACTIVE, tier=tier)
    client.force_login(membership.user)
    assert client.get(url).status_code == 405
    assert Membership.objects.filter(pk=membership.pk, status="active").exists()
