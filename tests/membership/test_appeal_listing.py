"""The appeals listing in the admin: status, the default appeal, and where each shows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Site

from membership.models import Appeal, MembershipSettings
from membership.staff.appeal_listing import (
    DRAFT,
    EXPIRED,
    LIVE,
    SCHEDULED,
    appeal_status,
    listing_queryset,
    placement_summary,
)
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory

LIST = "wagtailsnippets_membership_appeal:list"
NOW = timezone.make_aware(datetime.datetime(2026, 11, 30, 12, 0))
HOUR = datetime.timedelta(hours=1)


# --- appeal_status: a pure function ------------------------------------------------------------


def status(**kwargs):
    values = {"live": False, "expired": False, "expire_at": None, "scheduled_at": None}
    values.update(kwargs)
    return appeal_status(now=NOW, **values)


def test_a_published_appeal_is_live():
    assert status(live=True) == (LIVE, "Live")
    assert status(live=True, expire_at=NOW + HOUR)[0] == LIVE


def test_a_live_appeal_with_changes_scheduled_is_still_live():
    assert status(live=True, scheduled_at=NOW + HOUR)[0] == LIVE


def test_an_unpublished_appeal_is_a_draft():
    assert status() == (DRAFT, "Draft")


def test_a_scheduled_appeal_says_when():
    key, label = status(scheduled_at=timezone.make_aware(datetime.datetime(2026, 12, 24, 9, 30)))
    assert key == SCHEDULED
    assert label == "Scheduled for 24 Dec 2026, 09:30"


def test_an_appeal_past_its_expiry_is_expired_even_before_publish_scheduled_runs():
    assert status(live=True, expire_at=NOW - HOUR) == (EXPIRED, "Expired")
    assert status(live=True, expire_at=NOW)[0] == EXPIRED
    assert status(expired=True)[0] == EXPIRED


# --- placement_summary --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_says_where_and_on_which_articles(news):
    russia, sport = Tag.objects.create(name="Russia"), Tag.objects.create(name="Sport")
    pinned = ArticlePageFactory(parent=news)
    end = AppealFactory(placement=Appeal.Placement.END)
    targeted = AppealFactory(
        placement=Appeal.Placement.BOTH,
        inline_after_paragraph=2,
        include_tags=[russia],
        exclude_tags=[sport],
        pinned_pages=[pinned],
    )
    inline = AppealFactory(placement=Appeal.Placement.INLINE)
    assert placement_summary(end) == "End of article; all articles"
    assert placement_summary(targeted) == (
        "Inline after paragraph 2 and at the end; articles tagged Russia; not tagged Sport; "
        "pinned to 1 article"
    )
    assert placement_summary(inline) == "Inline after the default paragraph; all articles"


# --- The listing -----------------------------------------------------------------------------


def row_of(html, name):
    match = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert match, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


@pytest.mark.django_db
def test_the_listing_shows_status_default_and_placement(admin_client, home):
    live = AppealFactory(name="Live one")
    AppealFactory(name="Draft one", live=False)
    expired = AppealFactory(name="Expired one")
    Appeal.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - HOUR)
    scheduled = AppealFactory(name="Scheduled one", live=False)
    go_live = timezone.now() + datetime.timedelta(days=3)
    scheduled.go_live_at = go_live
    scheduled.save_revision(approved_go_live_at=go_live)
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = live
    settings.save()

    html = admin_client.get(reverse(LIST)).content.decode()
    live_row = row_of(html, "Live one")
    assert "Live" in live_row and "Default appeal" in live_row
    assert "End of article; all articles" in live_row
    assert "Draft" in row_of(html, "Draft one")
    assert "Default appeal" not in row_of(html, "Draft one")
    assert "Expired" in row_of(html, "Expired one")
    when = timezone.localtime(go_live).strftime("%-d %b %Y")
    assert f"Scheduled for {when}" in row_of(html, "Scheduled one")
    assert "True" not in live_row and "False" not in row_of(html, "Draft one")


@pytest.mark.django_db
def test_the_listing_queryset_marks_the_scheduled_date_and_default():
    draft = AppealFactory(live=False)
    go_live = timezone.now() + HOUR
    draft.save_revision(approved_go_live_at=go_live)
    (listed,) = listing_queryset()
    assert listed._scheduled_at == go_live
    assert listed._is_default is False


def listing_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(LIST)).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_listing_runs_no_query_per_appeal(admin_client, news, django_assert_max_num_queries):
    tag = Tag.objects.create(name="Russia")
    article = ArticlePageFactory(parent=news)
    AppealFactory(include_tags=[tag], pinned_pages=[article])
    one = listing_queries(admin_client)
    for number in range(19):
        AppealFactory(include_tags=[tag], exclude_tags=[tag], pinned_pages=[article])
        if number % 3 == 0:
            AppealFactory(live=False)
    with django_assert_max_num_queries(one):
        assert admin_client.get(reverse(LIST)).status_code == 200
    assert one <= 11  # measured 2026-11-30: session, user, the listing, 3 prefetches, ...
