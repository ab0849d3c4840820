"""The appeal report: views, clicks, sign-ups, click-through and conversion per appeal over a
date range. Sign-ups are counted when a patron confirms a sign-up that came through an
appeal's call to action (stats.record_signup)."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from .charts import Series, daily_chart, days_ending
from .exports import FormulaSafeExportMixin
from .models import Appeal, AppealDay

CHART_DAYS = 30
PERMISSION = "membership.view_appeal_report"


def default_range():
    end = timezone.localdate()
    return end - datetime.timedelta(days=CHART_DAYS - 1), end


class AppealReportFilterSet(WagtailFilterSet):
    start = django_filters.DateFilter(
        label=_("From"), method="no_op", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(
        label=_("To"), method="no_op", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Appeal
        fields = []

    def no_op(self, queryset, name, value):
        # The dates bound the totals (see AppealReportView.get_queryset), not the appeals.
        return queryset


def with_totals(queryset, start, end):
    in_range = Q(days__date__gte=start, days__date__lte=end)
    return queryset.annotate(
        views=Coalesce(Sum("days__views", filter=in_range), 0),
        clicks=Coalesce(Sum("days__clicks", filter=in_range), 0),
        signups=Coalesce(Sum("days__signups", filter=in_range), 0),
    ).annotate(
        click_through=per_hundred_views("clicks"),
        conversion=per_hundred_views("signups"),
    )


def per_hundred_views(field):
    """`field` per 100 views: the click-through rate for clicks, conversion for sign-ups."""
    return Case(
        When(views__gt=0, then=F(field) * Value(100.0) / F("views")),
        default=Value(0.0),
        output_field=FloatField(),
    )


class PercentColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return f"{value:.2f} %" if value is not None else ""


class AppealReportView(FormulaSafeExportMixin, ReportView):
    page_title = _("Appeal results")
    header_icon = "pick"
    index_url_name = "membership_appeal_report"
    index_results_url_name = "membership_appeal_report_results"
    results_template_name = "membership/reports/appeal_report_results.html"
    filterset_class = AppealReportFilterSet
    model = Appeal
    paginate_by = 50
    list_export = ["name", "views", "clicks", "signups", "click_through", "conversion"]
    export_headings = {
        "name": _("Appeal"),
        "views": _("Views"),
        "clicks": _("Clicks"),
        "signups": _("Sign-ups"),
        "click_through": _("Click-through (%)"),
        "conversion": _("Conversion (%)"),
    }
    columns = [
        TitleColumn("name", label=_("Appeal"), url_name="wagtailsnippets_membership_appeal:edit"),
        NumberColumn("views", label=_("Views")),
        NumberColumn("clicks", label=_("Clicks")),
        NumberColumn("signups", label=_("Sign-ups")),
        PercentColumn("click_through", label=_("Click-through")),
        PercentColumn("conversion", label=_("Conversion")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def permission_policy(self):
        return None  # checked in dispatch, against the view_appeal_report permission

    def date_range(self):
        start, end = default_range()
        filters = self.filters
        if filters is not None and filters.is_valid():
            start = filters.form.cleaned_data.get("start") or start
            end = filters.form.cleaned_data.get("end") or end
        if start > end:
            start, end = end, start
        return start, end

    def get_queryset(self):
        start, end = self.date_range()
        return with_totals(Appeal.objects.all(), start, end).order_by("-views", "name")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["chart"] = appeals_chart()
        context["date_range"] = self.date_range()
        return context


def appeals_chart(days=CHART_DAYS):
    """Views, clicks and sign-ups for all appeals over the last `days` days, as SVG data."""
    dates = days_ending(timezone.localdate(), days)
    rows = (
        AppealDay.objects.filter(date__gte=dates[0], date__lte=dates[-1])
        .values("date")
        .annotate(views=Sum("views"), clicks=Sum("clicks"), signups=Sum("signups"))
    )
    by_day = {row["date"]: row for row in rows}

    def series(name, label):
        return Series(label, name, {day: row[name] for day, row in by_day.items()})

    return daily_chart(
        dates,
        [
            series("views", _("Views")),
            series("clicks", _("Clicks")),
            series("signups", _("Sign-ups")),
        ],
    )
