"""With Redis down (the production caches, pointed at a closed port), the site keeps reading
from the database and refuses what it cannot rate-limit: sign-up, sign-in and votes get the
site's 503 page saying to try again, and nothing is written; the beacon still counts views."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from membership.models import Membership, Vote
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory, TopicFactory
from tests.membership.patrons import sign_up
from tests.membership.voters import signed_in_patron
from tests.test_outages import use_production_caches

# Its own database number: outages are remembered per address, per process.
DEAD_REDIS = "redis://127.0.0.1:1/3"
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
TRY_AGAIN = "This is unavailable for a moment. Please try again later."


@pytest.fixture
def redis_down(settings):
    use_production_caches(settings, DEAD_REDIS)


def assert_try_again_page(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Please wait a moment"
    assert TRY_AGAIN in page.get_text(" ", strip=True)


def test_sign_up_is_refused_with_a_page_saying_to_try_again(client, signup_page, tier, redis_down):
    assert client.get(signup_page.url).status_code == 200  # the form itself still shows

    assert_try_again_page(sign_up(client, signup_page, tier))
    assert not get_user_model().objects.exists()
    assert not Membership.objects.exists()
    assert mail.outbox == []


def test_sign_in_is_refused_with_a_page_saying_to_try_again(client, tier, redis_down):
    signed_in_patron(Client(), "reader@example.org", tier)  # a member who asks for a link

    assert_try_again_page(client.post("/membership/sign-in/", {"email": "reader@example.org"}))
    assert mail.outbox == []


def test_a_vote_is_refused_with_a_page_saying_to_try_again(
    client, topics_page, voting_round, three_votes, settings
):
    topic = TopicFactory(round=voting_round, title="Ports")
    signed_in_patron(client, "reader@example.org", three_votes)
    use_production_caches(settings, DEAD_REDIS)

    response = client.post(f"/membership/topics/{topic.pk}/vote/", {"action": "vote"}, **BROWSER)

    assert_try_again_page(response)
    assert not Vote.objects.exists()


def test_articles_and_the_beacon_still_answer(client, news, redis_down):
    article = ArticlePageFactory(parent=news, title="Ports reopen after the storm")
    appeal = AppealFactory(heading="Keep the presses running")

    page = client.get(article.url)
    beacon = client.post(
        "/membership/beacon/",
        f"appeal={appeal.pk}&event=view",
        content_type="application/x-www-form-urlencoded",
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert page.status_code == 200
    assert "Ports reopen after the storm" in page.content.decode()
    assert beacon.status_code == 204
