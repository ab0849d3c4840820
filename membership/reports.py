"""The appeal report: views, clicks, sign-ups and conversion per appeal over a date range."""

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
        conversion=Case(
            When(views__gt=0, then=F("signups") * Value(100.0) / F("views")),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )


# A CSV cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """Text a spreadsheet shows as typed: a leading quote keeps a formula from running.

    The XLSX export needs none: Wagtail writes strings there as text cells, never formulas.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class PercentColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return f"{value:.2f} %" if value is not None else ""


class AppealReportView(ReportView):
    page_title = _("Appeal results")
    header_icon = "pick"
    index_url_name = "membership_appeal_report"
    index_results_url_name = "membership_appeal_report_results"
    results_template_name = "membership/reports/appeal_report_results.html"
    filterset_class = AppealReportFilterSet
    model = Appeal
    paginate_by = 50
    list_export = ["name", "views", "clicks", "signups", "conversion"]
    # Every text value in CSV; numbers are not str and stay numbers.
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        str: {ReportView.FORMAT_CSV: csv_text},
    }
    export_headings = {
        "name": _("Appeal"),
        "views": _("Views"),
        "clicks": _("Clicks"),
        "signups": _("Sign-ups"),
        "conversion": _("Conversion (%)"),
    }
    columns = [
        TitleColumn("name", label=_("Appeal"), url_name="wagtailsnippets_membership_appeal:edit"),
        NumberColumn("views", label=_("Views")),
        NumberColumn("clicks", label=_("Clicks")),
        NumberColumn("signups", label=_("Sign-ups")),
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
        context["chart"] = daily_chart()
        context["date_range"] = self.date_range()
        return context


def daily_chart(days=CHART_DAYS, width=720, height=180):
    """Views, clicks and sign-ups for all appeals over the last `days` days, as SVG data."""
    end = timezone.localdate()
    start = end - datetime.timedelta(days=days - 1)
    rows = (
        AppealDay.objects.filter(date__gte=start, date__lte=end)
        .values("date")
        .annotate(views=Sum("views"), clicks=Sum("clicks"), signups=Sum("signups"))
    )
    by_day = {row["date"]: row for row in rows}
    series = {"views": [], "clicks": [], "signups": []}
    dates = [start + datetime.timedelta(days=i) for i in range(days)]
    for day in dates:
        row = by_day.get(day, {})
        for name in series:
            series[name].append(row.get(name) or 0)
    peak = max([1] + [value for values in series.values() for value in values])
    step = width / max(days - 1, 1)

    def points(values):
        return " ".join(
            f"{i * step:.1f},{height - value / peak * height:.1f}" for i, value in enumerate(values)
        )

    return {
        "width": width,
        "height": height,
        "peak": peak,
        "start": start,
        "end": end,
        "lines": [
            {
                "name": _("Views"),
                "css": "views",
                "points": points(series["views"]),
                "total": sum(series["views"]),
            },
            {
                "name": _("Clicks"),
                "css": "clicks",
                "points": points(series["clicks"]),
                "total": sum(series["clicks"]),
            },
            {
                "name": _("Sign-ups"),
                "css": "signups",
                "points": points(series["signups"]),
                "total": sum(series["signups"]),
            },
        ],
    }
