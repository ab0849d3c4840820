"""Cached page routes (articles.routing): a page served once is found by id, and a route that
no longer holds is never used: the page unpublished, deleted, moved, renamed, replaced at its
path, made private, or the site changed."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from articles import routing
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(news):
    return ArticlePageFactory(parent=news, title="Storm closes the port", slug="storm")


def get(url, client=None, **extra):
    """Status and queries of a GET."""
    with CaptureQueriesContext(connection) as context:
        response = (client or Client()).get(url, **extra)
    return response, len(context.captured_queries)


def assert_left(old_url, new_url):
    """The old path no longer serves the page: a 404, or Wagtail's automatic redirect to the
    new path (wagtail.contrib.redirects makes one when a page moves)."""
    response = Client().get(old_url)
    assert response.status_code in (301, 404), response.status_code
    if response.status_code == 301:
        assert response["Location"] == new_url


def routed(url):
    """Status of a GET once the route is cached (the first GET keeps it)."""
    Client().get(url)
    return Client().get(url)


def test_a_cached_route_saves_the_walk_down_the_tree(story):
    cold, cold_queries = get("/news/storm/")
    warm, warm_queries = get("/news/storm/")
    assert cold.status_code == warm.status_code == 200
    assert warm.content == cold.content
    # The site, the home page and News with their specific rows, and the view restrictions:
    # gone; the article is read by id.
    assert cold_queries - warm_queries >= 5


def test_the_front_page_and_news_are_routed_from_the_cache_too(home, news, story):
    for url in ("/", "/news/"):
        cold, cold_queries = get(url)
        warm, warm_queries = get(url)
        assert cold.status_code == warm.status_code == 200
        assert warm_queries < cold_queries


def test_an_unpublished_page_is_not_served_from_its_cached_route(story):
    assert routed("/news/storm/").status_code == 200
    story.unpublish()
    assert Client().get("/news/storm/").status_code == 404


def test_a_deleted_page_is_not_served_from_its_cached_route(story):
    assert routed("/news/storm/").status_code == 200
    story.delete()
    assert Client().get("/news/storm/").status_code == 404


def test_a_renamed_page_leaves_its_old_path_and_serves_at_the_new_one(story):
    assert routed("/news/storm/").status_code == 200
    story.slug = "storm-2"
    story.save_revision().publish()
    assert_left("/news/storm/", "/news/storm-2/")
    assert routed("/news/storm-2/").status_code == 200


def test_a_moved_page_leaves_its_old_path(home, story):
    assert routed("/news/storm/").status_code == 200
    world = ArticleIndexPageFactory(parent=home, title="World", slug="world")
    story.move(world, pos="last-child")
    assert_left("/news/storm/", "/world/storm/")
    assert b"Storm closes the port" in routed("/world/storm/").content


def test_a_new_page_at_a_cached_path_is_the_one_served(news, story):
    assert routed("/news/storm/").status_code == 200
    story.slug = "storm-old"
    story.save_revision().publish()
    ArticlePageFactory(parent=news, title="A second storm", slug="storm")
    response = Client().get("/news/storm/")
    assert response.status_code == 200
    assert b"A second storm" in response.content


def test_a_page_made_private_is_not_served_publicly_from_its_cached_route(news, story):
    assert routed("/news/storm/").status_code == 200
    PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    response = Client().get("/news/storm/")
    assert response.status_code == 302  # to the sign-in page, as Wagtail does
    assert "login" in response["Location"] or "accounts" in response["Location"]


def test_a_private_page_stays_private_when_routed_from_the_cache(news, story):
    group = Group.objects.create(name="Staff")
    restriction = PageViewRestriction.objects.create(
        page=story, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    for _ in range(3):
        response = Client().get("/news/storm/")
        assert response.status_code == 302


def test_routes_are_kept_per_site(home, story):
    other_root = Page.objects.get(depth=1).add_child(
        instance=Page(title="Other", slug="other-home", live=True)
    )
    other_news = ArticleIndexPageFactory(parent=other_root, title="News", slug="news")
    ArticlePageFactory(parent=other_news, title="Other site's storm", slug="storm")
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    ours = routed("/news/storm/")
    Client(HTTP_HOST="other.example").get("/news/storm/")
    theirs = Client(HTTP_HOST="other.example").get("/news/storm/")
    assert b"Storm closes the port" in ours.content
    assert b"Other site's storm" in theirs.content
    assert b"Other site's storm" not in Client().get("/news/storm/").content


def test_a_site_moved_to_another_root_routes_from_there(home, story):
    assert routed("/news/storm/").status_code == 200
    new_root = Page.objects.get(depth=1).add_child(
        instance=Page(title="New home", slug="new-home", live=True)
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = new_root
    site.save()
    assert Client().get("/news/storm/").status_code == 404


def test_a_sub_route_is_not_kept():
    page = Page(pk=1, url_path="/home/news/", live=True)
    site = Site(root_page=Page(url_path="/home/"))
    assert routing.route_to_keep(site, "news/", RouteResult(page, args=["2024"])) is None
    assert routing.route_to_keep(site, "news/", RouteResult(page, kwargs={"x": 1})) is None
    assert routing.route_to_keep(site, "news/extra/", RouteResult(page)) is None
    assert routing.route_to_keep(site, "news/", None) is None


def test_expected_url_path_joins_the_root_and_the_components():
    site = Site(root_page=Page(url_path="/home/"))
    assert routing.expected_url_path(site, "") == "/home/"
    assert routing.expected_url_path(site, "news/storm/") == "/home/news/storm/"
    assert routing.expected_url_path(site, "news/storm") == "/home/news/storm/"


def test_switched_off_it_keeps_nothing(settings, story):
    settings.ARTICLES_ROUTE_CACHE = False
    get("/news/storm/")
    _, off_queries = get("/news/storm/")
    _, still_off_queries = get("/news/storm/")
    settings.ARTICLES_ROUTE_CACHE = True
    get("/news/storm/")
    _, on_queries = get("/news/storm/")
    assert off_queries == still_off_queries
    assert off_queries - on_queries >= 5


def test_a_missing_page_is_still_a_404_and_is_not_kept(story):
    for _ in range(2):
        assert Client().get("/news/no-such-story/").status_code == 404
