"""A reader becomes a patron, in real Chromium: from the appeal in the seed story to the sign-up
page, the emailed confirmation, Stripe's (signed) word that they pay, a magic-link sign-in that
hides the appeal, their data, signing out, and deleting it all."""

import json
import re

import pytest
from django.core import mail
from django.core.management import call_command

from articles.models import ArticlePage
from membership.examples import ensure_example_tier, ensure_signup_page
from membership.members import get_member
from membership.models import Membership
from membership.payments import testing
from tests.e2e.helpers import SEED_TITLE, emailed_link, sign_in_by_email
from tests.factories import home_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "reader@example.org"
STRIPE_SECRET = "whsec_browser_journey"
APPEAL = ".patron-appeal--end"


@pytest.fixture
def site(settings):
    settings.MEMBERSHIP_STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    call_command("import_seed", verbosity=0)
    ensure_example_tier()
    ensure_signup_page(home_page())
    return ArticlePage.objects.get(title=SEED_TITLE)


def patron_cookie(page):
    return {c["name"]: c["value"] for c in page.context.cookies()}.get("membership_patron")


def test_a_reader_becomes_a_patron_and_then_leaves(site, browser_page, live_server):
    page = browser_page

    # 1. The appeal at the end of the seed story leads to the sign-up page, with its id.
    page.goto(site.url)
    page.locator(APPEAL).get_by_role("link", name="Become a patron").click()
    page.wait_for_url(re.compile(r"/support/\?appeal=\d+$"))
    page.get_by_role("textbox", name=re.compile("email", re.IGNORECASE)).fill(EMAIL)
    page.get_by_role("textbox", name=re.compile("name", re.IGNORECASE)).fill("Ada Reader")
    page.locator("input[name=tier]").first.check()
    page.locator("input[name=consent]").check()
    page.locator(".patron-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/support/check-your-inbox/"))
    membership = get_member(EMAIL)
    assert membership.status == Membership.Status.PENDING
    assert membership.confirmed_at is None
    assert membership.appeal is not None

    # 2. The emailed link asks to confirm; nothing is confirmed until the reader clicks.
    assert len(mail.outbox) == 1
    page.goto(emailed_link("/membership/confirm/"))
    assert page.get_by_role("button", name="Confirm").is_visible()
    assert get_member(EMAIL).confirmed_at is None
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert get_member(EMAIL).confirmed_at is not None
    assert get_member(EMAIL).status == Membership.Status.PENDING  # no payment yet
    assert patron_cookie(page) is None

    # 3. Stripe says they paid (a webhook signed as Stripe signs it); they sign in again.
    event = testing.stripe_event(
        "checkout.session.completed", email=EMAIL, reference=str(membership.pk)
    )
    body = testing.encode(event)
    status, answer = testing.post(
        f"{live_server.url}/membership/webhooks/stripe/",
        body,
        testing.stripe_headers(body, STRIPE_SECRET),
    )
    assert status == 200, answer
    assert get_member(EMAIL).status == Membership.Status.ACTIVE
    sign_in_by_email(page, EMAIL)
    assert "Active" in page.locator("main").inner_text()
    assert patron_cookie(page) == "1"
    page.goto(site.url)
    page.locator("article h1").wait_for()
    assert not page.locator(APPEAL).is_visible()  # patrons don't get the appeal

    # 4. Their data, signing out (the appeal is back), then deleting everything.
    page.goto("/membership/account/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download everything")).click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert EMAIL in json.dumps(data)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert patron_cookie(page) is None
    page.goto(site.url)
    page.locator(APPEAL).wait_for(state="visible")

    sign_in_by_email(page, EMAIL)
    page.get_by_role("button", name=re.compile("Delete my account")).click()
    page.get_by_role("button", name="Yes, delete everything").click()
    page.wait_for_load_state()
    assert get_member(EMAIL) is None
    assert patron_cookie(page) is None
    page.goto(site.url)
    page.locator(APPEAL).wait_for(state="visible")
