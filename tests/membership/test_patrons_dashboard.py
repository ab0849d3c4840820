"""The Patrons panel on the admin home: sign-ups and active patrons over the last 90 days."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membership.models import Membership
from membership.staff.dashboard import PatronsPanel, patrons_series
from tests.membership.staff import member, staff_user

pytestmark = pytest.mark.django_db

ACTIVE = Membership.Status.ACTIVE


def local_midnight(days_ago):
    """The start of the local day `days_ago` days before today."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


MINUTE = datetime.timedelta(minutes=1)


def signed_up(email, when, **fields):
    return member(email, created_at=when, status_changed_at=when, **fields)


@pytest.fixture
def patrons():
    # Sign-ups: two today, one 5 days ago, one at the very start of the 90 days.
    signed_up("today1@example.org", local_midnight(0) + MINUTE)
    signed_up("today2@example.org", timezone.now())
    signed_up("five@example.org", local_midnight(5) + MINUTE, status=ACTIVE)
    signed_up("first@example.org", local_midnight(89))
    # Before the 90 days: not a sign-up in the chart, but one is an active patron throughout.
    signed_up("before@example.org", local_midnight(89) - MINUTE, status=ACTIVE)
    signed_up("old@example.org", local_midnight(400), status=Membership.Status.LAPSED)


def test_the_daily_numbers_over_the_last_90_days(patrons):
    dates, signups, active = patrons_series()
    assert len(dates) == 90
    assert dates[0] == timezone.localdate() - datetime.timedelta(days=89)
    assert dates[-1] == timezone.localdate()
    per_day = signups.values(dates)
    assert per_day[-1] == 2
    assert per_day[-6] == 1
    assert per_day[0] == 1
    assert sum(per_day) == 4
    running = active.values(dates)
    assert running[0] == 1  # active since before the 90 days
    assert running[-7] == 1
    assert running[-6:] == [2] * 6  # one more from 5 days ago
    assert running[-1] == Membership.objects.filter(status=ACTIVE).count()


def test_days_are_the_sites_local_days(settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: local days start at 10:00 UTC
    signed_up("early@example.org", local_midnight(0) + MINUTE)
    signed_up("late@example.org", local_midnight(0) - MINUTE)
    dates, signups, _ = patrons_series()
    assert signups.values(dates)[-2:] == [1, 1]


def test_the_panel_shows_the_totals_and_two_charts(admin_client, patrons):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign-ups: 4." in html
    assert "Active patrons: 2." in html
    assert html.count('<svg class="patrons-chart"') == 2
    assert reverse("memberships:index") in html


def test_the_panel_is_shown_to_staff_who_may_see_memberships(client, django_user_model, patrons):
    client.force_login(staff_user(django_user_model, "editor", "view_membership"))
    assert "Sign-ups: 4." in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_panel_is_not_shown_to_other_staff(client, django_user_model, patrons):
    client.force_login(staff_user(django_user_model, "writer", "view_tier"))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "patrons-chart" not in response.content.decode()


def test_the_panel_costs_three_queries(rf, admin_user, patrons, django_assert_num_queries):
    request = rf.get("/admin/")
    request.user = admin_user
    with django_assert_num_queries(3):
        html = PatronsPanel().render_html({"request": request})
    assert "Sign-ups: 4." in html


def home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
    return len(queries)


def test_the_admin_home_costs_the_same_for_3_members_as_for_30(admin_client):
    for number in range(3):
        signed_up(f"reader{number}@example.org", timezone.now() - datetime.timedelta(days=number))
    home_queries(admin_client)  # the first visit fills caches and costs one query more
    few = home_queries(admin_client)
    for number in range(3, 30):
        signed_up(
            f"reader{number}@example.org",
            timezone.now() - datetime.timedelta(days=number),
            status=ACTIVE,
        )
    assert home_queries(admin_client) == few
