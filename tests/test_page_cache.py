"""The page cache (articles.page_cache): anonymous pages from Django's cache, fresh for
everyone else, and invalidated by the same purge list that a CDN gets.

The test settings switch the cache off (most tests render, change and render again); the
`page_cache` fixture switches it on here. Changes are committed (`committed`), since purges
and new generations wait for the commit.
"""

import datetime
import os

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from articles import page_cache
from articles.models import ArticlePage, ArticleSettings
from membership.models import Appeal, MembershipSettings, Topic
from membership.readers import PATRON_COOKIE
from newsroom.home.models import StandardPage
from tests.conftest import require_redis
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from tests.membership.factories import (
    AppealFactory,
    SignupPageFactory,
    TopicFactory,
    TopicsPageFactory,
)
from tests.test_outages import database_down, use_production_caches  # noqa: F401 - a fixture
from tests.test_site_standard_pages import StandardPageFactory

pytestmark = pytest.mark.django_db

# A Redis database of this file's own (tests/test_outages.py uses another): its test empties it.
REDIS = os.environ.get("NEWSROOM_TEST_PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6379/1")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ARTICLES_PAGE_CACHE = True


@pytest.fixture
def story(news):
    return ArticlePageFactory(parent=news, title="Storm closes the port", tags=["Weather"])


def queries(client, url, **extra):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    return response, len(context.captured_queries)


def html(response):
    return response.content.decode()


def warm(*urls):
    client = Client()
    for url in urls:
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
    return client


# --- What is cached, for whom --------------------------------------------------------------------


def test_a_hit_costs_no_query_and_keeps_the_headers_for_a_cdn(
    client, story, django_assert_num_queries
):
    first = client.get(story.url)
    with django_assert_num_queries(0):
        second = client.get(story.url)
    assert second.status_code == 200
    assert html(second) == html(first)
    assert "Storm closes the port" in html(second)
    assert second["Cache-Control"] == first["Cache-Control"]
    for directive in ("public", "max-age=30", "s-maxage=60", "stale-while-revalidate=30"):
        assert directive in second["Cache-Control"]
    assert "Expires" not in second
    assert "Vary" not in second


def test_a_hit_carries_every_header_the_middleware_added_to_the_page(client, story):
    # A hit is answered before CSP, X-Frame-Options and the others run: their headers come
    # from the stored response.
    first = client.get(story.url)
    second = client.get(story.url)
    names = (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
    )
    for name in names:
        if name in first:
            assert second[name] == first[name], name
    assert "Content-Security-Policy" in second
    assert "X-Frame-Options" in second


def test_plain_http_is_redirected_to_https_not_served_from_the_cache(client, settings, story):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(story.url, secure=True).status_code == 200
    assert client.get(story.url, secure=True).status_code == 200  # a hit
    response = client.get(story.url)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{story.url}"


def test_a_hit_does_not_touch_the_session(client, story, monkeypatch):
    client.get(story.url)

    def no_session(self, *args, **kwargs):
        raise AssertionError("the session was read")

    monkeypatch.setattr(SessionBase, "_get_session", no_session)
    response, count = queries(client, story.url)
    assert response.status_code == 200
    assert count == 0


@pytest.mark.parametrize(
    "kind",
    ["front page", "news", "tag page", "article", "standard page", "topics page"],
)
def test_anonymous_pages_are_cached(client, home, news, story, kind):
    urls = {
        "front page": "/",
        "news": news.url,
        "tag page": "/tags/weather/",
        "article": story.url,
        "standard page": lambda: StandardPageFactory(parent=home, title="About us").url,
        "topics page": lambda: TopicsPageFactory(parent=home).url,
    }
    url = urls[kind]() if callable(urls[kind]) else urls[kind]
    assert client.get(url).status_code == 200
    response, count = queries(client, url)
    assert response.status_code == 200
    assert count == 0


def test_pages_with_a_csrf_form_are_never_cached(client, home):
    signup = SignupPageFactory(parent=home)
    client.get(signup.url)
    response, count = queries(client, signup.url)
    assert response.status_code == 200
    assert count > 0
    assert "no-store" in response["Cache-Control"]


def test_unrelated_cookies_still_get_the_cached_page(client, story):
    warm(story.url)
    client.cookies.load({"_ga": "GA1.2.3.4", "consent": "yes"})
    response, count = queries(client, story.url)
    assert response.status_code == 200
    assert count == 0


