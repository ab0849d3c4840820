"""Site-wide protections: the Content Security Policy and hostile URLs."""

import pytest
from django.test import Client
from django.urls import path

from tests.factories import ArticlePageFactory


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


@pytest.fixture
def article(news):
    return ArticlePageFactory(parent=news, tags=["Russia"])


def test_public_pages_carry_a_csp_that_allows_scripts_only_by_hash(client, article):
    policy = client.get(article.url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"].startswith("'sha256-")
    assert "'unsafe-inline'" not in policy
    assert "'self'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"


def test_the_admin_keeps_its_own_rules(admin_client):
    assert "Content-Security-Policy" not in admin_client.get("/admin/")


def test_the_error_page_is_not_blocked_by_the_csp(settings, db):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Content-Security-Policy" not in response
    assert "<style" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/tags/%00/",
        "/tags/%00/feed/",
        "/news/?tag=%00",
        "/news/?page=%00",
        "/search/?q=%00",
        "/%00/",
        "/news/a%00b/",
        "/admin/pages/search/?q=%00",
    ],
)
def test_a_null_character_in_the_url_is_a_bad_request(client, article, url):
    # On PostgreSQL these lookups would raise a DataError (a 500) without the guard.
    response = client.get(url)
    assert response.status_code == 400
    assert b"null character" in response.content


def test_ordinary_percent_escapes_still_work(client, article):
    assert client.get("/search/?q=%41rticle").status_code == 200
    assert client.get("/tags/russia/").status_code == 200
