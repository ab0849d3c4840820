"""membership.ratelimit: fixed windows per scope and reader, keyed by an HMAC of the address."""

import datetime
import threading
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from membership import conf, ratelimit

NOW = datetime.datetime(2024, 11, 5, 10, 30, 5, tzinfo=datetime.UTC)
READER = "198.51.100.7"
OTHER_READER = "198.51.100.8"


def request_from(address=READER, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/", REMOTE_ADDR=address, **extra)


def hits(count, scope="signup", *, limit=3, period=60, fail_open=False, at=NOW, **request):
    with mock.patch("django.utils.timezone.now", return_value=at):
        return [
            ratelimit.hit(
                request_from(**request), scope, limit=limit, period=period, fail_open=fail_open
            )
            for _ in range(count)
        ]


def allowed(results):
    return [result.allowed for result in results]


# --- Counting --------------------------------------------------------------------------------


def test_a_window_allows_the_limit_and_refuses_the_rest():
    results = hits(5)
    assert allowed(results) == [True, True, True, False, False]
    assert all(result.counted for result in results)


def test_the_next_window_starts_a_new_count():
    assert allowed(hits(4)) == [True, True, True, False]
    next_minute = NOW + datetime.timedelta(minutes=1)
    assert allowed(hits(4, at=next_minute)) == [True, True, True, False]


def test_windows_follow_the_clock_not_the_first_hit():
    # 10:30:05 and 10:30:59 share a minute; 10:31:00 starts the next.
    assert allowed(hits(2)) == [True, True]
    assert allowed(hits(2, at=NOW.replace(second=59))) == [True, False]
    assert allowed(hits(1, at=NOW.replace(minute=31, second=0))) == [True]


def test_a_longer_period_keeps_counting_across_minutes():
    hour = 3600
    assert allowed(hits(2, limit=3, period=hour)) == [True, True]
    later = NOW + datetime.timedelta(minutes=20)
    assert allowed(hits(2, limit=3, period=hour, at=later)) == [True, False]


def test_scopes_count_apart():
    assert allowed(hits(4, "signup")) == [True, True, True, False]
    assert allowed(hits(1, "vote")) == [True]


def test_readers_count_apart():
    assert allowed(hits(4, address=READER)) == [True, True, True, False]
    assert allowed(hits(1, address=OTHER_READER)) == [True]


def test_retry_after_is_the_rest_of_the_window():
    assert {result.retry_after for result in hits(4)} == {55}
    assert {result.retry_after for result in hits(1, period=3600)} == {3600 - 30 * 60 - 5}


# --- Behind proxies --------------------------------------------------------------------------

PROXY = "10.0.0.5"


def test_behind_no_trusted_proxy_the_forwarded_header_is_ignored():
    first = hits(3, address=PROXY, forwarded=READER)
    assert allowed(first + hits(1, address=PROXY, forwarded=OTHER_READER)) == [True] * 3 + [False]


def test_behind_a_trusted_proxy_each_reader_counts_apart(settings):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 1
    assert allowed(hits(4, address=PROXY, forwarded=READER)) == [True, True, True, False]
    assert allowed(hits(1, address=PROXY, forwarded=OTHER_READER)) == [True]


def test_forged_entries_left_of_the_trusted_ones_do_not_escape(settings):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 1
    results = [hits(1, address=PROXY, forwarded=f"203.0.113.{i}, {READER}")[0] for i in range(4)]
    assert allowed(results) == [True, True, True, False]


# --- The key ---------------------------------------------------------------------------------

ADDRESSES = ["198.51.100.7", "2001:db8::7", "203.0.113.250"]


def test_no_cache_key_holds_the_address(settings):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 1
    hits(2, address=ADDRESSES[0])
    hits(2, address=PROXY, forwarded=ADDRESSES[1])
    hits(2, address=PROXY, forwarded=f"{ADDRESSES[2]}, {PROXY}")
    keys = list(caches[conf.ratelimit_cache()]._cache)  # locmem in tests
    assert len(keys) == 3
    for address in ADDRESSES:
        assert not any(address in key for key in keys)


def test_the_key_needs_the_secret_key(settings):
    # Anyone can hash every IPv4 address; nobody without SECRET_KEY can compute these keys.
    assert allowed(hits(4)) == [True, True, True, False]
    settings.SECRET_KEY = "another-secret-key"
    assert allowed(hits(1)) == [True]


def test_keys_expire_with_their_window(redis_ratelimit_cache):
    hits(2, "minutely", period=60)
    hits(1, "hourly", period=3600)
    ttls = redis_ratelimit_cache()
    assert len(ttls) == 2
    for key, ttl in ttls.items():
        rest_of_window = 55 if "minutely" in key else 3600 - 30 * 60 - 5
        assert 0 < ttl <= rest_of_window + ratelimit.EXPIRY_MARGIN


# --- When the cache cannot count -------------------------------------------------------------


def test_a_dead_cache_lets_reading_through(dead_ratelimit_cache):
    results = hits(5, "beacon", limit=3, fail_open=True)
    assert allowed(results) == [True] * 5
    assert not any(result.counted for result in results)


def test_a_dead_cache_refuses_writing_with_a_503(dead_ratelimit_cache):
    results = hits(2, "signup", limit=3, fail_open=False)
    assert allowed(results) == [False, False]
    response = ratelimit.refusal(results[0])
    assert response.status_code == 503
    assert response["Retry-After"] == "55"


def test_over_the_limit_is_a_429_with_retry_after():
    over = hits(4)[-1]
    response = ratelimit.refusal(over)
    assert response.status_code == 429
    assert response["Retry-After"] == "55"


def test_each_use_chooses_its_failure_mode_at_once(dead_ratelimit_cache):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        beacon = ratelimit.hit(request_from(), "beacon", limit=120, period=60, fail_open=True)
        vote = ratelimit.hit(request_from(), "vote", limit=120, period=60, fail_open=False)
    assert (beacon.allowed, vote.allowed) == (True, False)


# --- Against the real Redis ------------------------------------------------------------------


def test_counting_in_redis(redis_ratelimit_cache):
    assert allowed(hits(4)) == [True, True, True, False]
    assert allowed(hits(1, address=OTHER_READER)) == [True]
    keys = redis_ratelimit_cache()
    assert len(keys) == 2
    assert not any(READER in key or OTHER_READER in key for key in keys)


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_hits_never_pass_the_limit(redis_ratelimit_cache, round_):
    limit, threads_count = 10, 40
    barrier = threading.Barrier(threads_count)
    results = []
    lock = threading.Lock()

    def hit():
        request = request_from()
        barrier.wait()
        result = ratelimit.hit(request, "vote", limit=limit, period=60, fail_open=False)
        with lock:
            results.append(result)

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        threads = [threading.Thread(target=hit) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(results) == threads_count
    assert all(result.counted for result in results)
    assert sum(result.allowed for result in results) == limit
