"""gunicorn servers with the production settings, started by a test against the test database
and Redis (tests/test_two_servers.py, tests/test_killed_worker.py).

The servers are other processes, so they reach pytest-django's test database over the network:
these helpers serve the PostgreSQL run only (SQLite's test database lives in this process's
memory).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis
import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection

from membership import tokens
from tests.test_gunicorn import START_SECONDS, free_port
from tests.test_production import OWN_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("NEWSROOM_TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/5")
TIMEOUT = 10  # seconds for one request


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


def prepare(env):
    """What the servers need in the test database and on disk before they start."""
    # Production queues background work (emails, purges) in django-tasks-db's table: the test
    # settings install that app too, so the table is there (a `migrate` here would commit
    # content types that the next serialized rollback then collides with).
    # The manifest static storage serves collected files only.
    manage(env, "collectstatic", "--noinput", "--verbosity=0")


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

    def workers(self):
        """The process ids of the gunicorn master's workers (its children)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text()
        return [int(pid) for pid in children.split()]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        output, _stderr = self.process.communicate(timeout=30)
        return output


def stop_all(servers):
    """Stop the servers; fails when one logged an error (the app logs JSON lines to stdout;
    an error's carries its traceback)."""
    logs = [server.stop() for server in servers]
    assert not any("Traceback" in log for log in logs), "\n".join(logs)


class RedisKeys:
    """A key prefix of one test's own in Redis; calling it lists its keys there. Used as a
    context manager, which deletes them at the end."""

    def __init__(self):
        self.client = redis.Redis.from_url(REDIS_URL)
        self.prefix = f"two-servers-{uuid.uuid4().hex}"

    def __call__(self):
        return [key.decode() for key in self.client.scan_iter(match=f"{self.prefix}:*")]

    def __enter__(self):
        self.client.ping()
        return self

    def __exit__(self, *exc_info):
        if stored := self():
            self.client.delete(*stored)
        self.client.close()


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


def sign_in_as_patron(browser, server, user):
    link = f"{server.url}/membership/sign-in/{tokens.make(tokens.SIGN_IN, user.pk)}/"
    token = browser.csrf_token(link)
    response = browser.post(link, {"csrfmiddlewaretoken": token})
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == "/membership/account/"
