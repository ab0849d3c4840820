"""The appeal in articles, through the articles insert_into_article hook."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from articles.models import ArticlePage
from membership.models import Appeal, MembershipSettings
from membership.placement import appeal_insertions
from tests.factories import ArticlePageFactory, paragraph_body, seed_shaped_body
from tests.membership.factories import AppealFactory

P, RA = "paragraph", "read_also"


pytestmark_db = pytest.mark.django_db


def context_for(page):
    page = ArticlePage.objects.get(pk=page.pk)
    return page.get_context(RequestFactory().get(page.url))


def context_layout(context):
    out = []
    for item in context["body_items"]:
        if item.html:
            out.append("INLINE" if "patron-appeal--inline" in item.html else "?")
        else:
            out.append(item.block.block_type)
    return out


@pytestmark_db
def test_inline_appeal_in_the_seed_shaped_body(news):
    target = ArticlePageFactory(parent=news)
    page = ArticlePageFactory(parent=news, body=seed_shaped_body(target))
    AppealFactory(placement=Appeal.Placement.INLINE, inline_after_paragraph=1)
    context = context_for(page)
    assert context_layout(context) == [P, RA, P, "INLINE", P]
    assert context["body_end"] == []


@pytestmark_db
def test_both_in_the_seed_shaped_body_past_the_last_gap_renders_once(news):
    target = ArticlePageFactory(parent=news)
    page = ArticlePageFactory(parent=news, body=seed_shaped_body(target))
    AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=3)
    context = context_for(page)
    assert context_layout(context) == [P, RA, P, P]
    assert len(context["body_end"]) == 1
    assert "patron-appeal--end" in context["body_end"][0]


@pytestmark_db
def test_both_with_a_slot_shows_twice(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("One.", "Two.", "Three."))
    AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    context = context_for(page)
    assert context_layout(context) == [P, "INLINE", P, P]
    assert len(context["body_end"]) == 1


@pytestmark_db
def test_end_placement_is_never_inline(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("One.", "Two.", "Three."))
    appeal = AppealFactory(placement=Appeal.Placement.END)
    # A paragraph left over on an end-only appeal (the form refuses one; older data may have it).
    Appeal.objects.filter(pk=appeal.pk).update(inline_after_paragraph=1)
    context = context_for(page)
    assert context_layout(context) == [P, P, P]
    assert len(context["body_end"]) == 1


@pytestmark_db
def test_paragraph_number_comes_from_the_appeal_else_the_settings(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("1", "2", "3", "4", "5"))
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_inline_paragraph = 2
    settings.save()
    appeal = AppealFactory(placement=Appeal.Placement.INLINE, inline_after_paragraph=None)
    extras = appeal_insertions(page, request=None, tags=[], preview=False)
    assert [insertion.after_paragraph for insertion in extras.body] == [2]
    assert context_layout(context_for(page)) == [P, P, "INLINE", P, P, P]

    settings.default_inline_paragraph = 4
    settings.save()
    assert context_layout(context_for(page)) == [P, P, P, P, "INLINE", P]

    appeal.inline_after_paragraph = 1
    appeal.save_revision().publish()
    assert context_layout(context_for(page)) == [P, "INLINE", P, P, P, P]


# --- Query count ---------------------------------------------------------------------------------


def warm_count(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytestmark_db
def test_an_appeal_costs_no_queries_on_a_warm_cache(news, client, django_assert_max_num_queries):
    page = ArticlePageFactory(parent=news, tags=["Russia"], body=paragraph_body("A", "B", "C"))
    without_count, _html = warm_count(client, page.url)
    AppealFactory(heading="Join us", placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    assert appeal_insertions(page, request=None, tags=[], preview=False) is not None
    with_count, _html = warm_count(client, page.url)
    assert with_count == without_count
    with django_assert_max_num_queries(without_count):
        response = client.get(page.url)
    assert response.status_code == 200
    assert len(context_for(page)["body_end"]) == 1


@pytestmark_db
def test_an_appeal_costs_the_same_whichever_rule_picks_it(news, client):
    pinned_page = ArticlePageFactory(parent=news, tags=["Russia"])
    default_page = ArticlePageFactory(parent=news, tags=["Ukraine"])
    none_page = ArticlePageFactory(parent=news, tags=["Ukraine"], no_promotions=True)
    AppealFactory(pinned_pages=[pinned_page])
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = AppealFactory()
    settings.save()
    counts = {warm_count(client, page.url)[0] for page in (pinned_page, default_page, none_page)}
    assert len(counts) == 1


# --- Cacheable HTML and previews -----------------------------------------------------------------


@pytestmark_db
def test_article_html_with_an_appeal_is_the_same_for_every_anonymous_reader(news):
    from django.test import Client

    from membership.assets import script_hash

    page = ArticlePageFactory(parent=news, body=paragraph_body("A", "B", "C"))
    AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    first = Client(REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT="One/1.0").get(page.url)
    patron = Client(REMOTE_ADDR="192.0.2.2", HTTP_USER_AGENT="Two/2.0")
    patron.cookies["membership_patron"] = "1"
    second = patron.get(page.url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    for response in (first, second):
        assert "Cookie" not in response.headers.get("Vary", "")
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()
    # The appeal's script is allowed by its hash, not by a per-request nonce.
    assert f"'{script_hash()}'" in first.headers["Content-Security-Policy"]
    assert "nonce-" not in first.headers["Content-Security-Policy"]


@pytestmark_db
@pytest.mark.parametrize("why", ["no_promotions", "no_matching_appeal"])
def test_an_article_without_an_appeal_still_counts_the_view(news, why):
    from django.test import Client
    from taggit.models import Tag

    from membership.assets import script_hash

    if why == "no_promotions":
        # A live appeal for every article, switched off on this one.
        AppealFactory(heading="Only for sport")
        page = ArticlePageFactory(
            parent=news, no_promotions=True, body=paragraph_body("A", "B", "C")
        )
    else:
        # A live appeal that targets other articles, and no default.
        sport = Tag.objects.create(name="Sport", slug="sport")
        AppealFactory(heading="Only for sport", include_tags=[sport])
        page = ArticlePageFactory(
            parent=news, tags=["Politics"], body=paragraph_body("A", "B", "C")
        )
    first = Client(REMOTE_ADDR="192.0.2.1").get(page.url)
    patron = Client(REMOTE_ADDR="192.0.2.2")
    patron.cookies["membership_patron"] = "1"
    second = patron.get(page.url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    html = first.content.decode()
    # The head script, with no appeal: it counts the view toward the caps, and stops.
    assert html.count("membership/appeal.js") == 1
    assert f'integrity="{script_hash()}" data-appeal=""></script>' in html
    assert "data-frequency" not in html
    assert "patron-appeal" not in html
    assert "Only for sport" not in html
    assert "membership/appeal.css" not in html
    assert f"'{script_hash()}'" in first.headers["Content-Security-Policy"]
    context = context_for(page)
    assert context["body_end"] == []
    assert context_layout(context) == [P, P, P]


@pytestmark_db
def test_preview_of_an_article_shows_the_appeal_without_the_beacon(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("A", "B", "C"))
    AppealFactory(heading="Preview me", placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    request = RequestFactory().get(page.url)
    request.is_preview = True
    context = ArticlePage.objects.get(pk=page.pk).get_context(request)
    html = "".join(item.html for item in context["body_items"]) + "".join(context["body_end"])
    assert html.count("Preview me") == 2
    assert "data-beacon" not in html
    # The head script is told it is a preview: it applies no caps and counts nothing.
    assert 'data-preview="1"' in "".join(context["head_extras"])
    # ...while readers' HTML keeps the beacon, and the caps.
    context = context_for(page)
    assert "data-beacon" in context["body_end"][0]
    assert "data-preview" not in "".join(context["head_extras"])


@pytestmark_db
def test_preview_of_an_unsaved_article_does_not_fail(news):
    AppealFactory(heading="Preview me")
    page = ArticlePage(title="Not saved yet", body=paragraph_body("A", "B"))
    request = RequestFactory().get("/")
    request.is_preview = True
    extras = appeal_insertions(page, request=request, tags=[], preview=True)
    assert extras is not None
    assert "Preview me" in extras.body[0].html
    assert "data-beacon" not in extras.body[0].html
