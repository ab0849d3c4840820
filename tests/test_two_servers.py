"""Two gunicorn servers with the production settings, sharing PostgreSQL and Redis, behave as
one site: a session, a vote, a publish and a rate limit made on one hold on the other.

Runs in the PostgreSQL run only: the servers are other processes, so they must reach the test
database over the network, and SQLite's test database lives in this process's memory.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from membership import conf as membership_conf
from membership import tokens
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, home_page
from tests.membership.factories import (
    TierFactory,
    TopicFactory,
    TopicsPageFactory,
    VotingRoundFactory,
)
from tests.membership.voters import patron
from tests.test_gunicorn import START_SECONDS, free_port
from tests.test_production import OWN_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("NEWSROOM_TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/5")
PATRON_EMAIL = "two-servers@example.org"
TIMEOUT = 10  # seconds for one request

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url():
    """The URL of the database pytest-django created, for the servers."""
    database = connection.settings_dict
    credentials = database["USER"] or ""
    if database["PASSWORD"]:
        credentials += f":{database['PASSWORD']}"
    host = database["HOST"] or "127.0.0.1"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{database['NAME']}"


def production_env(prefix, folder, **extra):
    env = {name: value for name, value in os.environ.items() if name not in OWN_VARIABLES}
    env.update(
        # The production settings, with static files collected into a throwaway folder rather
        # than the checkout's staticfiles/ (as the benchmark does).
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        # The same key as this process: the sign-in link made here must verify there.
        SECRET_KEY=settings.SECRET_KEY,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        NEWSROOM_ACCESS_LOG="false",
        WEB_CONCURRENCY="1",
        **extra,
    )
    return env


def manage(env, *args):
    result = subprocess.run(  # noqa: S603 - our own interpreter and project
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


class Server:
    def __init__(self, prefix, folder):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and project
            [sys.executable, "-m", "gunicorn"],
            cwd=ROOT,
            env=production_env(prefix, folder, PORT=str(self.port)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_up(self):
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                requests.get(f"{self.url}/healthz", timeout=TIMEOUT).raise_for_status()
                return
            except requests.RequestException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.1)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        output, _stderr = self.process.communicate(timeout=30)
        return output


class Browser:
    """A cookie jar kept by hand: production cookies are Secure, and these servers speak plain
    HTTP (TLS ends at the load balancer), so a standard jar would not send them back."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, url, **kwargs):
        response = requests.request(
            method, url, cookies=self.cookies, allow_redirects=False, timeout=TIMEOUT, **kwargs
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, data, **kwargs):
        return self.request("POST", url, data=data, **kwargs)

    def csrf_token(self, url):
        """The CSRF token of the first form on the page at `url`."""
        response = self.get(url)
        assert response.status_code == 200, response.text
        field = BeautifulSoup(response.text, "html.parser").select_one(
            "input[name=csrfmiddlewaretoken]"
        )
        return field["value"]


@pytest.fixture
def redis_keys():
    """A key prefix of this test's own in Redis; yields a function listing its keys there."""
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    prefix = f"two-servers-{uuid.uuid4().hex}"

    def keys():
        return [key.decode() for key in client.scan_iter(match=f"{prefix}:*")]

    keys.prefix = prefix
    yield keys
    if stored := keys():
        client.delete(*stored)
    client.close()


@pytest.fixture
def two_servers(redis_keys, tmp_path):
    # Production queues background work (purges among it) in django-tasks-db's table, which the
    # test settings leave out.
    env = production_env(redis_keys.prefix, tmp_path)
    manage(env, "migrate", "django_tasks_database", "--verbosity=0")
    # The manifest static storage serves collected files only.
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    servers = [Server(redis_keys.prefix, tmp_path) for _ in range(2)]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        # The app logs JSON lines to stdout; an error's carries its traceback.
        logs = [server.stop() for server in servers]
        assert not any("Traceback" in log for log in logs), "\n".join(logs)


def sign_in_as_patron(browser, server, user):
    link = f"{server.url}/membership/sign-in/{tokens.make(tokens.SIGN_IN, user.pk)}/"
    token = browser.csrf_token(link)
    response = browser.post(link, {"csrfmiddlewaretoken": token})
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == "/membership/account/"


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
