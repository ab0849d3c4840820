"""The Content Security Policy on public pages (scripts by hash only), its report-only mode and
report URI, and the admin's update check, which stays off unless a setting turns it on."""

import pytest
from django.test import Client

from tests.factories import ArticlePageFactory
from tests.membership.factories import (
    SignupPageFactory,
    TierFactory,
    TopicFactory,
    TopicsPageFactory,
    VotingRoundFactory,
)
from tests.membership.voters import signed_in_patron
from tests.test_production import production_settings

pytestmark = pytest.mark.django_db

POLICY_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
REPORT_URI = "https://reports.example.org/csp"
UPGRADE_PANEL = 'data-controller="w-upgrade'


def directives(policy):
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.fixture
def public_pages(home, news):
    article = ArticlePageFactory(parent=news, tags=["Russia"])
    signup = SignupPageFactory(parent=home)
    TopicsPageFactory(parent=home)
    TopicFactory(round=VotingRoundFactory())
    return {
        "front page": "/",
        "article": article.url,
        "news": news.url,
        "tag page": "/tags/russia/",
        "sign-up page": signup.url,
        "sign-in page": "/membership/sign-in/",
        "topics page": "/topics/",
    }


def test_no_public_page_allows_inline_scripts(public_pages):
    anonymous, patron = Client(), Client()
    signed_in_patron(patron, "reader@example.org", TierFactory(votes_per_round=3))
    for name, url in public_pages.items():
        for client in (anonymous, patron):
            response = client.get(url)
            assert response.status_code == 200, name
            policy = response["Content-Security-Policy"]
            scripts = directives(policy)["script-src"].split()
            assert scripts, name
            assert all(source.startswith("'sha256-") for source in scripts), (name, scripts)
            assert "unsafe-inline" not in policy, name
            assert "unsafe-eval" not in policy, name
            assert "Content-Security-Policy-Report-Only" not in response


def test_by_default_the_policy_is_enforced_and_reports_nowhere():
    policies = production_settings(*POLICY_SETTINGS)
    assert policies["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    assert "report-uri" not in policies["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]


def test_a_report_uri_is_added_to_the_enforced_policy(settings, public_pages):
    policies = production_settings(*POLICY_SETTINGS, NEWSROOM_CSP_REPORT_URI=REPORT_URI)
    settings.CONTENT_SECURITY_POLICY = policies["CONTENT_SECURITY_POLICY"]
    response = Client().get(public_pages["article"])
    assert directives(response["Content-Security-Policy"])["report-uri"] == REPORT_URI
    assert "Content-Security-Policy-Report-Only" not in response


def test_report_only_mode_sends_the_same_policy_without_enforcing_it(settings, public_pages):
    enforced = production_settings(*POLICY_SETTINGS)["CONTENT_SECURITY_POLICY"]
    policies = production_settings(
        *POLICY_SETTINGS, NEWSROOM_CSP_REPORT_ONLY="true", NEWSROOM_CSP_REPORT_URI=REPORT_URI
    )
    assert policies["CONTENT_SECURITY_POLICY"] is None
    report_only = policies["CONTENT_SECURITY_POLICY_REPORT_ONLY"]
    assert report_only["DIRECTIVES"] == {**enforced["DIRECTIVES"], "report-uri": [REPORT_URI]}
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = report_only
    response = Client().get(public_pages["topics page"])
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["report-uri"] == REPORT_URI
    assert policy["script-src"].startswith("'sha256-")
    # The admin keeps its own rules in this mode too.
    assert "Content-Security-Policy-Report-Only" not in Client().get("/admin/login/")


@pytest.mark.parametrize(
    ("value", "expected"), [(None, False), ("false", False), ("true", True), ("LTS", "lts")]
)
def test_the_admin_s_update_check_is_off_unless_a_setting_turns_it_on(value, expected):
    env = {} if value is None else {"WAGTAIL_ENABLE_UPDATE_CHECK": value}
    assert production_settings("WAGTAIL_ENABLE_UPDATE_CHECK", **env) == {
        "WAGTAIL_ENABLE_UPDATE_CHECK": expected
    }


def test_the_dashboard_does_not_ask_wagtail_org_for_releases(admin_client, settings):
    assert UPGRADE_PANEL not in admin_client.get("/admin/").content.decode()
    settings.WAGTAIL_ENABLE_UPDATE_CHECK = True
    assert UPGRADE_PANEL in admin_client.get("/admin/").content.decode()
