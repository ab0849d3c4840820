"""The Memberships listing in the Wagtail admin: filters, search, exports and who sees emails."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membership.models import Membership, Tier
from tests.membership.factories import AppealFactory
from tests.membership.staff import member, staff_user

pytestmark = pytest.mark.django_db

INDEX = "memberships:index"
RESULTS = "memberships:index_results"


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def listed(response):
    """The members in the listing, by email."""
    return sorted(membership.email for membership in response.context["object_list"])


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def coffee():
    return Tier.objects.create(name="Coffee", amount="3.00")


@pytest.fixture
def lunch():
    return Tier.objects.create(name="Lunch", amount="10.00")


@pytest.fixture
def members(coffee, lunch):
    spring = AppealFactory(name="Spring appeal")
    return {
        "ada": member(
            "ada@example.org",
            name="Ada Lovelace",
            tier=coffee,
            status=Membership.Status.ACTIVE,
            source=Membership.Source.STRIPE,
            appeal=spring,
            created_at=ago(40),
        ),
        "grace": member(
            "Grace@Example.org",
            name="Grace Hopper",
            tier=lunch,
            status=Membership.Status.LAPSED,
            source=Membership.Source.PATREON,
            created_at=ago(10),
        ),
        "alan": member("alan@example.org", name="Alan Turing", created_at=ago(1)),
    }


@pytest.fixture
def with_emails(client, django_user_model):
    """Staff who may see the listing and members' emails (and export)."""
    client.force_login(
        staff_user(django_user_model, "fundraiser", "view_membership", "view_member_emails")
    )
    return client


@pytest.fixture
def without_emails(client, django_user_model):
    """Staff who may see the listing but not members' emails."""
    client.force_login(staff_user(django_user_model, "editor", "view_membership"))
    return client


# --- The listing ---------------------------------------------------------------------------------


def test_the_listing_shows_members_with_their_emails(with_emails, members):
    response = with_emails.get(reverse(INDEX))
    assert response.status_code == 200
    assert listed(response) == ["Grace@example.org", "ada@example.org", "alan@example.org"]
    html = response.content.decode()
    for text in ("Ada Lovelace", "ada@example.org", "Coffee", "Active", "Stripe", "Spring appeal"):
        assert text in html
    assert "Download CSV" in html and "Download XLSX" in html


def test_without_the_permission_no_email_and_no_export_shows(without_emails, members):
    response = without_emails.get(reverse(INDEX))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html and "Coffee" in html
    assert "@example.org" not in html
    assert "Download CSV" not in html and "Download XLSX" not in html
    assert "export=" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "active"}, ["ada@example.org"]),
        ({"status": "pending"}, ["alan@example.org"]),
        ({"source": "patreon"}, ["Grace@example.org"]),
        ({"status": "active", "source": "patreon"}, []),
    ],
)
def test_filters(with_emails, members, query, expected):
    response = with_emails.get(reverse(RESULTS), query)
    assert response.status_code == 200
    assert listed(response) == expected


def test_filter_by_tier_and_appeal(with_emails, members, lunch):
    by_tier = with_emails.get(reverse(RESULTS), {"tier": lunch.pk})
    assert listed(by_tier) == ["Grace@example.org"]
    by_appeal = with_emails.get(reverse(RESULTS), {"appeal": members["ada"].appeal_id})
    assert listed(by_appeal) == ["ada@example.org"]


def test_filter_by_sign_up_dates(with_emails, members):
    today = timezone.localdate()
    last_fortnight = {
        "created_at_from": (today - datetime.timedelta(days=14)).isoformat(),
        "created_at_to": today.isoformat(),
    }
    response = with_emails.get(reverse(RESULTS), last_fortnight)
    assert listed(response) == ["Grace@example.org", "alan@example.org"]
    until_a_month_ago = {"created_at_to": (today - datetime.timedelta(days=30)).isoformat()}
    assert listed(with_emails.get(reverse(RESULTS), until_a_month_ago)) == ["ada@example.org"]


def test_a_bad_filter_value_is_not_an_error(with_emails, members):
    response = with_emails.get(reverse(RESULTS), {"tier": "x", "created_at_from": "yesterday"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grace@example", ["Grace@example.org"]),
        ("GRACE@EXAMPLE.ORG", ["Grace@example.org"]),
        ("lovelace", ["ada@example.org"]),
        ("nobody@example.org", []),
    ],
)
def test_search_by_email_or_name(with_emails, members, query, expected):
    response = with_emails.get(reverse(RESULTS), {"q": query})
    assert listed(response) == expected


