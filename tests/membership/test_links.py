"""The appeal's links: the call to action carries ?appeal=<id> where a server reads it."""

import pytest
from wagtail.models import Site

from membership.links import cta_href, secondary_href
from membership.models import Appeal, MembershipSettings
from membership.selection import load_snapshot
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db


def site():
    return Site.objects.get(is_default_site=True)


def href(appeal_url="", *, settings_url="/support/"):
    """The call to action of an appeal whose URL was set in code, past the form's checks."""
    settings = MembershipSettings.for_site(site())
    settings.cta_url = settings_url
    settings.save()
    appeal = AppealFactory()
    Appeal.objects.filter(pk=appeal.pk).update(cta_url=appeal_url)
    appeal = Appeal.objects.get(pk=appeal.pk)
    return cta_href(appeal, load_snapshot(site())), appeal.pk


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/join", "https://example.org/join?appeal={id}"),
        ("https://example.org/join#form", "https://example.org/join?appeal={id}#form"),
        (
            "https://example.org/join?tier=2#form",
            "https://example.org/join?tier=2&appeal={id}#form",
        ),
        ("https://example.org/join?appeal=7", "https://example.org/join?appeal={id}"),
        (
            "https://example.org/join?appeal=7&tier=2&appeal=8#form",
            "https://example.org/join?tier=2&appeal={id}#form",
        ),
        ("https://example.org/join?", "https://example.org/join?appeal={id}"),
        ("https://example.org/join?ref=", "https://example.org/join?ref=&appeal={id}"),
        ("https://example.org:8443/j/", "https://example.org:8443/j/?appeal={id}"),
        ("/join/", "/join/?appeal={id}"),
        ("/join/#form", "/join/?appeal={id}#form"),
        (
            "/join/?utm_source=site&utm_medium=appeal",
            "/join/?utm_source=site&utm_medium=appeal&appeal={id}",
        ),
        (" /join/#form ", "/join/?appeal={id}#form"),
    ],
)
def test_the_appeal_id_goes_in_the_query_before_the_fragment(home, url, expected):
    result, appeal_id = href(url)
    assert result == expected.format(id=appeal_id)


def test_the_settings_target_with_a_fragment(home):
    result, appeal_id = href("", settings_url="/support/#join")
    assert result == f"/support/?appeal={appeal_id}#join"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)//?appeal=1#x",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "http://[::1/join",  # an unclosed bracket: the URL cannot be parsed
    ],
)
def test_hostile_or_broken_urls_fall_back_to_the_settings_target(home, url):
    result, appeal_id = href(url, settings_url="/support/#join")
    assert result == f"/support/?appeal={appeal_id}#join"


def test_hostile_urls_everywhere_leave_a_safe_link(home):
    result, appeal_id = href("javascript:alert(1)", settings_url="data:text/html,x")
    assert result == f"/?appeal={appeal_id}"


def test_an_unsaved_appeal_links_without_an_id(home):
    appeal = Appeal(name="New", heading="New", body="<p>x</p>", cta_url="/join/#form")
    assert cta_href(appeal, load_snapshot(site())) == "/join/#form"


def test_the_secondary_link_is_kept_as_it_is_but_must_be_safe(home):
    appeal = AppealFactory()
    Appeal.objects.filter(pk=appeal.pk).update(secondary_url="/ways/?a=1#more")
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert secondary_href(appeal, load_snapshot(site())) == "/ways/?a=1#more"
    Appeal.objects.filter(pk=appeal.pk).update(secondary_url="javascript:alert(1)")
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert secondary_href(appeal, load_snapshot(site())) == "/support/#other-ways"
