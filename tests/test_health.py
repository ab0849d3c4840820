"""/healthz: 200 with the database and the cache answering, else 503 naming what is down; never
cached, no cookie, and reachable over plain HTTP in production (a load balancer probes it)."""

import os

import pytest
from django.test import Client

from tests.conftest import require_redis
from tests.test_outages import (
    database_down,  # noqa: F401 - a fixture
    use_production_caches,
)
from tests.test_production import production_settings

# Outages are remembered per Redis address and per process: this file's own address.
DEAD_REDIS = "redis://127.0.0.1:1/9"
LIVE_REDIS = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def get_health(client=None):
    response = (client or Client()).get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    return response


@pytest.mark.django_db
def test_healthy_answers_200_with_every_part_ok():
    response = get_health()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_a_head_request_is_answered_and_other_methods_are_refused():
    assert Client().head("/healthz").status_code == 200
    assert Client().post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_is_never_rate_limited():
    client = Client()
    assert {client.get("/healthz").status_code for _ in range(200)} == {200}


def test_with_the_database_down_it_answers_503_naming_the_database(database_down):  # noqa: F811
    response = get_health(Client(raise_request_exception=False))
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down", "cache": "ok"}


@pytest.mark.django_db
def test_with_redis_down_it_answers_503_naming_the_cache(settings):
    use_production_caches(settings, DEAD_REDIS)
    response = get_health()
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "cache": "down"}


@pytest.mark.django_db
def test_with_a_live_redis_it_answers_200(settings):
    require_redis(LIVE_REDIS)
    use_production_caches(settings, LIVE_REDIS)
    response = get_health()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_production_redirects_pages_to_https_but_not_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production_settings("SECURE_REDIRECT_EXEMPT")[
        "SECURE_REDIRECT_EXEMPT"
    ]
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/").status_code == 301
    assert client.get("/").status_code == 301
