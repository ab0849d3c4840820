"""Articles behind a view restriction (login, password, groups) never leak through Read also."""

import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import rich_text

from articles.models import ArticlePage
from articles.panels import ReadAlsoStatusPanel
from tests.articles.test_admin import article_form
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, add_read_also

pytestmark = pytest.mark.django_db


def restrict(page, kind=PageViewRestriction.LOGIN):
    if kind == PageViewRestriction.PASSWORD:
        return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="x")
    return PageViewRestriction.objects.create(page=page, restriction_type=kind)


def with_inline_read_also(news, *targets, title="Main story"):
    body = [{"type": "paragraph", "value": "<p>Text.</p>"}]
    body += [{"type": "read_also", "value": {"article": t.pk}} for t in targets]
    return ArticlePageFactory(parent=news, title=title, body=json.dumps(body))


@pytest.mark.parametrize("kind", [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD])
def test_the_inline_read_also_block_leaves_out_a_private_article(client, news, kind):
    private = ArticlePageFactory(parent=news, title="Members only", slug="members-only")
    public = ArticlePageFactory(parent=news, title="Open to all")
    restrict(private, kind)
    page = with_inline_read_also(news, private, public)

    response = client.get(page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Members only" not in html
    assert "members-only" not in html
    assert "Open to all" in html
    assert "public" in response["Cache-Control"]


def test_a_private_ancestor_hides_the_inline_target_too(client, home):
    news = ArticleIndexPageFactory(parent=home)
    members = ArticleIndexPageFactory(parent=home, title="Members", slug="members")
    restrict(members)
    private = ArticlePageFactory(parent=members, title="Behind the section")
    page = with_inline_read_also(news, private)

    assert "Behind the section" not in client.get(page.url).content.decode()


def test_the_inline_block_costs_no_extra_query_for_privacy(client, news):
    targets = [ArticlePageFactory(parent=news, title=f"Target {i}") for i in range(4)]
    restrict(targets[0])
    one = with_inline_read_also(news, targets[1], title="One")
    many = with_inline_read_also(news, *targets, title="Many")
    counts = []
    for page in (one, many):
        client.get(page.url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page.url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_preview_marks_a_private_inline_target_and_a_private_curated_link(editor_client, news):
    private = ArticlePageFactory(parent=news, title="Members only")
    restrict(private)
    page = with_inline_read_also(news, private)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = article_form(
        page.title,
        body=[
            ("paragraph", rich_text("<p>Text.</p>")),
            ("read_also", {"article": str(private.pk)}),
        ],
        read_also=[private],
    )
    data["slug"] = page.slug
    assert editor_client.post(preview_url, data).json()["is_valid"]

    preview = editor_client.get(preview_url).content.decode()

    assert preview.count("Members only") == 2
    assert preview.count("private: hidden from readers") == 2
    assert "draft: hidden from readers" not in preview
    assert f'href="{private.url}"' not in preview


def test_a_saved_revision_preview_also_marks_the_private_inline_target(editor_client, news):
    private = ArticlePageFactory(parent=news, title="Members only")
    restrict(private)
    page = with_inline_read_also(news, private)
    url = reverse("wagtailadmin_pages:revisions_view", args=[page.pk, page.latest_revision_id])

    html = editor_client.get(url).content.decode()

    assert "Members only" in html
    assert "private: hidden from readers" in html


# The editor's status panel


def hidden_in_status_panel(instance):
    """(page id, reason) of each target the editor's status panel says readers can't see."""
    panel = ReadAlsoStatusPanel().bind_to_model(ArticlePage)
    bound = panel.get_bound_panel(instance=instance, request=RequestFactory().get("/"))
    return [(item.page.pk, item.hidden_reason) for item in bound.get_context_data()["hidden_items"]]


@pytest.fixture
def curated(news):
    draft = ArticlePageFactory(parent=news, title="Unwritten follow-up", live=False)
    private = ArticlePageFactory(parent=news, title="Members only")
    restrict(private)
    live = [ArticlePageFactory(parent=news, title=f"Published {i}") for i in range(4)]
    page = add_read_also(ArticlePageFactory(parent=news), draft, private, *live)
    return page, draft, private


def test_the_status_panel_lists_drafts_and_private_targets(curated):
    page, draft, private = curated
    assert hidden_in_status_panel(ArticlePage.objects.get(pk=page.pk)) == [
        (draft.pk, "draft"),
        (private.pk, "private"),
    ]


def test_the_status_panel_costs_one_query_whatever_the_number_of_links(
    curated, django_assert_num_queries
):
    page = ArticlePage.objects.get(pk=curated[0].pk)
    with django_assert_num_queries(1):
        assert len(hidden_in_status_panel(page)) == 2
    revision = page.get_latest_revision_as_object()  # the edit view works on this
    with django_assert_num_queries(1):
        assert len(hidden_in_status_panel(revision)) == 2


def test_the_editor_shows_private_read_also_targets(editor_client, curated):
    page, _draft, _private = curated
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    status = html.split("hidden from readers", 1)[1].split("</ul>", 1)[0]
    assert "Unwritten follow-up" in status
    assert "Members only" in status
    assert "Published 0" not in status