def test_without_the_permission_search_does_not_match_emails(without_emails, members):
    assert listed(without_emails.get(reverse(RESULTS), {"q": "ada@example.org"})) == []
    assert listed(without_emails.get(reverse(RESULTS), {"q": "Lovelace"})) == ["ada@example.org"]


def test_without_the_permission_ordering_by_email_is_ignored(without_emails, members):
    response = without_emails.get(reverse(INDEX), {"ordering": "user__email"})
    assert response.status_code == 200
    assert "@example.org" not in response.content.decode()


def listing_queries(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == count
    return len(queries)


def test_the_listing_costs_the_same_queries_for_3_members_as_for_30(with_emails, coffee):
    appeal = AppealFactory()
    for number in range(3):
        member(f"reader{number}@example.org", tier=coffee, appeal=appeal)
    few = listing_queries(with_emails, 3)
    for number in range(3, 30):
        member(f"reader{number}@example.org", tier=coffee, appeal=appeal)
    assert listing_queries(with_emails, 30) == few


# --- Exports -------------------------------------------------------------------------------------


def test_csv_export_holds_what_the_filter_shows(with_emails, members):
    rows = csv_rows(with_emails.get(reverse(INDEX), {"export": "csv", "status": "active"}))
    assert rows[0] == [
        "Email",
        "Name",
        "Tier",
        "Status",
        "Source",
        "Appeal",
        "Signed up",
        "Status since",
        "Email confirmed",
        "Consented to emails",
    ]
    signed_up = timezone.localtime(members["ada"].created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert rows[1][:7] == [
        "ada@example.org",
        "Ada Lovelace",
        "Coffee",
        "Active",
        "Stripe",
        "Spring appeal",
        signed_up,
    ]
    assert len(rows) == 2


def test_csv_export_never_writes_a_formula(with_emails, coffee):
    coffee.name = "=HYPERLINK(1)"
    coffee.save()
    member("mallory@example.org", name="@SUM(A1)", tier=coffee)
    rows = csv_rows(with_emails.get(reverse(INDEX), {"export": "csv"}))
    assert rows[1][1:3] == ["'@SUM(A1)", "'=HYPERLINK(1)"]


def test_xlsx_export_is_a_spreadsheet_of_the_members(with_emails, members):
    openpyxl = pytest.importorskip("openpyxl")
    response = with_emails.get(reverse(INDEX), {"export": "xlsx", "q": "Grace"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][:3] == ("Email", "Name", "Tier")
    assert rows[1][:5] == ("Grace@example.org", "Grace Hopper", "Lunch", "Lapsed", "Patreon")
    assert len(rows) == 2


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("url", [INDEX, RESULTS])
def test_without_the_permission_the_export_is_refused(without_emails, members, export, url):
    response = without_emails.get(reverse(url), {"export": export})
    assert response.status_code == 403
    assert b"@example.org" not in response.content


def test_superusers_export(admin_client, members):
    assert len(csv_rows(admin_client.get(reverse(INDEX), {"export": "csv"}))) == 4


# --- Who may see the listing ---------------------------------------------------------------------


def test_staff_without_a_membership_permission_are_turned_away(client, django_user_model):
    client.force_login(staff_user(django_user_model, "writer", "view_tier"))
    for response in (
        client.get(reverse(INDEX)),
        client.get(reverse(INDEX), {"export": "csv"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")


def test_the_emails_permission_alone_opens_nothing(client, django_user_model, members):
    client.force_login(staff_user(django_user_model, "lister", "view_member_emails"))
    response = client.get(reverse(INDEX), {"export": "csv"})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_members_are_sent_to_log_in(client, members):
    client.force_login(members["ada"].user)
    response = client.get(reverse(INDEX))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_the_emails_permission_can_be_given_in_the_group_editor(admin_client):
    group = Group.objects.create(name="Fundraising")
    html = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()
    assert "Can view member emails" in html


def test_a_member_page_shows_no_email_and_no_user(with_emails, members):
    ada = members["ada"]
    response = with_emails.get(reverse("memberships:inspect", args=[ada.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html
    assert "ada@example.org" not in html and ada.user.username not in html