@pytest.mark.parametrize("cookie", ["sessionid", PATRON_COOKIE, "messages"])
def test_the_session_patron_or_messages_cookie_bypasses_the_cache(client, story, cookie):
    warm(story.url)
    ArticlePage.objects.filter(pk=story.pk).update(title="Changed behind the cache's back")
    client.cookies.load({cookie: "1"})
    response, count = queries(client, story.url)
    assert count > 0
    assert "Changed behind" in html(response)
    # …while the anonymous reader still gets the stored page.
    assert "Changed behind" not in html(Client().get(story.url))


def test_signed_in_editors_get_fresh_pages(client, story, django_user_model):
    warm(story.url)
    ArticlePage.objects.filter(pk=story.pk).update(title="Edited headline")
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    assert "Edited headline" in html(client.get(story.url))


def test_the_switch_turns_it_off(client, story, settings):
    settings.ARTICLES_PAGE_CACHE = False
    client.get(story.url)
    _, count = queries(client, story.url)
    assert count > 0


# --- Invalidation: the next anonymous view shows the change -------------------------------------


def test_publishing_an_article_refreshes_the_listings(client, home, news, story, committed):
    warm("/", news.url, "/tags/weather/")
    with committed():
        ArticlePageFactory(parent=news, title="Bridge reopens", tags=["Weather"])
    for url in ("/", news.url, "/tags/weather/"):
        assert "Bridge reopens" in html(client.get(url)), url


def test_republishing_an_article_refreshes_it(client, story, committed):
    warm(story.url)
    with committed():
        page = ArticlePage.objects.get(pk=story.pk)
        page.title = "Storm closes the port for a week"
        page.save_revision().publish()
    assert "Storm closes the port for a week" in html(client.get(story.url))


def test_unpublishing_an_article_takes_it_off(client, news, story, committed):
    warm(story.url, news.url)
    with committed():
        ArticlePage.objects.get(pk=story.pk).unpublish()
    assert client.get(story.url).status_code == 404
    assert "Storm closes the port" not in html(client.get(news.url))


def test_moving_an_article_takes_it_off_its_old_address(client, home, news, story, committed):
    other = ArticleIndexPageFactory(parent=home, title="Features", slug="features")
    old_url = story.url
    warm(old_url, news.url)
    with committed():
        ArticlePage.objects.get(pk=story.pk).move(other, pos="last-child")
    moved = client.get(old_url)
    assert moved.status_code == 301  # Wagtail's automatic redirect
    assert moved["Location"].endswith("/features/" + story.slug + "/")
    assert "Storm closes the port" not in html(client.get(news.url))


def test_renaming_an_article_takes_it_off_its_old_address(client, news, story, committed):
    old_url = story.url
    warm(old_url, news.url)
    with committed():
        page = ArticlePage.objects.get(pk=story.pk)
        page.slug = "port-closed"
        page.save_revision().publish()
    assert client.get(old_url).status_code != 200
    assert "/news/port-closed/" in html(client.get(news.url))


def test_deleting_an_article_takes_it_off(client, news, story, committed):
    warm(story.url, news.url)
    with committed():
        ArticlePage.objects.get(pk=story.pk).delete()
    assert client.get(story.url).status_code == 404
    assert "Storm closes the port" not in html(client.get(news.url))


