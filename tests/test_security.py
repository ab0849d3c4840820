"""Site-wide protections: the Content Security Policy and hostile URLs."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import path

from membership.assets import APPEAL_SCRIPT, TOPICS_SCRIPT, file_hash, script_hash
from newsroom import urls as project_urls
from tests.factories import ArticlePageFactory
from tests.membership.factories import (
    AppealFactory,
    TierFactory,
    TopicFactory,
    TopicsPageFactory,
    VotingRoundFactory,
)
from tests.membership.voters import signed_in_patron


def boom(request):
    raise RuntimeError("a bug")


# The project's URLs and error pages, plus a view with a bug.
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler500 = project_urls.handler500


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


def script_sources(response):
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    return directives["script-src"].split()


def loaded_scripts(response):
    """The integrity hashes of the scripts a page loads."""
    tags = re.findall(r"<script\b[^>]*>", response.content.decode())
    return [re.search(r' integrity="([^"]+)"', tag).group(1) for tag in tags if " src=" in tag]


def test_the_policy_allows_exactly_the_scripts_the_site_loads(client, news, home):
    """The appeal's script on articles, the topics page's for a signed-in patron: nothing
    else runs, and each runs by its hash."""
    article = ArticlePageFactory(parent=news)
    AppealFactory(heading="Keep the presses running")
    TopicsPageFactory(parent=home)
    TopicFactory(round=VotingRoundFactory())
    response = client.get(article.url)
    assert "Keep the presses running" in response.content.decode()
    patron_client = Client()
    signed_in_patron(patron_client, "reader@example.org", TierFactory(votes_per_round=3))
    topics = patron_client.get("/topics/")

    loaded = loaded_scripts(response) + loaded_scripts(topics)
    assert len(set(loaded)) == 2  # the appeal's script and the topics page's, by their hashes
    for page in (response, topics):
        assert sorted(script_sources(page)) == sorted(f"'{digest}'" for digest in set(loaded))


@pytest.fixture
def own_appeal_script(settings, tmp_path):
    """A project that serves its own copy of the appeal script (from STATICFILES_DIRS)."""
    override = tmp_path / "membership" / "appeal.js"
    override.parent.mkdir()
    override.write_text("document.documentElement.classList.add('ours');\n")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    script_hash.cache_clear()
    yield override
    script_hash.cache_clear()


def test_a_policy_that_would_block_the_served_appeal_script_fails_the_checks(own_appeal_script):
    with pytest.raises(SystemCheckError, match=re.escape(file_hash(own_appeal_script))):
        call_command("check")


def test_the_checks_pass_once_the_policy_allows_the_served_script(settings, own_appeal_script):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    sources = [f"'{file_hash(own_appeal_script)}'", f"'{script_hash(TOPICS_SCRIPT)}'"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**directives, "script-src": sources},
    }
    call_command("check")


def test_a_policy_without_the_topics_script_fails_the_checks(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**directives, "script-src": [f"'{script_hash(APPEAL_SCRIPT)}'"]},
    }
    with pytest.raises(SystemCheckError, match=re.escape(TOPICS_SCRIPT)):
        call_command("check")


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
