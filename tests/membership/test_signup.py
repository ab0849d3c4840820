"""The sign-up page and its form: a pending member, one confirmation email, and the same
answer whatever the email was."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from membership.models import AppealDay, Membership
from tests.membership.factories import AppealFactory, SignupPageFactory, TierFactory
from tests.membership.patrons import EMAIL, member, sign_up

pytestmark = pytest.mark.django_db

SENT = "/support/check-your-inbox/"
# Wagtail's routing costs 6 (the site, its root page, a child and a specific lookup for the
# page, its ancestors, view restrictions), the header's News link 1, and the page 1: its
# active tiers, however many.
SIGNUP_PAGE_QUERY_BUDGET = 8


def nothing_created():
    return not get_user_model().objects.exists() and not Membership.objects.exists()


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_the_form_with_the_active_tiers_and_is_never_cached(
    client, signup_page, tier
):
    TierFactory(name="Retired tier", active=False)
    response = client.get("/support/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = soup(response)
    form = page.select_one("form.patron-form")
    assert form["method"] == "post"
    assert form["action"] == f"/membership/sign-up/{signup_page.pk}/"
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    tiers = form.select(".tier")
    assert [t.select_one(".tier__name").get_text() for t in tiers] == ["Coffee"]
    assert "3.00 EUR a month" in tiers[0].get_text()
    assert [li.get_text() for li in tiers[0].select(".tier__perks li")] == [
        "A vote each round",
        "Fewer appeals",
    ]
    consent = form.select_one("label[for=id_consent]").get_text()
    assert consent == "Yes, email me about my membership."
    assert form.select_one(".patron-form__trap input[name=website]")
    assert "Tell a friend about us." in page.select_one("section#other-ways").get_text()


def test_the_form_keeps_the_appeal_that_brought_the_reader(client, signup_page, tier):
    response = client.get("/support/?appeal=42")
    action = soup(response).select_one("form.patron-form")["action"]
    assert action == f"/membership/sign-up/{signup_page.pk}/?appeal=42"


@pytest.mark.parametrize("appeal", ["abc", "-1", "１", "4 2", "9" * 19, ""])
def test_a_malformed_appeal_id_is_left_out_of_the_form(client, signup_page, tier, appeal):
    response = client.get("/support/", {"appeal": appeal})
    assert response.status_code == 200
    action = soup(response).select_one("form.patron-form")["action"]
    assert action == f"/membership/sign-up/{signup_page.pk}/"


def test_without_active_tiers_the_page_says_sign_ups_are_not_open(client, signup_page):
    TierFactory(active=False)
    response = client.get("/support/")
    assert response.status_code == 200
    assert not soup(response).select("form.patron-form")
    assert "Sign-ups are not open yet" in response.content.decode()
    assert soup(response).select_one("#other-ways")


def test_the_page_itself_takes_no_post(client, signup_page, tier):
    response = client.post("/support/", {"email": EMAIL})
    assert response.status_code == 405
    assert nothing_created()


def test_the_sign_up_page_keeps_its_query_budget(
    client, signup_page, tier, django_assert_max_num_queries
):
    TierFactory.create_batch(5)
    client.get("/support/")  # warm Wagtail's site and root-path caches
    with django_assert_max_num_queries(SIGNUP_PAGE_QUERY_BUDGET):
        response = client.get("/support/")
    assert len(soup(response).select(".tier")) == 6


# --- Signing up --------------------------------------------------------------------------------


def test_a_sign_up_makes_a_pending_member_and_emails_a_confirmation_link(
    client, signup_page, tier, settings
):
    settings.DEFAULT_FROM_EMAIL = "desk@news.example"
    response = sign_up(client, signup_page, tier, email=" Reader@Example.org ")
    assert response.status_code == 303
    assert response["Location"] == SENT
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.PENDING
    assert membership.source == Membership.Source.SITE
    assert membership.tier == tier
    assert membership.name == "Ada"
    assert membership.consented_at is not None
    assert membership.confirmed_at is None
    assert not membership.user.has_usable_password() and not membership.user.is_staff
    [message] = mail.outbox
    assert message.to == ["Reader@example.org"]
    assert message.from_email == "desk@news.example"
    assert "/membership/confirm/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_the_check_your_inbox_page_shows_the_editors_text(client, home, tier):
    page = SignupPageFactory(parent=home, sent_text="<p>Look for our email, then click.</p>")
    response = client.get(SENT)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Look for our email, then click." in response.content.decode()
    assert page.sent_url(response.wsgi_request) == SENT


def test_the_appeal_is_stored_on_the_first_sign_up_and_counted_only_once_confirmed(
    client, signup_page, tier
):
    appeal, other = AppealFactory(), AppealFactory()
    sign_up(client, signup_page, tier, appeal=appeal.pk)
    sign_up(client, signup_page, tier, appeal=other.pk)
    assert Membership.objects.get().appeal == appeal
    assert not AppealDay.objects.filter(signups__gt=0).exists()


@pytest.mark.parametrize("appeal", ["999999", "abc", "0"])
def test_an_unknown_appeal_is_ignored(client, signup_page, tier, appeal):
    response = sign_up(client, signup_page, tier, appeal=appeal)
    assert response.status_code == 303
    assert Membership.objects.get().appeal is None


def test_signing_up_again_makes_no_second_member_and_resends_at_most_once_a_minute(
    client, signup_page, tier
):
    first = sign_up(client, signup_page, tier)
    again = sign_up(client, signup_page, tier, email="READER@example.org", name="")
    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert get_user_model().objects.count() == Membership.objects.count() == 1
    assert len(mail.outbox) == 1
    assert Membership.objects.get().name == "Ada"

    a_minute_ago = timezone.now() - datetime.timedelta(seconds=61)
    Membership.objects.update(last_email_at=a_minute_ago)
    sign_up(client, signup_page, tier)
    assert len(mail.outbox) == 2
    assert "/membership/confirm/" in mail.outbox[1].body


def test_the_answer_never_tells_whether_the_email_was_known(client, signup_page, tier):
    patron = member("patron@example.org", status=Membership.Status.ACTIVE, tier=tier)
    Membership.objects.filter(pk=patron.pk).update(confirmed_at=timezone.now())
    known = sign_up(client, signup_page, tier, email="patron@example.org")
    new = sign_up(client, signup_page, tier, email="new@example.org")
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert client.get(known["Location"]).content == client.get(new["Location"]).content
    # The patron is told they are a member already, with a way in, not asked to confirm.
    to_patron = next(m for m in mail.outbox if m.to == ["patron@example.org"])
    assert "/membership/sign-in/" in to_patron.body
    assert "already" in to_patron.subject


def test_the_form_never_changes_an_active_patrons_tier(client, signup_page, tier):
    other = TierFactory(name="Other")
    patron = member(status=Membership.Status.ACTIVE, tier=other)
    sign_up(client, signup_page, tier)
    patron.refresh_from_db()
    assert (patron.status, patron.tier) == (Membership.Status.ACTIVE, other)


def test_the_honeypot_is_answered_like_a_success_and_nothing_happens(client, signup_page, tier):
    response = sign_up(client, signup_page, tier, website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == SENT
    assert nothing_created()
    assert mail.outbox == []


# --- Bad input ---------------------------------------------------------------------------------


def inactive_tier_id():
    return str(TierFactory(active=False).pk)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.org."),
        ({"email": "a@b"}, "Enter an email address like name@example.org."),
        ({"email": "a" * 243 + "@example.org"}, "An email address has at most 254 characters."),
        ({"email": ""}, "Enter your email address."),
        ({"email": None}, "Enter your email address."),
        ({"email": "   "}, "Enter your email address."),
        ({"email": "reader@example.org\r\nBcc: x@example.org"}, "Enter an email address"),
        ({"name": "A" * 151}, "A name has at most 150 characters."),
        ({"name": "Ada\r\nBcc: victim@example.org"}, "Write your name on one line."),
        ({"name": "Ada\x00"}, None),  # the project's middleware refuses null characters
        ({"tier": "999999"}, "Choose one of the tiers shown."),
        ({"tier": "abc"}, "Choose one of the tiers shown."),
        ({"tier": inactive_tier_id}, "Choose one of the tiers shown."),
        ({"tier": None}, "Choose a tier."),
        ({"consent": None}, "We can only send you the link if you agree to receive our emails."),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message_and_nothing_happens(
    client, signup_page, tier, fields, message
):
    fields = {name: value() if callable(value) else value for name, value in fields.items()}
    response = sign_up(client, signup_page, tier, **fields)
    assert response.status_code == 400
    assert response["Cache-Control"] == "private, no-store"
    if message is not None:
        assert message in soup(response).select_one(".patron-form__errors").get_text()
    assert nothing_created()
    assert mail.outbox == []


def test_the_form_with_errors_keeps_what_the_reader_typed(client, signup_page, tier):
    response = sign_up(client, signup_page, tier, appeal=5, consent=None, name="Ada <b>")
    page = soup(response)
    assert page.select_one("input[name=email]")["value"] == EMAIL
    assert page.select_one("input[name=name]")["value"] == "Ada <b>"  # escaped, not markup
    assert page.select_one(f"input[name=tier][value='{tier.pk}']").has_attr("checked")
    assert page.select_one("form.patron-form")["action"].endswith("?appeal=5")


def test_a_post_without_a_csrf_token_is_refused(signup_page, tier):
    client = Client(enforce_csrf_checks=True)
    response = sign_up(client, signup_page, tier)
    assert response.status_code == 403
    assert nothing_created()


def test_the_form_works_with_the_csrf_token_the_page_gives(signup_page, tier):
    client = Client(enforce_csrf_checks=True)
    page = soup(client.get("/support/"))
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = sign_up(client, signup_page, tier, csrfmiddlewaretoken=token)
    assert response.status_code == 303
    assert Membership.objects.count() == 1


def test_get_on_the_form_target_is_405(client, signup_page):
    assert client.get(f"/membership/sign-up/{signup_page.pk}/").status_code == 405


def test_an_unknown_or_unpublished_page_is_404(client, home, tier):
    draft = SignupPageFactory(parent=home, live=False)
    assert sign_up(client, draft, tier).status_code == 404
    response = client.post("/membership/sign-up/999999/", {"email": EMAIL})
    assert response.status_code == 404
    assert nothing_created()


# --- Rate limits -------------------------------------------------------------------------------


def test_sign_ups_from_one_address_are_limited_per_minute(client, signup_page, tier, settings):
    settings.MEMBERSHIP_SIGNUP_RATE_LIMIT = 2
    for n in range(2):
        assert sign_up(client, signup_page, tier, email=f"r{n}@example.org").status_code == 303
    refused = sign_up(client, signup_page, tier, email="r3@example.org")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in soup(refused).select_one("main").get_text()
    assert not Membership.objects.filter(user__email="r3@example.org").exists()
    # A reader behind another address is not limited by the first one.
    other = sign_up(client, signup_page, tier, email="r3@example.org", remote_addr="10.0.0.9")
    assert other.status_code == 303


def test_sign_ups_for_one_email_are_limited_per_minute_whatever_the_address(
    client, signup_page, tier, settings
):
    settings.MEMBERSHIP_SIGNUP_RATE_LIMIT = 2
    for n in range(2):
        response = sign_up(client, signup_page, tier, remote_addr=f"10.0.0.{n}")
        assert response.status_code == 303
    assert sign_up(client, signup_page, tier, remote_addr="10.0.0.7").status_code == 429
    response = sign_up(client, signup_page, tier, email="other@example.org", remote_addr="10.0.0.8")
    assert response.status_code == 303


def test_a_rate_limiter_that_cannot_count_refuses_sign_ups(
    client, signup_page, tier, dead_ratelimit_cache
):
    response = sign_up(client, signup_page, tier)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert nothing_created()


# --- For editors -------------------------------------------------------------------------------


def test_an_editor_can_add_a_sign_up_page_under_the_home_page(admin_client, home):
    response = admin_client.get(f"/admin/pages/add/membership/signuppage/{home.pk}/")
    assert response.status_code == 200


def test_rich_text_set_in_code_is_sanitised_when_saved(home):
    page = SignupPageFactory(
        parent=home,
        intro='<p>Join<script>alert(1)</script> <a href="javascript:alert(2)">us</a></p>',
        other_ways='<p onclick="alert(3)">Share</p>',
    )
    page.refresh_from_db()
    assert "script" not in page.intro and "javascript:" not in page.intro
    assert "onclick" not in page.other_ways
    assert "Join" in page.intro and "Share" in page.other_ways


def test_an_editor_previews_the_page_with_its_form(signup_page, tier, admin_user, rf):
    request = rf.get("/admin/")
    request.user = admin_user
    response = signup_page.make_preview_request(request)
    assert response.status_code == 200
    assert soup(response).select_one("form.patron-form .tier")
