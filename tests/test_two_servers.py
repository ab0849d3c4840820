"""Two gunicorn servers with the production settings, sharing PostgreSQL and Redis, behave as
one site: a session, a vote, a publish and a rate limit made on one hold on the other.

Runs in the PostgreSQL run only: the servers are other processes, so they must reach the test
database over the network, and SQLite's test database lives in this process's memory.
"""

import uuid

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from membership import conf as membership_conf
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, home_page
from tests.gunicorn_servers import (
    TIMEOUT,
    Browser,
    RedisKeys,
    Server,
    manage,
    prepare,
    production_env,
    sign_in_as_patron,
    stop_all,
)
from tests.membership.factories import (
    TierFactory,
    TopicFactory,
    TopicsPageFactory,
    VotingRoundFactory,
)
from tests.membership.voters import patron

PATRON_EMAIL = "two-servers@example.org"

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def redis_keys():
    with RedisKeys() as keys:
        yield keys


@pytest.fixture
def two_servers(redis_keys, tmp_path):
    prepare(production_env(redis_keys.prefix, tmp_path))
    servers = [Server(redis_keys.prefix, tmp_path) for _ in range(2)]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        stop_all(servers)


def sign_in_to_the_admin(browser, server, username, password):
    login = f"{server.url}/admin/login/"
    token = browser.csrf_token(login)
    data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    response = browser.post(login, data)
    assert response.status_code == 302, response.text


def topic_count(browser, url, topic):
    page = BeautifulSoup(browser.get(url).text, "html.parser")
    return page.select_one(f"#topic-{topic.pk} [data-count]").get_text(strip=True)


def test_two_servers_share_sessions_votes_publishing_and_rate_limits(
    two_servers, redis_keys, tmp_path
):
    a, b = two_servers
    home = home_page()
    tier = TierFactory(name="Coffee", amount="3.00", votes_per_round=3)
    membership = patron(PATRON_EMAIL, tier)
    topics_page = TopicsPageFactory(parent=home)
    topic = TopicFactory(round=VotingRoundFactory(title="What next?"), title="Ports")
    article = ArticlePageFactory(parent=ArticleIndexPageFactory(parent=home), title="Old title")
    password = uuid.uuid4().hex
    editor_user = get_user_model().objects.create_superuser("editor", "editor@example.org")
    # Hashed as production hashes (this process's settings use a fast test-only hasher).
    hasher = PBKDF2PasswordHasher()
    editor_user.password = hasher.encode(password, hasher.salt())
    editor_user.save(update_fields=["password"])

    # A session made on A is valid on B.
    reader = Browser()
    sign_in_as_patron(reader, a, membership.user)
    account = reader.get(f"{b.url}/membership/account/")
    assert account.status_code == 200
    assert PATRON_EMAIL in account.text

    # A vote cast on A is counted on B.
    topics_url = f"{b.url}{topics_page.url}"
    assert topic_count(reader, topics_url, topic) == "0"
    token = reader.csrf_token(topics_url)
    vote = reader.post(
        f"{a.url}/membership/topics/{topic.pk}/vote/",
        {"csrfmiddlewaretoken": token, "action": "vote"},
    )
    assert vote.status_code == 303, vote.text
    assert topic_count(reader, topics_url, topic) == "1"

    # A publish through A makes the page B has cached fresh on B.
    article_url = f"{b.url}{article.url}"
    first, second = (requests.get(article_url, timeout=TIMEOUT) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert "Old title" in second.text
    assert any("cache_page" in key for key in redis_keys())  # B stored it in the shared cache
    article.title = "New title"
    article.save_revision()  # a draft: the live page still has the old title
    editor = Browser()
    sign_in_to_the_admin(editor, a, "editor", password)
    publish = f"{a.url}/admin/bulk/wagtailcore/page/publish/?id={article.pk}"
    published = editor.post(publish, {"csrfmiddlewaretoken": editor.csrf_token(publish)})
    assert published.status_code == 302, published.text
    article.refresh_from_db()
    assert article.live_revision.content["title"] == "New title"  # published, by A
    # Wagtail's purge is a background task: the worker sends it, to the same Redis.
    manage(
        production_env(redis_keys.prefix, tmp_path), "db_worker", "--batch", "--no-startup-delay"
    )
    fresh = requests.get(article_url, timeout=TIMEOUT)
    assert "New title" in fresh.text
    assert "Old title" not in fresh.text

    # Rate limits are shared: sign-in requests alternating between A and B are counted as one.
    stranger = Browser()
    token = stranger.csrf_token(f"{a.url}/membership/sign-in/")
    answers = []
    for number in range(membership_conf.signin_rate_limit() + 1):
        server = (a, b)[number % 2]
        response = stranger.post(
            f"{server.url}/membership/sign-in/",
            {"csrfmiddlewaretoken": token, "email": f"nobody{number}@example.org"},
        )
        answers.append(response.status_code)
    # Each server alone saw fewer requests than the limit: only a shared count refuses.
    assert answers == [303] * membership_conf.signin_rate_limit() + [429]
