"""The appeal beacon: one form-encoded, same-origin event per request, totals only."""

import datetime
import re
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membership.models import AppealDay
from membership.views.beacon import MAX_BEACON_BYTES
from tests.factories import ArticlePageFactory, paragraph_body
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db

URL = "/membership/beacon/"
FORM = "application/x-www-form-urlencoded"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def appeal(db):
    return AppealFactory()


def post(client, body, *, content_type=FORM, headers=SAME_ORIGIN, **extra):
    if not isinstance(body, (str, bytes)):
        body = urlencode(body, doseq=True)
    return client.post(URL, body, content_type=content_type, **headers, **extra)


def totals():
    row = AppealDay.objects.aggregate(v=Sum("views"), c=Sum("clicks"), s=Sum("signups"))
    return (row["v"] or 0, row["c"] or 0, row["s"] or 0)


def test_the_beacon_an_article_carries_counts_its_appeal(client, news, appeal):
    article = ArticlePageFactory(parent=news, body=paragraph_body("One.", "Two."))
    html = client.get(article.url).content.decode()
    beacon = re.search(r'data-appeal-id="(\d+)" data-beacon="([^"]+)"', html)
    assert beacon is not None
    appeal_id, url = beacon.groups()
    assert int(appeal_id) == appeal.pk
    response = client.post(url, f"appeal={appeal_id}&event=view", content_type=FORM, **SAME_ORIGIN)
    assert response.status_code == 204
    assert totals() == (1, 0, 0)


def test_a_view_is_counted_once(client, appeal):
    response = post(client, {"appeal": appeal.pk, "event": "view"})
    assert response.status_code == 204
    day = AppealDay.objects.get()
    assert (day.appeal_id, day.date) == (appeal.pk, timezone.localdate())
    assert (day.views, day.clicks, day.signups) == (1, 0, 0)


def test_a_click_is_counted_once(client, appeal):
    assert post(client, {"appeal": appeal.pk, "event": "click"}).status_code == 204
    assert totals() == (0, 1, 0)


def test_events_add_up_on_one_row_per_appeal_and_day(client, appeal):
    other = AppealFactory()
    for _ in range(3):
        post(client, {"appeal": appeal.pk, "event": "view"})
    post(client, {"appeal": appeal.pk, "event": "click"})
    post(client, {"appeal": other.pk, "event": "view"})
    assert AppealDay.objects.count() == 2
    assert AppealDay.objects.get(appeal=appeal).views == 3
    assert AppealDay.objects.get(appeal=appeal).clicks == 1
    assert AppealDay.objects.get(appeal=other).views == 1


def test_origin_header_matching_the_site_is_enough(client, appeal):
    response = post(client, {"appeal": appeal.pk, "event": "view"}, headers=ORIGIN)
    assert response.status_code == 204
    assert totals() == (1, 0, 0)


def test_form_content_type_with_a_charset_is_accepted(client, appeal):
    # navigator.sendBeacon(url, new URLSearchParams(...)) sends this exact header.
    response = post(
        client,
        {"appeal": appeal.pk, "event": "view"},
        content_type="application/x-www-form-urlencoded;charset=UTF-8",
    )
    assert response.status_code == 204
    assert totals() == (1, 0, 0)


def test_beacon_needs_no_csrf_token_while_other_posts_do(appeal):
    client = Client(enforce_csrf_checks=True)
    response = post(client, {"appeal": appeal.pk, "event": "view"})
    assert response.status_code == 204
    assert totals() == (1, 0, 0)
    login = client.post(
        reverse("wagtailadmin_login"), {"username": "a", "password": "b"}, **SAME_ORIGIN
    )
    assert login.status_code == 403


