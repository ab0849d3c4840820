"""The editor's flows in the Wagtail admin, through Wagtail's test helpers."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.models import ArticlePage, Author
from tests.factories import ArticlePageFactory, AuthorFactory, add_read_also


def article_form(title, *, standfirst="Standfirst.", body=(), tags="", read_also=(), authors=()):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "standfirst": standfirst,
            "source_label": "",
            "lead_image_alt": "",
            "lead_image_caption": "",
            "lead_image_credit": "",
            "body": streamfield(list(body)),
            "tags": tags,
            "read_also_links": inline_formset([read_also_row(row) for row in read_also]),
            "article_authors": inline_formset([{"author": str(a.pk)} for a in authors]),
            "seo_title": "",
            "search_description": "",
        }
    )


def read_also_row(row):
    """A Read also form row: an article, or a dict of the row's fields."""
    fields = {"target": "", "external_url": "", "external_title": "", "external_source": ""}
    if isinstance(row, dict):
        fields.update(row)
    else:
        fields["target"] = str(row.pk)
    return fields


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["articles", "articlepage", parent.pk])


def test_editor_creates_and_publishes_an_article(editor_client, news):
    target = ArticlePageFactory(parent=news, title="Earlier story")
    author = AuthorFactory(name="Olena Reporter")
    data = article_form(
        "Brand new story",
        body=[
            ("paragraph", rich_text("<p>First paragraph.</p>")),
            ("heading", "A heading"),
            ("quote", {"text": "Words.", "attribution": "Someone"}),
            ("read_also", {"article": str(target.pk)}),
        ],
        tags='"North Korea", Russia',
        read_also=[target],
        authors=[author],
    )
    data["slug"] = "brand-new-story"
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(news), data)

    assert response.status_code == 302, response.context["form"].errors
    page = ArticlePage.objects.get(slug="brand-new-story")
    assert page.live
    assert sorted(t.name for t in page.tags.all()) == ["North Korea", "Russia"]
    assert [link.target for link in page.read_also_links.all()] == [target]
    assert [a.author for a in page.article_authors.all()] == [author]
    assert [block.block_type for block in page.body] == [
        "paragraph",
        "heading",
        "quote",
        "read_also",
    ]

    html = editor_client.get(page.url).content.decode()
    assert "Brand new story" in html
    assert "/tags/north-korea/" in html
    assert "Earlier story" in html
    assert "Olena Reporter" in html


def test_read_also_rows_are_added_as_inline_rows_not_only_through_the_chooser(editor_client, news):
    html = editor_client.get(add_url(news)).content.decode()
    # An InlinePanel: its button adds an empty row with the article chooser and the
    # external URL, headline and source fields.
    assert 'id="id_read_also_links-ADD"' in html
    assert "id_read_also_links-OPEN_MODAL" not in html
    template = html.split('id="id_read_also_links-EMPTY_FORM_TEMPLATE"', 1)[1].split(
        "</template>", 1
    )[0]
    for field in ("target", "external_url", "external_title", "external_source"):
        assert f'name="read_also_links-__prefix__-{field}"' in template


def test_editor_publishes_an_external_and_an_article_read_also_link(editor_client, client, news):
    target = ArticlePageFactory(parent=news, title="Our earlier story")
    external = {
        "external_url": "https://www.bloomberg.com/news/eu-sanctions",
        "external_title": "EU leaders to call for new sanctions",
        "external_source": "Bloomberg",
    }
    data = article_form(
        "Story with links",
        body=[("paragraph", rich_text("<p>Text.</p>"))],
        read_also=[external, target],
    )
    data["slug"] = "story-with-links"
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(news), data)

    assert response.status_code == 302, response.context["form"].errors
    page = ArticlePage.objects.get(slug="story-with-links")
    assert page.live
    links = list(page.read_also_links.order_by("sort_order"))
    assert [(link.target_id, link.external_url) for link in links] == [
        (None, external["external_url"]),
        (target.pk, ""),
    ]
    assert (links[0].external_title, links[0].external_source) == (
        external["external_title"],
        external["external_source"],
    )
    html = client.get(page.url).content.decode()
    assert f'href="{external["external_url"]}"' in html
    assert "Bloomberg:" in html
    assert html.index("EU leaders to call") < html.index("Our earlier story")


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("both", id="article-and-url"),
        pytest.param({}, id="neither"),
        pytest.param({"external_url": "https://example.com/x"}, id="url-without-headline"),
        pytest.param({"external_url": "not a url", "external_title": "Headline"}, id="invalid-url"),
    ],
)
def test_a_read_also_row_needs_exactly_one_article_or_url(editor_client, news, row):
    target = ArticlePageFactory(parent=news, title="Our earlier story")
    if row == "both":
        row = {
            "target": str(target.pk),
            "external_url": "https://example.com/x",
            "external_title": "Elsewhere",
        }
    data = article_form(
        "Story with a bad link",
        body=[("paragraph", rich_text("<p>Text.</p>"))],
        read_also=[target, row],
    )
    data["slug"] = "story-with-a-bad-link"
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(news), data)

    assert response.status_code == 200
    formset = response.context["form"].formsets["read_also_links"]
    assert not formset.forms[0].errors
    errors = formset.forms[1].errors
    assert errors
    html = response.content.decode()
    for messages in errors.values():
        for message in messages:
            assert escape(message) in html  # shown on the row
    assert not ArticlePage.objects.filter(slug="story-with-a-bad-link").exists()


