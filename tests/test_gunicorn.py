"""gunicorn.conf.py: its computed settings, and gunicorn serving /healthz with it and the
production settings."""

import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_production import OWN_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "gunicorn.conf.py"
START_SECONDS = 10


def conf(monkeypatch, **env):
    for name in ("PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_are_two_per_cpu_plus_one_at_most_eight(monkeypatch):
    default_workers = conf(monkeypatch)["default_workers"]
    assert [default_workers(cpus) for cpus in (1, 2, 3, 4, 64)] == [3, 5, 7, 8, 8]


def test_the_defaults(monkeypatch):
    settings = conf(monkeypatch)
    assert settings["workers"] == settings["default_workers"](settings["usable_cpus"]())
    assert settings["bind"] == ["0.0.0.0:8000"]
    assert settings["wsgi_app"] == "newsroom.wsgi"
    assert settings["timeout"] == 30
    assert settings["graceful_timeout"] == 30
    assert settings["accesslog"] is None  # the app logs each request, without addresses
    assert settings["errorlog"] == "-"


def test_port_and_web_concurrency_come_from_the_environment(monkeypatch):
    settings = conf(monkeypatch, PORT="5001", WEB_CONCURRENCY="3")
    assert settings["bind"] == ["0.0.0.0:5001"]
    assert settings["workers"] == 3


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_an_unreadable_worker_count_stops_with_a_message(monkeypatch, value):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        conf(monkeypatch, WEB_CONCURRENCY=value)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_health(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
        return response.status, dict(response.headers), json.loads(response.read())


def test_gunicorn_serves_the_health_check_with_the_production_settings(tmp_path):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in OWN_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="a-test-key",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        # The health check's trivial query needs a database, not its tables.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and project
        [sys.executable, "-m", "gunicorn"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                status, headers, body = get_health(port)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=30)
    assert status == 200, stderr
    assert body == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in headers["Cache-Control"]
    # The app's own access line, in JSON, with the request id the response carried. (A probe
    # that timed out while the worker booted may have been answered too.)
    access = [json.loads(line) for line in stdout.splitlines() if "newsroom.access" in line]
    assert {(line["path"], line["status"]) for line in access} == {("/healthz", 200)}
    assert headers["X-Request-ID"] in [line["request_id"] for line in access]
    assert "127.0.0.1" not in stdout
    assert "Traceback" not in stderr
