"""The results export: the topics listing, filtered by round, as CSV or XLSX. Totals, notes and
the covering articles; never who voted or who suggested a topic."""

import csv
import io

import pytest
from django.urls import reverse

from membership.models import Topic
from tests.factories import ArticlePageFactory
from tests.membership.voting_staff import editor, open_round, patron, topic, vote

pytestmark = pytest.mark.django_db

INDEX = "topics:index"
HEADINGS = ["Round", "Topic", "Status", "Votes", "Editor's note", "Covered by", "Article URLs"]


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response):
    openpyxl = pytest.importorskip("openpyxl")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.values)


@pytest.fixture
def spring(news):
    spring = open_round("Spring round")
    other = open_round("Another round")
    ports = topic(spring, "Ports after the storm", note="Our series starts Monday.")
    rail = topic(spring, "Rail fares")
    idea = topic(spring, "A patron's idea", status=Topic.Status.PROPOSED)
    topic(other, "Elsewhere")
    ada = patron("ada@example.org", "Ada Lovelace")
    grace = patron("grace@example.org", "Grace Hopper")
    vote(ada, ports, rail, notify=True)
    vote(grace, rail)
    idea.suggested_by = ada
    idea.save()
    rail.status = Topic.Status.COVERED
    rail.save()
    story = ArticlePageFactory(parent=news, title="Fares rise again", slug="fares")
    draft = ArticlePageFactory(parent=news, title="Fares, part two", slug="fares-2", live=False)
    rail.covered_by.set([story, draft])
    return spring


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(editor(django_user_model))  # viewing topics is enough to export totals
    return client


def test_the_csv_export_is_the_rounds_results(staff, spring):
    response = staff.get(reverse(INDEX), {"round": spring.pk, "export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="results-spring-round.csv"'
    rows = csv_rows(response)
    assert rows[0] == HEADINGS
    assert [row[:5] for row in rows[1:]] == [
        ["Spring round", "Rail fares", "Covered", "2", ""],
        [
            "Spring round",
            "Ports after the storm",
            "Open for votes",
            "1",
            "Our series starts Monday.",
        ],
        ["Spring round", "A patron's idea", "Proposed (waiting for moderation)", "0", ""],
    ]
    titles, urls = rows[1][5:]
    assert titles.splitlines() == ["Fares rise again", "Fares, part two"]
    [url] = urls.splitlines()  # the draft has no address readers can open
    assert url.startswith("http") and url.endswith("/news/fares/")


def test_the_xlsx_export_holds_the_same(staff, spring):
    response = staff.get(reverse(INDEX), {"round": spring.pk, "export": "xlsx"})
    rows = xlsx_rows(response)
    assert list(rows[0]) == HEADINGS
    assert [row[1:4] for row in rows[1:]] == [
        ("Rail fares", "Covered", 2),
        ("Ports after the storm", "Open for votes", 1),
        ("A patron's idea", "Proposed (waiting for moderation)", 0),
    ]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_no_voter_and_no_suggester_is_in_the_export(admin_client, spring, export):
    # Even for a superuser, who may see voters and emails in the admin.
    response = admin_client.get(reverse(INDEX), {"round": spring.pk, "export": export})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if export == "xlsx":
        content = repr(xlsx_rows_from(content)).encode()
    for personal in (b"Ada", b"Lovelace", b"Grace", b"Hopper", b"example.org", b"Member "):
        assert personal not in content


def xlsx_rows_from(content):
    openpyxl = pytest.importorskip("openpyxl")
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)


def test_the_csv_export_never_writes_a_formula(staff, spring):
    topic(spring, '=HYPERLINK("http://evil.example")', note="+SUM(A1)")
    rows = csv_rows(staff.get(reverse(INDEX), {"round": spring.pk, "export": "csv"}))
    formula = next(row for row in rows if "HYPERLINK" in row[1])
    assert formula[1] == '\'=HYPERLINK("http://evil.example")'
    assert formula[4] == "'+SUM(A1)"


def test_the_export_without_a_round_holds_every_topic(staff, spring):
    response = staff.get(reverse(INDEX), {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="topics.csv"'
    assert len(csv_rows(response)) == 5


def test_the_listing_offers_the_downloads(staff, spring):
    html = staff.get(reverse(INDEX), {"round": spring.pk}).content.decode()
    assert "Download CSV" in html and "Download XLSX" in html
