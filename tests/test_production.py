"""Production settings read from the environment, and a misconfiguration says so in one line.

Settings are read once per process, so each case imports them in a fresh interpreter.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = "newsroom.settings.production"
# Variables that would leak the developer's own configuration into these subprocesses.
OWN_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "EMAIL_USE_TLS",
)
ACCEPTED = "1, true, yes, on, 0, false, no, off"


def run(args, env, timeout=60):
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and project
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def production_settings(*names, **env):
    """The named production settings, as imported with `env` (and a SECRET_KEY)."""
    script = (
        f"import json, {PRODUCTION} as settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = run(["-c", script], {"SECRET_KEY": "a-test-key", **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def manage(*args, **env):
    return run(["manage.py", *args], {"DJANGO_SETTINGS_MODULE": PRODUCTION, **env})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        ("", True),
        ("true", True),
        ("True", True),
        ("1", True),
        (" yes ", True),
        ("ON", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("Off", False),
    ],
)
def test_secure_ssl_redirect_reads_any_common_spelling(value, expected):
    env = {} if value is None else {"SECURE_SSL_REDIRECT": value}
    assert production_settings("SECURE_SSL_REDIRECT", **env) == {"SECURE_SSL_REDIRECT": expected}


@pytest.mark.parametrize(
    ("value", "expected"), [(None, False), ("", False), ("1", True), ("Yes", True), ("0", False)]
)
def test_email_use_tls_reads_any_common_spelling(value, expected):
    env = {} if value is None else {"EMAIL_USE_TLS": value}
    assert production_settings("EMAIL_USE_TLS", **env) == {"EMAIL_USE_TLS": expected}


@pytest.mark.parametrize(
    ("name", "value"), [("SECURE_SSL_REDIRECT", "maybe"), ("EMAIL_USE_TLS", "tls")]
)
def test_an_unreadable_boolean_stops_manage_py_with_one_line_naming_it(name, value):
    result = manage("check", SECRET_KEY="a-test-key", **{name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert repr(value) in lines[0]
    assert ACCEPTED in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_HSTS_SECONDS", "a year"),
        ("EMAIL_PORT", "-25"),
        ("DATABASE_CONN_MAX_AGE", "1.5"),
        ("NEWSROOM_PAGE_CACHE_SECONDS", "٣"),  # a digit, but not an ASCII one
        ("MEMBERSHIP_TRUSTED_PROXY_COUNT", "one"),
    ],
)
def test_an_unreadable_number_stops_manage_py_with_one_line_naming_it(name, value):
    result = manage("check", SECRET_KEY="a-test-key", **{name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "whole number" in lines[0]
    assert "Traceback" not in result.stderr


def test_workers_keep_their_database_connection_and_check_it_before_reuse():
    default = production_settings("DATABASES")["DATABASES"]["default"]
    assert default["CONN_MAX_AGE"] == 60
    assert default["CONN_HEALTH_CHECKS"] is True
    per_request = production_settings("DATABASES", DATABASE_CONN_MAX_AGE="0")["DATABASES"]
    assert per_request["default"]["CONN_MAX_AGE"] == 0


def test_numbers_are_read_with_their_defaults():
    assert production_settings("SECURE_HSTS_SECONDS", "EMAIL_PORT", EMAIL_PORT=" 587 ") == {
        "SECURE_HSTS_SECONDS": 31536000,
        "EMAIL_PORT": 587,
    }


def test_a_missing_secret_key_stops_manage_py_with_one_line():
    result = manage("migrate")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]
    assert "environment" in lines[0]
    assert result.stdout == ""


def test_a_missing_secret_key_stops_gunicorn_without_a_traceback():
    # The WSGI module defaults to the production settings.
    result = run(
        ["-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1", "--no-control-socket"]
        + ["newsroom.wsgi"],
        {},
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    message = [line for line in result.stderr.splitlines() if "SECRET_KEY" in line]
    assert len(message) == 1, result.stderr
    # gunicorn's master stops instead of restarting the worker forever.
    assert result.stderr.count("Booting worker") == 1, result.stderr
    assert len(result.stderr.splitlines()) <= 12, result.stderr


WORKER_SCRIPT = """
import json

import django

django.setup()

from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

call_command("migrate", verbosity=0, interactive=False)

from membership import emails
from membership.members import find_or_create_member

membership, _ = find_or_create_member("reader@example.org")
emails.send_link_email.enqueue("sign_in", membership.user_id, "https://news.example", "News", "en")
mail.outbox = []
queued = DBTaskResult.objects.count()
with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
    sent_before = len(mail.outbox)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
print(json.dumps({
    "queued": queued,
    "sent_before": sent_before,
    "sent": [message.to for message in mail.outbox],
    "status": DBTaskResult.objects.get().status,
}))
"""


def test_in_production_emails_wait_in_the_database_for_the_worker(tmp_path):
    result = run(
        ["-c", WORKER_SCRIPT],
        {
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
            "SECRET_KEY": "a-test-key",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        },
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "queued": 1,
        "sent_before": 0,
        "sent": [["reader@example.org"]],
        "status": "SUCCESSFUL",
    }
