"""Concurrent sign-ups for one email, over real HTTP: exactly one user and one membership."""

import threading

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail

from membership.models import Membership
from tests.factories import home_page
from tests.membership.factories import SignupPageFactory, TierFactory

READERS = 8


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_ups_for_one_email_make_one_member_and_one_email(live_server, settings):
    settings.MEMBERSHIP_SIGNUP_RATE_LIMIT = 100  # one address sends them all here
    page = SignupPageFactory(parent=home_page())
    tier = TierFactory()
    form_page = requests.get(f"{live_server.url}/support/", timeout=10)
    token = BeautifulSoup(form_page.text, "html.parser").select_one(
        "input[name=csrfmiddlewaretoken]"
    )["value"]
    cookies = form_page.cookies.get_dict()
    url = f"{live_server.url}/membership/sign-up/{page.pk}/"
    barrier = threading.Barrier(READERS)
    answers, errors = [], []

    def sign_up(number):
        data = {
            "csrfmiddlewaretoken": token,
            "email": "Race@Example.org" if number % 2 else "race@example.ORG",
            "name": f"Reader {number}",
            "tier": str(tier.pk),
            "consent": "on",
        }
        try:
            barrier.wait(timeout=10)
            response = requests.post(
                url,
                data=data,
                cookies=cookies,
                headers={"Referer": f"{live_server.url}/support/"},
                allow_redirects=False,
                timeout=30,
            )
            answers.append((response.status_code, response.headers.get("Location")))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [(303, "/support/check-your-inbox/")] * READERS
    assert get_user_model().objects.filter(username__startswith="member-").count() == 1
    assert Membership.objects.count() == 1
    assert len(mail.outbox) == 1
