"""`manage.py quickstart`: the command behind `bash .ci/start`."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import Page

from articles.models import ArticlePage
from membership.models import SignupPage, Tier, Topic, TopicsPage, VotingRound
from newsroom.home.models import HomePage
from tests.factories import ArticleIndexPageFactory, home_page

CREATESUPERUSER = ".venv/bin/python manage.py createsuperuser"


@pytest.fixture(autouse=True)
def _no_admin_env(monkeypatch):
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("NEWSROOM_ADMIN_USERNAME", raising=False)


@pytest.fixture(autouse=True)
def _never_serve(monkeypatch):
    """A test that forgets --no-serve must not replace pytest with runserver."""
    calls = []
    monkeypatch.setattr(
        "newsroom.management.commands.quickstart.os.execv",
        lambda path, argv: calls.append(argv),
    )
    return calls


def quickstart(*args):
    out, err = StringIO(), StringIO()
    call_command("quickstart", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def superusers():
    return get_user_model().objects.filter(is_superuser=True)


@pytest.mark.django_db
def test_without_password_prints_the_createsuperuser_command():
    output = quickstart("--no-serve")

    assert CREATESUPERUSER in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert "NEWSROOM_ADMIN_PASSWORD" in output
    assert not superusers().exists()


@pytest.mark.django_db
def test_it_explains_scheduled_publishing():
    output = quickstart("--no-serve")

    assert "* * * * * cd " in output
    assert ".venv/bin/python manage.py publish_scheduled" in output


@pytest.mark.django_db
def test_with_password_creates_a_local_superuser(monkeypatch):
    monkeypatch.setenv("NEWSROOM_ADMIN_PASSWORD", "correct horse battery")

    output = quickstart("--no-serve")

    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.check_password("correct horse battery")
    assert "Created the local superuser 'admin'" in output
    assert "Sign in at http://127.0.0.1:8000/admin/ as 'admin'" in output
    assert CREATESUPERUSER not in output
    assert "correct horse battery" not in output


@pytest.mark.django_db
def test_username_comes_from_the_environment_and_the_password_is_updated(monkeypatch):
    monkeypatch.setenv("NEWSROOM_ADMIN_USERNAME", "editor")
    monkeypatch.setenv("NEWSROOM_ADMIN_PASSWORD", "first password")
    quickstart("--no-serve")
    monkeypatch.setenv("NEWSROOM_ADMIN_PASSWORD", "second password")

    output = quickstart("--no-serve")

    assert "Updated the local superuser 'editor'" in output
    user = get_user_model().objects.get(username="editor")
    assert user.check_password("second password")
    assert list(superusers().values_list("username", flat=True)) == ["editor"]


@pytest.mark.django_db
def test_existing_superusers_are_named():
    get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")

    output = quickstart("--no-serve")

    assert "'chief'" in output
    assert CREATESUPERUSER in output


@pytest.mark.django_db
def test_it_imports_the_seed_story():
    quickstart("--no-serve")

    assert ArticlePage.objects.live().exists()


@pytest.mark.django_db
def test_a_second_run_changes_nothing(monkeypatch):
    monkeypatch.setenv("NEWSROOM_ADMIN_PASSWORD", "pw for both runs")
    quickstart("--no-serve")
    pages = list(Page.objects.order_by("pk").values_list("pk", "title", "live"))
    users = list(get_user_model().objects.order_by("pk").values_list("pk", "username"))

    output = quickstart("--no-serve")

    assert list(Page.objects.order_by("pk").values_list("pk", "title", "live")) == pages
    assert list(get_user_model().objects.order_by("pk").values_list("pk", "username")) == users
    assert "Updated the local superuser 'admin'" in output


@pytest.mark.django_db
def test_without_no_serve_it_becomes_runserver(_never_serve):
    output = quickstart("--addrport", "127.0.0.1:8123")

    assert "Serving the site on http://127.0.0.1:8123/" in output
    [argv] = _never_serve
    assert argv[-2:] == ["runserver", "127.0.0.1:8123"]
    assert argv[1].endswith("manage.py")


@pytest.mark.django_db
def test_a_bad_addrport_is_refused_before_anything_runs():
    with pytest.raises(CommandError, match="--addrport"):
        quickstart("--no-serve", "--addrport", "not-a-port")


def test_quickstart_points_the_default_site_at_the_served_address(db):
    from wagtail.models import Site

    call_command("quickstart", "--no-serve", "--addrport", "127.0.0.1:8123", stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert site.root_url == "http://127.0.0.1:8123"


def test_quickstart_leaves_a_site_an_editor_configured(db):
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="news.example.org", port=443)
    call_command("quickstart", "--no-serve", stdout=StringIO())
    assert Site.objects.get(is_default_site=True).hostname == "news.example.org"


# --- Patron sign-ups -------------------------------------------------------------------------


def test_it_adds_an_example_tier_and_a_live_sign_up_page_at_support(db, client):
    output = quickstart("--no-serve")

    [tier] = Tier.objects.all()
    assert tier.name.startswith("Example tier")
    assert (tier.amount, tier.currency, tier.votes_per_round, tier.active) == (
        Decimal("3.00"),
        "EUR",
        1,
        True,
    )
    page = SignupPage.objects.live().get()
    assert page.get_parent().specific_class is HomePage
    assert page.url == "/support/"
    assert "/support/" in output
    response = client.get("/support/")
    assert response.status_code == 200
    html = response.content.decode()
    assert tier.name in html
    assert 'id="other-ways"' in html


def test_a_second_run_adds_no_second_tier_or_page(db):
    quickstart("--no-serve")
    tier = Tier.objects.get()
    tier.name = "Renamed by an editor"
    tier.save()

    output = quickstart("--no-serve")

    assert list(Tier.objects.values_list("name", flat=True)) == ["Renamed by an editor"]
    assert SignupPage.objects.count() == 1
    assert "nothing to add" in output


def test_an_editors_own_tiers_and_support_page_are_left_alone(db):
    Tier.objects.create(name="Reader", amount="7.00")
    ArticleIndexPageFactory(parent=home_page(), title="Support", slug="support")

    output = quickstart("--no-serve")

    assert list(Tier.objects.values_list("name", flat=True)) == ["Reader"]
    assert not SignupPage.objects.exists()
    assert "Another page already uses /support/" in output


# --- Voting on topics ------------------------------------------------------------------------


def test_it_adds_a_live_topics_page_and_an_example_round_open_for_30_days(db, client):
    before = timezone.now()
    output = quickstart("--no-serve")

    page = TopicsPage.objects.live().get()
    assert page.get_parent().specific_class is HomePage
    assert page.url == "/topics/"
    assert "/topics/" in output
    [voting_round] = VotingRound.objects.all()
    assert voting_round.title.startswith("Example round")
    assert voting_round.opens_at >= before
    assert voting_round.closes_at - voting_round.opens_at == datetime.timedelta(days=30)
    assert voting_round == VotingRound.objects.current()
    topics = list(voting_round.topics.all())
    assert len(topics) == 3
    assert all(topic.title.startswith("Example:") for topic in topics)
    assert all(topic.status == Topic.Status.OPEN for topic in topics)
    assert "Example round" in output

    response = client.get("/topics/")
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text()
    for topic in topics:
        assert topic.title in text


def test_a_second_run_adds_no_second_topics_page_or_round(db):
    quickstart("--no-serve")
    voting_round = VotingRound.objects.get()
    voting_round.topics.first().delete()

    quickstart("--no-serve")

    assert TopicsPage.objects.count() == 1
    assert VotingRound.objects.get() == voting_round
    assert voting_round.topics.count() == 2


def test_an_editors_own_rounds_and_topics_page_are_left_alone(db):
    now = timezone.now()
    VotingRound.objects.create(
        title="Ours", opens_at=now, closes_at=now + datetime.timedelta(days=3)
    )
    ArticleIndexPageFactory(parent=home_page(), title="Topics", slug="topics")

    output = quickstart("--no-serve")

    assert list(VotingRound.objects.values_list("title", flat=True)) == ["Ours"]
    assert not Topic.objects.exists()
    assert not TopicsPage.objects.exists()
    assert "Another page already uses /topics/" in output
