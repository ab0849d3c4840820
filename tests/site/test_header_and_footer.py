"""The links in every page's header and footer, and what they cost."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from membership.examples import ensure_signup_page, ensure_topics_page
from newsroom.home.site_links import find_site_links, site_links
from newsroom.home.standard_pages import ensure_standard_pages
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def soup_of(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def footer_links(soup):
    return {a.get_text(strip=True): a["href"] for a in soup.select("footer a")}


@pytest.fixture
def site_pages(home, news):
    ensure_standard_pages(home)
    ensure_signup_page(home)
    ensure_topics_page(home)
    return home


def test_footer_links_the_standard_pages_support_topics_feeds_and_sitemap(client, site_pages):
    links = footer_links(soup_of(client))
    assert links["About us"] == "/about/"
    assert links["Privacy"] == "/privacy/"
    assert links["Support us"] == "/support/"
    assert links["Vote on our next topics"] == "/topics/"
    assert links["RSS feeds"] == "/follow/"
    assert links["Sitemap"] == "/sitemap.xml"
    assert links["All news"] == "/news/"


def test_header_has_support_us_and_no_rss(client, site_pages):
    nav = soup_of(client).select_one("header nav")
    names = [a.get_text(strip=True) for a in nav.select("a")]
    assert names == ["News", "Support us", "Search"]
    assert nav.find("a", string="Support us")["href"] == "/support/"
    assert "RSS" not in nav.get_text()


def test_without_those_pages_the_footer_leaves_them_out(client, news):
    links = footer_links(soup_of(client))
    assert "Support us" not in links and "Privacy" not in links
    assert "Support us" not in soup_of(client).select_one("header").get_text()


def test_a_page_not_shown_in_menus_or_unpublished_leaves_the_footer(client, site_pages):
    site = Site.objects.get(is_default_site=True)
    assert [link.title for link in site_links(site).standard_pages] == ["About us", "Privacy"]
    about = site_pages.get_children().get(slug="about").specific
    about.show_in_menus = False
    about.save_revision().publish()
    site_pages.get_children().get(slug="privacy").specific.unpublish()
    links = footer_links(soup_of(client))
    assert "About us" not in links and "Privacy" not in links


def test_renaming_a_page_renames_its_link(client, site_pages):
    soup_of(client)  # cache the links
    privacy = site_pages.get_children().get(slug="privacy").specific
    privacy.title = "Your privacy"
    privacy.save_revision().publish()
    assert footer_links(soup_of(client))["Your privacy"] == "/privacy/"


def test_links_cost_one_query_then_none(site_pages):
    site = Site.objects.get(is_default_site=True)
    cache.clear()
    Site.get_site_root_paths()  # Wagtail's own cache, which page URLs read: not the links' cost
    with CaptureQueriesContext(connection) as cold:
        first = site_links(site)
    with CaptureQueriesContext(connection) as warm:
        second = site_links(site)
    assert len(cold) == 1
    assert any('"show_in_menus")' in q["sql"] for q in cold.captured_queries)
    assert len(warm) == 0
    assert first == second == find_site_links(site)


def test_a_private_page_is_not_linked(site_pages):
    about = site_pages.get_children().get(slug="about")
    PageViewRestriction.objects.create(page=about, restriction_type="login")
    site = Site.objects.get(is_default_site=True)
    assert [link.title for link in find_site_links(site).standard_pages] == ["Privacy"]


def test_article_pages_pay_nothing_for_the_footer(client, site_pages, news):
    article = ArticlePageFactory(parent=news)
    client.get(article.url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(article.url)
    # The links' query is the one that filters on show_in_menus (other queries only select it).
    assert not [q for q in ctx.captured_queries if '"show_in_menus")' in q["sql"]]
