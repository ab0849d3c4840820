"""The admin home's Patrons panel: sign-ups and active patrons over the last 90 days.

Three queries, whatever the number of members. Days are the site's local days (TIME_ZONE).

No status history is stored, so the active line counts today's active patrons from the day
their status last became active: a patron who has lapsed or cancelled since is not in the
past days. Its last point is exactly today's number.
"""

import datetime

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from ..charts import Series, daily_chart, days_ending
from ..models import Membership

DASHBOARD_DAYS = 90


def count_by_day(queryset, field):
    """{local date: number of rows} by the date of the datetime `field`."""
    rows = (
        queryset.annotate(day=TruncDate(field, tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(count=Count("pk"))
    )
    return {row["day"]: row["count"] for row in rows}


def patrons_series(days=DASHBOARD_DAYS):
    """(dates, sign-ups, active patrons): the last `days` local days up to today, and a Series
    of each over them."""
    dates = days_ending(timezone.localdate(), days)
    since = timezone.make_aware(datetime.datetime.combine(dates[0], datetime.time.min))
    signups = count_by_day(Membership.objects.filter(created_at__gte=since), "created_at")
    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    active_before = active.filter(status_changed_at__lt=since).count()
    became_active = count_by_day(active.filter(status_changed_at__gte=since), "status_changed_at")
    return (
        dates,
        Series(_("Sign-ups"), "signups", signups),
        Series(_("Active patrons"), "active", became_active, running_from=active_before),
    )


class PatronsPanel(Component):
    name = "patrons"
    template_name = "membership/staff/patrons_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        # Each on its own scale: a day's sign-ups are few beside all active patrons.
        dates, signups, active = patrons_series()
        return {
            "days": DASHBOARD_DAYS,
            "signups": daily_chart(dates, [signups], height=100),
            "active": daily_chart(dates, [active], height=100),
        }