def test_a_page_made_private_leaves_the_cache(client, story, committed):
    warm(story.url)
    with committed():
        PageViewRestriction.objects.create(
            page=story, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
    response = client.get(story.url)
    assert response.status_code == 200
    assert "Storm closes the port" not in html(response)  # the password form, not the story


def test_publishing_an_appeal_shows_it(client, story, committed):
    warm(story.url)
    with committed():
        AppealFactory(heading="Keep the presses running")
    assert "Keep the presses running" in html(client.get(story.url))


def test_a_scheduled_appeal_shows_once_publish_scheduled_publishes_it(client, story, committed):
    with committed():
        appeal = AppealFactory(
            heading="Keep the presses running",
            live=False,
            go_live_at=timezone.now() + datetime.timedelta(hours=1),
        )
        revision = appeal.latest_revision
        revision.publish()  # scheduled: not live yet
        assert not Appeal.objects.get(pk=appeal.pk).live
    warm(story.url)
    assert "Keep the presses running" not in html(client.get(story.url))
    with committed():
        # The hour has passed.
        past = timezone.now() - datetime.timedelta(seconds=1)
        revision.refresh_from_db()
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
        call_command("publish_scheduled")
    assert "Keep the presses running" in html(client.get(story.url))


def test_an_expired_appeal_goes_once_publish_scheduled_unpublishes_it(client, story, committed):
    with committed():
        appeal = AppealFactory(heading="Keep the presses running")
    warm(story.url)
    assert "Keep the presses running" in html(client.get(story.url))
    with committed():
        Appeal.objects.filter(pk=appeal.pk).update(
            expire_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        call_command("publish_scheduled")
    assert "Keep the presses running" not in html(client.get(story.url))


def test_a_topic_marked_covered_shows_on_its_article_and_the_topics_page(
    client, home, story, committed
):
    topics_page = TopicsPageFactory(parent=home)
    topic = TopicFactory(title="Where does our water come from?")
    warm(story.url, topics_page.url)
    with committed(), transaction.atomic():
        topic.status = Topic.Status.COVERED
        topic.save()
        topic.covered_by.set([story])
    assert "Patrons voted for this" in html(client.get(story.url))
    assert client.get(topics_page.url).status_code == 200


def test_a_change_to_article_settings_shows_everywhere(client, news, story, committed):
    ArticlePageFactory(parent=news, title="Older story")
    warm(news.url)
    with committed():
        article_settings = ArticleSettings.for_site(Site.objects.get(is_default_site=True))
        article_settings.articles_per_page = 1
        article_settings.save()
    assert "Storm closes the port" not in html(client.get(news.url))  # now on page 2


def test_a_change_to_membership_settings_shows_everywhere(client, story, committed):
    with committed():
        appeal = AppealFactory(heading="Keep the presses running", include_tags=[])
        Appeal.objects.filter(pk=appeal.pk).update(weight=0)
    warm(story.url)
    assert "Keep the presses running" not in html(client.get(story.url))
    with committed():
        membership_settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
        membership_settings.default_appeal = appeal
        membership_settings.save()
    assert "Keep the presses running" in html(client.get(story.url))


def test_a_change_to_the_site_shows_everywhere(client, story, committed):
    warm(story.url)
    with committed():
        site = Site.objects.get(is_default_site=True)
        site.site_name = "The Harbour Gazette"
        site.save()
    assert "The Harbour Gazette" in html(client.get(story.url))


def test_standard_pages_are_purged_when_republished(client, home, committed):
    about = StandardPageFactory(parent=home, title="About us")
    warm(about.url)
    with committed():
        page = StandardPage.objects.get(pk=about.pk)
        page.title = "About the Gazette"
        page.save_revision().publish()
    assert "About the Gazette" in html(client.get(about.url))


# --- The database down ---------------------------------------------------------------------------


def test_with_the_database_down_a_cached_page_serves_and_others_get_503(request, news, story):
    other = ArticlePageFactory(parent=news, title="Never read yet")
    cached = html(warm(story.url).get(story.url))
    request.getfixturevalue("database_down")  # after the pages are made and cached
    client = Client(raise_request_exception=False)

    hit = client.get(story.url)
    assert hit.status_code == 200
    assert html(hit) == cached

    miss = client.get(other.url)
    assert miss.status_code == 503
    assert "try again" in html(miss)
    assert "Traceback" not in html(miss)
    assert "no-store" in miss["Cache-Control"]


# --- Keys and hosts ------------------------------------------------------------------------------


def test_a_purge_reaches_the_page_whatever_scheme_and_host_it_names(client, story):
    warm(story.url)
    ArticlePage.objects.filter(pk=story.pk).update(title="Purged by hand")
    page_cache.PageCacheBackend({}).purge(f"https://news.example.org{story.url}")
    assert "Purged by hand" in html(client.get(story.url))


def test_hosts_beyond_the_limit_are_served_fresh_not_stored(client, story, monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_HOSTS", 1)
    warm(story.url)  # takes the one slot, for "testserver"
    client.get(story.url, HTTP_HOST="forged.example")
    _, count = queries(client, story.url, HTTP_HOST="forged.example")
    assert count > 0


def test_pages_are_stored_in_redis_and_purged_there(client, story, settings, committed):
    require_redis(REDIS)
    use_production_caches(settings, REDIS)
    client.get(story.url)
    response, count = queries(client, story.url)
    assert response.status_code == 200
    assert count == 0
    with committed():
        page = ArticlePage.objects.get(pk=story.pk)
        page.title = "Storm closes the port for a week"
        page.save_revision().publish()
    assert "Storm closes the port for a week" in html(client.get(story.url))
    caches["default"].clear()  # FLUSHDB of this test's own database
