"""The editor's flows in the Wagtail admin, through Wagtail's test helpers."""

from django.urls import reverse
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
            "read_also_links": inline_formset(
                [
                    {
                        "target": str(t.pk),
                        "external_url": "",
                        "external_title": "",
                        "external_source": "",
                    }
                    for t in read_also
                ]
            ),
            "article_authors": inline_formset([{"author": str(a.pk)} for a in authors]),
            "seo_title": "",
            "search_description": "",
        }
    )


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


def test_tag_autocomplete_suggests_existing_tags(editor_client, news):
    ArticlePageFactory(parent=news, tags=["North Korea"])
    response = editor_client.get(reverse("wagtailadmin_tag_autocomplete"), {"term": "north"})
    assert response.status_code == 200
    assert "North Korea" in response.content.decode()


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

    assert "still a draft" in html
    status = html.split("hidden from readers", 1)[1].split("</ul>", 1)[0]
    assert "Unwritten follow-up" in status
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