def test_the_response_sets_no_cookie_and_stores_nothing_about_the_reader(client, appeal):
    response = post(
        client,
        {"appeal": appeal.pk, "event": "view"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Reader/1.0",
    )
    assert response.status_code == 204
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "no-cache" in response.headers["Cache-Control"]
    assert Session.objects.count() == 0
    fields = {field.name for field in AppealDay._meta.get_fields()}
    assert fields == {"id", "appeal", "date", "views", "clicks", "signups"}
    values = [str(value) for value in AppealDay.objects.values_list().get()]
    assert not any("203.0.113" in value or "Reader" in value for value in values)


# --- Rejected, and never counted -----------------------------------------------------------------


def test_get_is_405(client, appeal):
    assert client.get(URL, {"appeal": appeal.pk, "event": "view"}, **SAME_ORIGIN).status_code == 405
    assert client.put(URL, f"appeal={appeal.pk}&event=view", content_type=FORM).status_code == 405
    assert totals() == (0, 0, 0)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"appeal": %d, "event": "view"}'),
        ("text/plain", "appeal=%d&event=view"),
        ("text/plain;charset=UTF-8", "appeal=%d&event=view"),
        ("", "appeal=%d&event=view"),
    ],
)
def test_bodies_that_are_not_form_encoded_are_400(client, appeal, content_type, body):
    response = post(client, body % appeal.pk, content_type=content_type)
    assert response.status_code == 400
    assert totals() == (0, 0, 0)


def test_multipart_is_400(client, appeal):
    response = client.post(URL, {"appeal": appeal.pk, "event": "view"}, **SAME_ORIGIN)
    assert response.status_code == 400
    assert totals() == (0, 0, 0)


@pytest.mark.parametrize(
    "appeal_value",
    [
        "999999",
        "0",
        "-1",
        "1.0",
        "abc",
        "",
        " 1",
        "1 ",
        "0x1",
        "1e3",
        "１",  # a full-width digit: isdigit() says yes, but it is not an id
        "²",  # a superscript two: isdigit() says yes, int() raises
        "٣",  # an Arabic-Indic three
        "9" * 40,  # bigger than any database integer
    ],
)
def test_unknown_or_malformed_appeal_ids_are_400(client, appeal, appeal_value):
    response = post(client, {"appeal": appeal_value, "event": "view"})
    assert response.status_code == 400
    assert totals() == (0, 0, 0)


@pytest.mark.parametrize(
    "zero", ["０", "٠", "۰", "०"]
)  # full-width, Arabic-Indic, Persian, Devanagari
def test_the_live_appeal_id_in_other_digits_is_400(client, appeal, zero):
    # int() reads these as the live appeal's id; the beacon must not.
    other_digits = "".join(chr(ord(zero) + int(digit)) for digit in str(appeal.pk))
    assert int(other_digits) == appeal.pk
    assert post(client, {"appeal": other_digits, "event": "view"}).status_code == 400
    assert totals() == (0, 0, 0)


def test_leading_zeros_still_name_the_appeal_and_add_one(client, appeal):
    assert post(client, {"appeal": f"00{appeal.pk}", "event": "view"}).status_code == 204
    assert totals() == (1, 0, 0)


def test_draft_appeal_is_400(client):
    draft = AppealFactory(live=False)
    assert post(client, {"appeal": draft.pk, "event": "view"}).status_code == 400
    assert totals() == (0, 0, 0)


def test_expired_appeal_is_400_even_before_publish_scheduled(client):
    expired = AppealFactory(expire_at=timezone.now() - datetime.timedelta(seconds=1))
    assert expired.live
    assert post(client, {"appeal": expired.pk, "event": "click"}).status_code == 400
    assert totals() == (0, 0, 0)


def test_unpublished_and_scheduled_appeals_are_400(client):
    unpublished = AppealFactory()
    unpublished.unpublish()
    scheduled = AppealFactory(go_live_at=timezone.now() + datetime.timedelta(hours=1))
    for appeal in (unpublished, scheduled):
        assert post(client, {"appeal": appeal.pk, "event": "view"}).status_code == 400
    assert totals() == (0, 0, 0)


