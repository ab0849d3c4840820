"""Rate-limit caches for the membership tests: a real Redis, and a Redis that is down."""

import os
import uuid

import pytest
import redis

from tests.conftest import require_redis
from tests.membership.factories import (
    SignupPageFactory,
    TierFactory,
    TopicsPageFactory,
    VotingRoundFactory,
)

# A database of its own on the local Redis; keys carry a per-test prefix, so parallel workers
# never meet, and each test deletes its own.
TEST_REDIS_URL = os.environ.get("MEMBERSHIP_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_cache(location, prefix):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
    }


@pytest.fixture
def dead_ratelimit_cache(settings):
    """Rate limits count in a Redis that refuses every connection."""
    settings.CACHES = {**settings.CACHES, "ratelimit": redis_cache(DEAD_REDIS_URL, "dead")}
    settings.MEMBERSHIP_RATELIMIT_CACHE = "ratelimit"


@pytest.fixture
def redis_ratelimit_cache(settings):
    """Rate limits count in the real Redis; yields a function that gives this test's keys there,
    each with its time to live in seconds."""
    require_redis(TEST_REDIS_URL)
    client = redis.Redis.from_url(TEST_REDIS_URL)
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "ratelimit": redis_cache(TEST_REDIS_URL, prefix)}
    settings.MEMBERSHIP_RATELIMIT_CACHE = "ratelimit"

    def keys():
        return {key.decode(): client.ttl(key) for key in client.scan_iter(match=f"{prefix}:*")}

    yield keys
    if stored := keys():
        client.delete(*stored)
    client.close()


@pytest.fixture
def tier(db):
    return TierFactory(name="Coffee", amount="3.00", stripe_price_id="price_coffee")


@pytest.fixture
def signup_page(home):
    return SignupPageFactory(parent=home)


@pytest.fixture
def topics_page(home):
    return TopicsPageFactory(parent=home)


@pytest.fixture
def voting_round(db):
    """Open now, for a day, with live counts."""
    return VotingRoundFactory(title="What next?")


@pytest.fixture
def three_votes(db):
    return TierFactory(name="Reporter", amount="9.00", votes_per_round=3)
