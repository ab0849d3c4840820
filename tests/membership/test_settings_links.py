"""Membership settings warn editors when the sign-up target or the "other ways to support"
link leads to no live page; saving still works."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from membership.models import MembershipSettings
from membership.settings_links import link_problems
from tests.membership.factories import SignupPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(home):
    return Site.objects.get(is_default_site=True)


def settings_for(site, **values):
    settings = MembershipSettings.for_site(site)
    for name, value in values.items():
        setattr(settings, name, value)
    return settings


def test_links_to_live_pages_raise_no_warning(site, signup_page):
    assert link_problems(settings_for(site)) == []  # /support/ and /support/#other-ways
    assert link_problems(settings_for(site, cta_page=signup_page)) == []
    assert link_problems(settings_for(site, cta_url="/", other_ways_url="")) == []


def test_a_sign_up_url_with_no_page_behind_it_is_reported(site, signup_page):
    (problem,) = link_problems(settings_for(site, cta_url="/join/"))
    assert "“/join/” does not lead to a live page" in problem


def test_an_other_ways_link_with_no_page_behind_it_is_reported(site, signup_page):
    (problem,) = link_problems(settings_for(site, other_ways_url="/ways/#other"))
    assert "“other ways to support” URL “/ways/#other”" in problem


def test_a_draft_sign_up_page_is_reported(site, home):
    draft = SignupPageFactory(parent=home, live=False)
    problems = link_problems(settings_for(site, cta_page=draft, other_ways_url=""))
    assert len(problems) == 1
    assert "“Support us” is not published" in problems[0]
    # As a path, too: the page exists but readers get a 404.
    assert len(link_problems(settings_for(site, other_ways_url=""))) == 1


def test_other_sites_urls_are_not_checked_but_this_sites_are(site, signup_page):
    assert link_problems(settings_for(site, cta_url="https://shop.example.org/join")) == []
    own = f"http://{site.hostname}/nowhere/"
    assert len(link_problems(settings_for(site, cta_url=own))) == 1


def edit_url(site):
    return reverse("wagtailsettings:edit", args=["membership", "membershipsettings", site.pk])


def settings_form(**overrides):
    data = {
        "default_appeal": "",
        "cta_page": "",
        "cta_url": "/support/",
        "other_ways_url": "/support/#other-ways",
        "default_inline_paragraph": "3",
    }
    data.update(overrides)
    return data


def test_the_settings_form_warns_but_saves(admin_client, site, signup_page):
    assert "help-warning" not in admin_client.get(edit_url(site)).content.decode()
    response = admin_client.post(edit_url(site), settings_form(cta_url="/join/"), follow=True)
    assert response.status_code == 200
    assert MembershipSettings.for_site(site).cta_url == "/join/"  # saved all the same
    html = response.content.decode()
    assert "help-warning" in html
    assert "“/join/” does not lead to a live page" in html