@pytest.mark.parametrize("event", ["signup", "VIEW", "View", "views", "", "dismiss", "view "])
def test_unknown_events_are_400(client, appeal, event):
    response = post(client, {"appeal": appeal.pk, "event": event})
    assert response.status_code == 400
    assert totals() == (0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        "appeal={a}&appeal={b}&event=view",
        "appeal={a}&event=view&event=click",
        "appeal={a}&event=view&appeal={a}&event=view",
        "appeal={a}&event=view&extra=1",
        "appeal={a}&event=view&csrfmiddlewaretoken=x",
        "appeal={a}",
        "event=view",
        "appeal={a}&event=view&",
        "appeal={a}&event=view&=",
        "appeal[]={a}&event=view",
        "",
    ],
)
def test_batched_extra_or_missing_fields_are_400(client, appeal, body):
    other = AppealFactory()
    response = post(client, body.format(a=appeal.pk, b=other.pk))
    if body == "appeal={a}&event=view&":
        # A trailing "&" adds no field: still exactly one appeal and one event.
        assert response.status_code == 204
        assert totals() == (1, 0, 0)
        return
    assert response.status_code == 400
    assert totals() == (0, 0, 0)


def test_huge_body_is_400(client, appeal):
    body = f"appeal={appeal.pk}&event=view&pad=" + "x" * MAX_BEACON_BYTES
    response = post(client, body)
    assert response.status_code == 400
    assert b"too large" in response.content
    response = post(client, f"appeal={appeal.pk}&event=view&pad=" + "x" * 100_000)
    assert response.status_code == 400
    assert b"too large" in response.content
    assert totals() == (0, 0, 0)


def test_a_body_one_byte_over_the_limit_is_too_large(client, appeal):
    body = f"appeal={appeal.pk}&event=view&"
    body += "&" * (MAX_BEACON_BYTES + 1 - len(body))  # empty fields: the rest would be valid
    assert len(body) == MAX_BEACON_BYTES + 1
    response = post(client, body)
    assert response.status_code == 400
    assert b"too large" in response.content
    assert post(client, body[:-1]).status_code == 204
    assert totals() == (1, 0, 0)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "http://evil.example"},
        {"HTTP_ORIGIN": "https://testserver"},
        {"HTTP_ORIGIN": "http://testserver:8080"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": ""},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://evil.example"},
        {"HTTP_REFERER": "http://testserver/news/"},
    ],
)
def test_missing_or_foreign_origin_is_403(client, appeal, headers):
    response = post(client, {"appeal": appeal.pk, "event": "view"}, headers=headers)
    assert response.status_code == 403
    assert totals() == (0, 0, 0)


# --- The rate limit ------------------------------------------------------------------------------


FIXED_NOW = datetime.datetime(2024, 11, 5, 10, 30, 5, tzinfo=datetime.UTC)
BEACON_RATE_LIMIT = 120  # a minute, per reader, unless MEMBERSHIP_BEACON_RATE_LIMIT says otherwise


def test_the_121st_beacon_in_a_minute_is_429_and_never_counted(client, appeal):
    sent = BEACON_RATE_LIMIT + 15
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        responses = [
            post(client, {"appeal": appeal.pk, "event": "view"}, REMOTE_ADDR="198.51.100.7")
            for _ in range(sent)
        ]
        codes = [response.status_code for response in responses]
        assert codes[:BEACON_RATE_LIMIT] == [204] * BEACON_RATE_LIMIT
        assert codes[BEACON_RATE_LIMIT:] == [429] * (sent - BEACON_RATE_LIMIT)
        # The minute started 5 s ago: try again in 55 s.
        assert responses[-1]["Retry-After"] == "55"
        assert AppealDay.objects.get().views == BEACON_RATE_LIMIT
        # Another reader is not held up by the first.
        other = post(client, {"appeal": appeal.pk, "event": "click"}, REMOTE_ADDR="198.51.100.8")
        assert other.status_code == 204
    assert totals() == (BEACON_RATE_LIMIT, 1, 0)


def test_the_rate_limit_resets_the_next_minute(client, appeal):
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        for _ in range(BEACON_RATE_LIMIT):
            post(client, {"appeal": appeal.pk, "event": "view"}, REMOTE_ADDR="198.51.100.7")
        over = post(client, {"appeal": appeal.pk, "event": "view"}, REMOTE_ADDR="198.51.100.7")
        assert over.status_code == 429
    later = FIXED_NOW + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        again = post(client, {"appeal": appeal.pk, "event": "view"}, REMOTE_ADDR="198.51.100.7")
        assert again.status_code == 204
    assert totals() == (BEACON_RATE_LIMIT + 1, 0, 0)