def test_a_stub_cannot_be_published_until_it_has_a_standfirst_and_a_body(editor_client, news):
    stub = ArticlePage(title="Only a headline", live=False)
    news.add_child(instance=stub)
    stub.save_revision(clean=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=[stub.pk])

    data = article_form("Only a headline", standfirst="", body=[])
    data["slug"] = stub.slug
    data["action-publish"] = "action-publish"
    response = editor_client.post(edit_url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "standfirst" in errors
    assert "body" in errors
    assert not ArticlePage.objects.get(pk=stub.pk).live

    data = article_form(
        "Only a headline",
        standfirst="Now with a standfirst.",
        body=[("paragraph", rich_text("<p>And a body.</p>"))],
    )
    data["slug"] = stub.slug
    data["action-publish"] = "action-publish"
    response = editor_client.post(edit_url, data)

    assert response.status_code == 302
    assert ArticlePage.objects.get(pk=stub.pk).live


def test_a_draft_can_be_saved_without_publishing(editor_client, news):
    data = article_form("Draft story", body=[("paragraph", rich_text("<p>Text.</p>"))])
    data["slug"] = "draft-story"
    response = editor_client.post(add_url(news), data)
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="draft-story")
    assert not page.live
    assert editor_client.logout() is None
    assert editor_client.get("/news/draft-story/").status_code == 404


def test_an_article_can_be_scheduled(editor_client, news):
    data = article_form("Later story", body=[("paragraph", rich_text("<p>Text.</p>"))])
    data["slug"] = "later-story"
    data["go_live_at"] = "2099-01-01 09:00"
    data["action-publish"] = "action-publish"
    response = editor_client.post(add_url(news), data)
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="later-story")
    assert not page.live
    assert page.scheduled_revision is not None
    assert page.scheduled_revision.approved_go_live_at.year == 2099


def test_the_editor_shows_which_read_also_targets_are_drafts(editor_client, news):
    draft = ArticlePageFactory(parent=news, title="Unwritten follow-up", live=False)
    live = ArticlePageFactory(parent=news, title="Published background")
    page = add_read_also(ArticlePageFactory(parent=news), draft, live)

    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()

    status = html.split("hidden from readers", 1)[1].split("</ul>", 1)[0]
    assert "Unwritten follow-up" in status
    assert "(draft: hidden from readers)" in status
    assert "Published background" not in status


def test_preview_marks_draft_targets_and_the_live_page_leaves_them_out(editor_client, client, news):
    draft = ArticlePageFactory(parent=news, title="Unwritten follow-up", live=False)
    page = add_read_also(ArticlePageFactory(parent=news), draft)

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = article_form(
        page.title,
        body=[
            ("paragraph", rich_text("<p>Text.</p>")),
            ("read_also", {"article": str(draft.pk)}),
        ],
        read_also=[draft],
    )
    data["slug"] = page.slug
    assert editor_client.post(preview_url, data).json()["is_valid"]
    preview = editor_client.get(preview_url).content.decode()
    assert "Unwritten follow-up" in preview
    assert "hidden from readers" in preview

    public = client.get(page.url).content.decode()
    assert "Unwritten follow-up" not in public
    assert "hidden from readers" not in public


def test_preview_shows_unsaved_read_also_links(editor_client, news):
    page = ArticlePageFactory(parent=news)
    other = ArticlePageFactory(parent=news, title="Chosen only in the editor")
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = article_form(
        page.title, body=[("paragraph", rich_text("<p>Text.</p>"))], read_also=[other]
    )
    data["slug"] = page.slug
    assert editor_client.post(preview_url, data).json()["is_valid"]
    assert "Chosen only in the editor" in editor_client.get(preview_url).content.decode()
    assert not ArticlePage.objects.get(pk=page.pk).read_also_links.exists()


def test_an_old_url_redirects_after_a_slug_change(client, news, django_capture_on_commit_callbacks):
    page = ArticlePageFactory(parent=news, slug="old-slug")
    old_url = page.url
    page.slug = "new-slug"
    # Wagtail creates the redirect once the slug change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    response = client.get(old_url)

    assert response.status_code in (301, 302)
    assert response["Location"].endswith("/news/new-slug/")


def test_author_snippet_is_managed_in_the_admin(editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_articles_author:add"), {"name": "New Writer", "bio": "Bio."}
    )
    assert response.status_code == 302
    assert Author.objects.filter(name="New Writer").exists()


def test_home_page_top_story_is_chosen_in_the_admin(editor_client, home, news):
    story = ArticlePageFactory(parent=news, title="Chosen lead")
    ArticlePageFactory(parent=news, title="Newer story")
    edit_url = reverse("wagtailadmin_pages:edit", args=[home.pk])
    data = nested_form_data(
        {
            "title": "Home",
            "slug": "home",
            "top_story": str(story.pk),
            "seo_title": "",
            "search_description": "",
        }
    )
    data["action-publish"] = "action-publish"
    assert editor_client.post(edit_url, data).status_code == 302
    assert Page.objects.get(pk=home.pk).specific.top_story == story


def test_a_restricted_article_is_never_marked_public(client, news, django_user_model):
    page = ArticlePageFactory(parent=news, title="Members only")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(page.url).status_code == 302  # anonymous readers go to the login page

    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    response = client.get(page.url)

    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_a_public_article_is_cacheable_by_shared_caches(client, news):
    response = client.get(ArticlePageFactory(parent=news).url)
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
