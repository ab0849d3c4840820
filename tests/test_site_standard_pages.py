"""Standard pages (About, Privacy…): the page type, what quickstart creates, and the Privacy
page's claims that a test can check."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text

from newsroom.home.models import HomePage, StandardPage
from newsroom.home.standard_pages import ensure_standard_pages
from tests.factories import ArticlePageFactory, PublishedPageFactory

pytestmark = pytest.mark.django_db


class StandardPageFactory(PublishedPageFactory):
    class Meta:
        model = StandardPage

    title = "About us"
    slug = "about"
    intro = "Who we are."
    body = "<p>We report.</p>"


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.com", "pw"))
    return client


@pytest.fixture(autouse=True)
def _never_serve(monkeypatch):
    monkeypatch.setattr("newsroom.management.commands.quickstart.os.execv", lambda *a: None)
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)


def quickstart():
    out = StringIO()
    call_command("quickstart", "--no-serve", stdout=out, stderr=out)
    return out.getvalue()


def test_an_editor_creates_a_standard_page_under_the_home_page(admin_client, home, news):
    url = reverse("wagtailadmin_pages:add", args=("home", "standardpage", home.pk))
    data = nested_form_data(
        {
            "title": "Corrections policy",
            "slug": "corrections",
            "intro": "How we correct our mistakes.",
            "body": rich_text("<p>We say what we got wrong.</p>"),
            "seo_title": "",
            "search_description": "",
            "action-publish": "publish",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(slug="corrections")
    assert page.live and page.get_parent().pk == home.pk
    # Only under the home page: not under News.
    assert not StandardPage.can_create_at(news)
    assert StandardPage in HomePage.allowed_subpage_models()


def test_a_standard_page_shows_its_title_intro_and_body_and_is_cacheable(client, home):
    page = StandardPageFactory(parent=home)
    response = client.get(page.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "About us"
    assert soup.select_one(".standfirst").get_text(strip=True) == "Who we are."
    assert "We report." in soup.select_one(".standard-page__body").get_text()
    assert soup.title.get_text().startswith("About us | ")
    assert soup.find("meta", attrs={"name": "description"})["content"] == "Who we are."
    assert soup.find("link", rel="canonical")["href"].endswith("/about/")
    assert "public" in response["Cache-Control"]


def test_quickstart_creates_live_about_and_privacy_pages(client):
    output = quickstart()
    for slug, title in (("about", "About us"), ("privacy", "Privacy")):
        page = StandardPage.objects.live().get(slug=slug)
        assert page.title == title
        assert page.get_parent().specific_class is HomePage
        assert f"/{slug}/" in output
        assert client.get(f"/{slug}/").status_code == 200


def test_quickstart_again_keeps_an_editors_edits(home):
    quickstart()
    about = StandardPage.objects.get(slug="about")
    about.title = "Who we are"
    about.body = "<p>Edited by an editor.</p>"
    about.save_revision().publish()
    StandardPage.objects.get(slug="privacy").delete()
    pages_before = StandardPage.objects.count()

    output = quickstart()

    about = StandardPage.objects.get(slug="about")
    assert (about.title, about.body) == ("Who we are", "<p>Edited by an editor.</p>")
    # A deleted page comes back; nothing is doubled.
    assert StandardPage.objects.count() == pages_before + 1
    assert "Privacy" in output
    assert ensure_standard_pages(home) == []


def test_a_slug_taken_by_another_page_is_left_alone(home):
    StandardPageFactory(parent=home, title="Our story", slug="about")
    created = ensure_standard_pages(home)
    assert [page.slug for page in created] == ["privacy"]
    assert StandardPage.objects.get(slug="about").title == "Our story"


# --- What the Privacy page claims ------------------------------------------------------------


def test_privacy_claim_reading_sets_no_cookies(client, home, news):
    quickstart()
    article = ArticlePageFactory(parent=news, tags=["Russia"])
    for url in ("/", news.url, article.url, "/about/", "/privacy/", "/tags/russia/", "/follow/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
        assert "Cookie" not in response.get("Vary", ""), url


def test_privacy_claim_the_forms_set_only_the_csrf_cookie(client, home):
    quickstart()
    privacy = BeautifulSoup(client.get("/privacy/").content, "html.parser").get_text()
    assert "csrftoken" in privacy
    response = client.get("/support/")
    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
