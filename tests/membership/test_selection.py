"""Which appeal an article shows: the order of the rules, liveness, tags and the cache."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Site

from articles.models import ArticlePage
from membership.models import Appeal, MembershipSettings
from membership.placement import appeal_insertions
from membership.selection import (
    build_snapshot,
    choose_appeal,
    load_snapshot,
    select_appeal_id,
    snapshot_version,
)
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory
from tests.membership.helpers import counts_the_view_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(home):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def article(news):
    return ArticlePageFactory(parent=news, tags=["Russia"])


def set_default(site, appeal):
    settings = MembershipSettings.for_site(site)
    settings.default_appeal = appeal
    settings.save()


def pick(page, *, now=None):
    site = Site.objects.get(is_default_site=True)
    tags = [tag.pk for tag in page.tags.all()]
    return select_appeal_id(page, tags, load_snapshot(site), now=now)


def fake_page(pk):
    return SimpleNamespace(pk=pk, no_promotions=False)


# --- The order of the rules -------------------------------------------------------------------


def test_no_live_appeal_means_none(article):
    assert pick(article) is None
    assert counts_the_view_only(appeal_insertions(article, tags=list(article.tags.all())))


def test_no_promotions_switches_off_pinned_targeted_and_default(site, news):
    page = ArticlePageFactory(parent=news, tags=["Russia"], no_promotions=True)
    pinned = AppealFactory(pinned_pages=[page])
    AppealFactory()
    set_default(site, AppealFactory())
    assert pick(page) is None
    assert counts_the_view_only(appeal_insertions(page, tags=list(page.tags.all())))
    request = RequestFactory().get(page.url)
    context = page.get_context(request)
    assert context["body_end"] == []
    # Only the script that counts the view toward the caps.
    assert len(context["head_extras"]) == 1
    assert 'data-appeal=""' in context["head_extras"][0]
    assert all(not item.html for item in context["body_items"])
    # Without the switch the same article shows its pinned appeal.
    ArticlePage.objects.filter(pk=page.pk).update(no_promotions=False)
    assert pick(ArticlePage.objects.get(pk=page.pk)) == pinned.pk


def test_a_live_pinned_appeal_wins_over_heavier_targeted_and_default(site, news, article):
    other = ArticlePageFactory(parent=news, tags=["Russia"])
    russia = Tag.objects.get(name="Russia")
    heavy = AppealFactory(weight=1000, include_tags=[russia])
    pinned = AppealFactory(weight=1, pinned_pages=[article], include_tags=[])
    set_default(site, AppealFactory())
    assert pick(article) == pinned.pk
    # Pins are per article: the other article gets the weighted pick.
    assert pick(other) in {heavy.pk, pinned.pk}
    picks = {pick(ArticlePageFactory(parent=news, tags=["Russia"])) for _ in range(8)}
    assert heavy.pk in picks


def test_a_pinned_appeal_wins_even_if_its_tags_would_exclude_the_article(site, news, article):
    russia = Tag.objects.get(name="Russia")
    pinned = AppealFactory(pinned_pages=[article], exclude_tags=[russia])
    AppealFactory()
    assert pick(article) == pinned.pk


def test_two_pinned_appeals_are_picked_deterministically(article):
    first = AppealFactory(pinned_pages=[article])
    second = AppealFactory(pinned_pages=[article])
    chosen = pick(article)
    today = timezone.localdate()
    assert chosen == choose_appeal(article.pk, today, [(first.pk, 1), (second.pk, 1)])
    assert {pick(article) for _ in range(5)} == {chosen}


def test_include_tags_target_articles(site, news):
    russia = Tag.objects.create(name="Russia")
    targeted = AppealFactory(include_tags=[russia])
    default = AppealFactory()
    set_default(site, default)
    tagged = ArticlePageFactory(parent=news, tags=["Russia", "Energy"])
    untagged = ArticlePageFactory(parent=news, tags=["Ukraine"])
    bare = ArticlePageFactory(parent=news)
    assert pick(tagged) == targeted.pk
    assert pick(untagged) == default.pk
    assert pick(bare) == default.pk


def test_empty_include_list_means_every_article(news):
    everywhere = AppealFactory()
    assert pick(ArticlePageFactory(parent=news, tags=["Anything"])) == everywhere.pk
    assert pick(ArticlePageFactory(parent=news)) == everywhere.pk


def test_exclude_tags_win_over_include_tags(site, news):
    russia = Tag.objects.create(name="Russia")
    grief = Tag.objects.create(name="Obituary")
    appeal = AppealFactory(include_tags=[russia], exclude_tags=[grief])
    untargeted = AppealFactory(exclude_tags=[grief])
    both = ArticlePageFactory(parent=news, tags=["Russia", "Obituary"])
    assert pick(both) is None
    set_default(site, AppealFactory())
    assert pick(both) == MembershipSettings.for_site(site).default_appeal_id
    assert pick(ArticlePageFactory(parent=news, tags=["Russia"])) in {appeal.pk, untargeted.pk}


def test_default_appeal_is_the_fallback(site, article):
    default = AppealFactory()
    set_default(site, default)
    assert pick(article) == default.pk
    extras = appeal_insertions(article, tags=list(article.tags.all()))
    assert extras is not None
    assert default.heading in extras.body[0].html


def test_default_appeal_respects_its_exclude_tags(site, article):
    russia = Tag.objects.get(name="Russia")
    set_default(site, AppealFactory(exclude_tags=[russia]))
    assert pick(article) is None


def test_default_appeal_does_not_compete_in_the_weighted_pick(site, news):
    default = AppealFactory(weight=1000)
    targeted = AppealFactory(weight=1)
    set_default(site, default)
    for _ in range(10):
        assert pick(ArticlePageFactory(parent=news)) == targeted.pk


def test_no_default_and_no_match_means_none(news):
    russia = Tag.objects.create(name="Russia")
    AppealFactory(include_tags=[russia])
    assert pick(ArticlePageFactory(parent=news, tags=["Ukraine"])) is None


# --- Live means live ----------------------------------------------------------------------------


def expired_appeal(**kwargs):
    # Published with an expiry in the past: live=True until publish_scheduled runs.
    appeal = AppealFactory(expire_at=timezone.now() - datetime.timedelta(minutes=1), **kwargs)
    assert appeal.live and not appeal.expired
    return appeal


def test_expired_appeal_never_shows_even_pinned_or_default(site, article):
    expired_appeal()
    expired_appeal(pinned_pages=[article])
    set_default(site, expired_appeal())
    assert pick(article) is None
    assert counts_the_view_only(appeal_insertions(article, tags=list(article.tags.all())))


def test_expired_pinned_appeal_falls_through_to_the_next_rule(site, article):
    expired_appeal(pinned_pages=[article])
    default = AppealFactory()
    set_default(site, default)
    assert pick(article) == default.pk


def test_appeal_expires_while_the_snapshot_is_cached(article):
    appeal = AppealFactory(expire_at=timezone.now() + datetime.timedelta(hours=1))
    assert pick(article) == appeal.pk  # the snapshot is now cached
    later = timezone.now() + datetime.timedelta(hours=2)
    assert pick(article, now=later) is None


def test_expiry_is_exclusive(article):
    at = timezone.now() + datetime.timedelta(hours=1)
    AppealFactory(expire_at=at)
    assert pick(article, now=at) is None
    assert pick(article, now=at - datetime.timedelta(seconds=1)) is not None


def test_draft_appeal_never_shows_even_pinned_or_default(site, article):
    AppealFactory(live=False)
    AppealFactory(live=False, pinned_pages=[article])
    draft = AppealFactory(live=False)
    set_default(site, draft)
    assert MembershipSettings.for_site(site).default_appeal_id == draft.pk
    assert pick(article) is None
    assert counts_the_view_only(appeal_insertions(article, tags=list(article.tags.all())))


def test_unpublished_appeal_disappears(site, article):
    pinned = AppealFactory(pinned_pages=[article])
    default = AppealFactory()
    set_default(site, default)
    assert pick(article) == pinned.pk
    pinned.unpublish()
    assert pick(article) == default.pk
    default.unpublish()
    assert pick(article) is None


def test_scheduled_appeal_does_not_show_before_go_live(site, article):
    future = timezone.now() + datetime.timedelta(days=1)
    scheduled = AppealFactory(go_live_at=future, pinned_pages=[article])
    # Publishing a revision with a future go_live_at schedules it.
    assert not Appeal.objects.get(pk=scheduled.pk).live
    set_default(site, scheduled)
    assert pick(article) is None


def test_live_flag_with_future_go_live_still_does_not_show(article):
    future = timezone.now() + datetime.timedelta(days=1)
    appeal = AppealFactory(pinned_pages=[article])
    Appeal.objects.filter(pk=appeal.pk).update(go_live_at=future)
    cache.clear()
    assert pick(article) is None
    assert pick(article, now=future) == appeal.pk


# --- Tags ----------------------------------------------------------------------------------------


def test_tags_match_case_insensitively(news):
    russia = Tag.objects.create(name="russia")
    appeal = AppealFactory(include_tags=[russia])
    page = ArticlePageFactory(parent=news, tags=["Russia"])
    assert [tag.name for tag in page.tags.all()] == ["russia"]
    assert pick(page) == appeal.pk
    shouting = ArticlePageFactory(parent=news, tags=["RUSSIA"])
    assert pick(shouting) == appeal.pk


def test_exclude_tags_match_case_insensitively(news):
    sensitive = Tag.objects.create(name="Sensitive")
    AppealFactory(exclude_tags=[sensitive])
    assert pick(ArticlePageFactory(parent=news, tags=["sensitive"])) is None


# --- Deterministic per article and day, weighted over many -------------------------------------


def test_pick_is_deterministic_per_article_and_day(news):
    first = AppealFactory(weight=1)
    second = AppealFactory(weight=3)
    pages = [ArticlePageFactory(parent=news) for _ in range(12)]
    today = timezone.localdate()
    picks = [pick(page) for page in pages]
    cache.clear()
    assert [pick(page) for page in pages] == picks
    assert picks == [
        choose_appeal(page.pk, today, [(first.pk, 1), (second.pk, 3)]) for page in pages
    ]


def test_weighted_over_many_articles(site):
    light = AppealFactory(weight=1)
    heavy = AppealFactory(weight=3)
    snapshot = load_snapshot(site)
    now = timezone.now()
    picks = [select_appeal_id(fake_page(pk), [], snapshot, now=now) for pk in range(10_000)]
    assert abs(picks.count(light.pk) / 10_000 - 0.25) <= 0.03
    assert abs(picks.count(heavy.pk) / 10_000 - 0.75) <= 0.03


def test_the_day_is_the_date_in_time_zone(settings, site):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    first = AppealFactory()
    second = AppealFactory()
    snapshot = load_snapshot(site)
    now = datetime.datetime(2024, 11, 5, 12, 0, tzinfo=datetime.UTC)  # 6 Nov there
    candidates = [(first.pk, 1), (second.pk, 1)]
    for pk in range(300):
        assert select_appeal_id(fake_page(pk), [], snapshot, now=now) == choose_appeal(
            pk, datetime.date(2024, 11, 6), candidates
        )


# --- The cache follows editors' changes ----------------------------------------------------------


def test_publishing_a_pinned_appeal_is_seen_at_once(article):
    AppealFactory()
    assert pick(article) is not None  # warm the snapshot
    version = snapshot_version()
    pinned = AppealFactory(pinned_pages=[article])
    assert snapshot_version() != version
    assert pick(article) == pinned.pk


def test_pinning_a_live_appeal_by_publishing_a_new_revision_is_seen(article):
    appeal = AppealFactory()
    other = AppealFactory()
    assert pick(article) in {appeal.pk, other.pk}
    loser = other if pick(article) == appeal.pk else appeal
    loser.pinned_pages.set([article])
    loser.save_revision().publish()
    assert pick(article) == loser.pk


def test_changing_the_default_in_settings_is_seen(site, article):
    # The default stays out of the weighted pick, so with two live appeals the pick is
    # whichever is not the default.
    first = AppealFactory()
    second = AppealFactory()
    set_default(site, first)
    assert pick(article) == second.pk
    set_default(site, second)
    assert pick(article) == first.pk


def test_changing_the_settings_links_is_seen_in_the_rendered_appeal(site, article):
    AppealFactory()
    settings = MembershipSettings.for_site(site)
    settings.cta_url = "/join/"
    settings.save()
    html = appeal_insertions(article, tags=[]).body[0].html
    assert 'href="/join/?appeal=' in html
    settings.cta_url = "/patrons/"
    settings.save()
    html = appeal_insertions(article, tags=[]).body[0].html
    assert 'href="/patrons/?appeal=' in html
    assert "/join/" not in html


def test_deleting_an_appeal_is_seen(site, article):
    appeal = AppealFactory()
    assert pick(article) == appeal.pk
    Appeal.objects.get(pk=appeal.pk).delete()
    assert pick(article) is None
    assert counts_the_view_only(appeal_insertions(article, tags=list(article.tags.all())))


def test_saving_a_draft_of_a_live_appeal_keeps_the_live_version(article):
    appeal = AppealFactory(heading="Live heading")
    html = appeal_insertions(article, tags=[]).body[0].html
    assert "Live heading" in html
    draft = Appeal.objects.get(pk=appeal.pk)
    draft.heading = "Draft heading"
    draft.save_revision()
    html = appeal_insertions(article, tags=[]).body[0].html
    assert "Live heading" in html
    assert "Draft heading" not in html


def test_a_snapshot_read_before_commit_does_not_outlive_the_commit(
    site, article, django_capture_on_commit_callbacks
):
    """A reader that rebuilds the snapshot while the editor's transaction is still open sees
    the old rows; the change must still show once the transaction commits."""
    AppealFactory()
    stale = build_snapshot(site)
    with django_capture_on_commit_callbacks(execute=True):
        pinned = AppealFactory(pinned_pages=[article])
        # A concurrent reader caches what it read before the commit, under the new version.
        cache.set(f"membership:appeals:{site.pk}:{snapshot_version()}", stale, 300)
    assert pick(article) == pinned.pk


def test_page_context_carries_the_appeal(site, article):
    appeal = AppealFactory(heading="Help us keep going")
    request = RequestFactory().get(article.url)
    context = ArticlePage.objects.get(pk=article.pk).get_context(request)
    assert any("Help us keep going" in html for html in context["body_end"])
    assert any("membership/appeal.js" in html for html in context["head_extras"])
    assert f'data-appeal-id="{appeal.pk}"' in context["body_end"][0]


# --- The template tag for other page types -------------------------------------------------------


def render_tags(page, request=None):
    from django.template import Context, Template

    template = Template(
        "{% load membership_tags %}<head>{% patron_appeal_head page %}</head>"
        "<main>{% patron_appeal page %}</main>"
    )
    request = request or RequestFactory().get("/")
    return template.render(Context({"page": page, "request": request}))


def test_patron_appeal_tag_on_another_page_type(site, home):
    AppealFactory(heading="Other pages too", placement=Appeal.Placement.BOTH)
    html = render_tags(home)
    head, main = html.split("</head>")
    assert "membership/appeal.js" in head
    assert main.count("Other pages too") == 1
    assert "patron-appeal--end" in main


def only_the_view_counter(html):
    head, main = html.split("</head>")
    return main == "<main></main>" and head.count("<script") == 1 and 'data-appeal=""' in head


def test_patron_appeal_tag_renders_only_the_view_counter_without_an_appeal(site, home):
    assert only_the_view_counter(render_tags(home))


def test_patron_appeal_tag_falls_back_to_the_inline_html_for_an_inline_appeal(site, home):
    AppealFactory(heading="Inline only", placement=Appeal.Placement.INLINE)
    html = render_tags(home)
    assert html.count("Inline only") == 1


def test_patron_appeal_tag_respects_no_promotions(site, news):
    page = ArticlePageFactory(parent=news, no_promotions=True)
    AppealFactory(pinned_pages=[page])
    assert only_the_view_counter(render_tags(page))