def test_rejected_requests_all_together_leave_the_totals_alone(client, appeal):
    post(client, {"appeal": appeal.pk, "event": "view"})
    before = totals()
    client.get(URL)
    post(client, f'{{"appeal": {appeal.pk}, "event": "view"}}', content_type="application/json")
    post(client, {"appeal": "999999", "event": "view"})
    post(client, {"appeal": appeal.pk, "event": "signup"})
    post(client, f"appeal={appeal.pk}&appeal={appeal.pk}&event=view")
    post(client, {"appeal": appeal.pk, "event": "view"}, headers={})
    post(client, "appeal=1&event=view&pad=" + "x" * 1000)
    assert totals() == before == (1, 0, 0)


# --- The rate limit behind a proxy or CDN --------------------------------------------------------

PROXY = "10.0.0.5"  # the one address every request arrives from, behind the proxy


def burst(client, appeal, count, *, forwarded, remote=PROXY):
    """`count` beacons; `forwarded` is the X-Forwarded-For as the app receives it."""
    codes = []
    for i in range(count):
        value = forwarded(i) if callable(forwarded) else forwarded
        extra = {"HTTP_X_FORWARDED_FOR": value} if value is not None else {}
        codes.append(
            post(
                client, {"appeal": appeal.pk, "event": "view"}, REMOTE_ADDR=remote, **extra
            ).status_code
        )
    return codes


@pytest.fixture
def limit_of_3(settings):
    settings.MEMBERSHIP_BEACON_RATE_LIMIT = 3
    return 3


def test_without_a_trusted_proxy_everyone_behind_it_shares_one_limit(client, appeal, limit_of_3):
    # The default (0): X-Forwarded-For is not trusted, the proxy's address is the key.
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        assert burst(client, appeal, 3, forwarded="198.51.100.1") == [204] * 3
        assert burst(client, appeal, 1, forwarded="198.51.100.2") == [429]


def test_two_readers_behind_one_proxy_get_separate_limits(client, appeal, settings, limit_of_3):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 1
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        first = burst(client, appeal, 4, forwarded="198.51.100.1")
        second = burst(client, appeal, 4, forwarded="198.51.100.2")
    assert first == second == [204, 204, 204, 429]
    assert totals() == (6, 0, 0)


def test_spoofed_forwarded_entries_do_not_escape_the_limit(client, appeal, settings, limit_of_3):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 1
    # The reader sends a different X-Forwarded-For each time; the proxy appends the address
    # it really saw, and only that last entry counts.
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        codes = burst(
            client, appeal, 6, forwarded=lambda i: f"203.0.113.{i}, 192.0.2.{i}, 198.51.100.1"
        )
    assert codes == [204, 204, 204, 429, 429, 429]
    assert totals() == (3, 0, 0)


def test_two_trusted_proxies_take_the_second_entry_from_the_right(
    client, appeal, settings, limit_of_3
):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 2  # a CDN, then a load balancer
    cdn = "172.16.0.9"
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        first = burst(client, appeal, 4, forwarded=lambda i: f"203.0.113.{i}, 198.51.100.1, {cdn}")
        second = burst(client, appeal, 4, forwarded=f"198.51.100.2, {cdn}")
    assert first == second == [204, 204, 204, 429]


def test_a_request_that_skipped_the_proxies_is_keyed_on_its_own_address(
    client, appeal, settings, limit_of_3
):
    settings.MEMBERSHIP_TRUSTED_PROXY_COUNT = 2
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        # Too few entries: none of them is trusted, whatever they say.
        codes = burst(
            client, appeal, 4, forwarded=lambda i: f"203.0.113.{i}", remote="198.51.100.9"
        )
        assert codes == [204, 204, 204, 429]
        assert burst(client, appeal, 1, forwarded=None, remote="198.51.100.9") == [429]


def test_the_beacon_still_counts_when_the_rate_limit_cannot(client, appeal, dead_ratelimit_cache):
    # Counting views is reading: a Redis outage must not lose them, nor answer 500.
    for _ in range(3):
        response = post(client, {"appeal": appeal.pk, "event": "view"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 204
    assert totals() == (3, 0, 0)
