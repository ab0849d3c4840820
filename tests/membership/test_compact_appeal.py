"""The appeal is compact: heading, first paragraph, buttons, then the rest behind "Read more"."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from membership.models import Appeal
from membership.placement import render_appeal
from membership.selection import load_snapshot
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db


def rendered(body):
    appeal = AppealFactory(body=body)
    snapshot = load_snapshot(Site.objects.get(is_default_site=True))
    html = render_appeal(Appeal.objects.get(pk=appeal.pk), snapshot, position="end")
    return BeautifulSoup(html, "html.parser").select_one("aside.patron-appeal")


def test_the_first_paragraph_and_buttons_come_before_read_more(home):
    aside = rendered("<p>First.</p><p>Second.</p><p>Third.</p>")

    children = [child for child in aside.children if child.name]
    names = [
        child.name + ("." + child["class"][0] if child.get("class") else "") for child in children
    ]
    assert names == [
        "button.patron-appeal__close",
        "h2.patron-appeal__heading",
        "div.patron-appeal__body",
        "p.patron-appeal__actions",
        "details.patron-appeal__more",
    ]
    assert children[2].get_text(strip=True) == "First."
    details = children[4]
    assert details.select_one("summary").get_text(strip=True) == "Read more"
    assert [p.get_text() for p in details.select("p")] == ["Second.", "Third."]
    assert not details.has_attr("open")


def test_an_appeal_of_one_paragraph_has_no_details(home):
    aside = rendered("<p>Only this.</p>")

    assert aside.select_one("details") is None
    assert aside.select_one(".patron-appeal__body").get_text(strip=True) == "Only this."
    assert aside.select_one(".patron-appeal__cta") is not None


def test_links_in_the_rest_are_expanded(home):
    target = home
    aside = rendered(f'<p>First.</p><p>See <a linktype="page" id="{target.pk}">home</a>.</p>')

    link = aside.select_one("details a")
    assert link["href"] == target.url
