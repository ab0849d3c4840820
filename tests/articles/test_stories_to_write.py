"""Stories to write: the drafts live articles link to, and the dashboard panel that lists them."""

import re
from pathlib import Path

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission

from articles.models import ArticlePage, ReadAlsoLink
from articles.stories_to_write import stories_to_write
from tests.factories import ArticlePageFactory, add_read_also, seed_shaped_body

SEED = Path(settings.BASE_DIR) / "seeds" / "000_6f1df5a3d3c7a09b.txt"
# The dashboard as a superuser, whatever the number of drafts and the articles linking them:
# Wagtail's own panels, the session and the user, plus the three of Stories to write.
DASHBOARD_QUERY_BUDGET = 23


def draft(title, **kwargs):
    return ArticlePageFactory(title=title, live=False, **kwargs)


def listed(result):
    return [(story.page.title, story.linked_by) for story in result.stories]


def test_drafts_linked_by_live_articles_are_listed_with_how_many_link_them(news):
    curated = draft("Curated follow-up")
    inline = draft("Inline follow-up")
    both = draft("Linked both ways")
    unlinked = draft("Nobody links this")
    add_read_also(ArticlePageFactory(title="One"), curated, both)
    ArticlePageFactory(title="Two", body=seed_shaped_body(inline))
    # Linked twice by one article (curated and inline): that article counts once.
    add_read_also(ArticlePageFactory(title="Three", body=seed_shaped_body(both)), both)

    result = stories_to_write()

    assert listed(result) == [
        ("Linked both ways", 2),
        ("Curated follow-up", 1),
        ("Inline follow-up", 1),
    ]
    assert result.total == 3 and result.more == 0
    assert unlinked.pk not in {story.page.pk for story in result.stories}


def test_only_live_articles_count_and_only_never_published_drafts_are_listed(news):
    target = draft("Wanted")
    published = ArticlePageFactory(title="Already written")
    unpublished = ArticlePageFactory(title="Written, then taken down")
    unpublished.unpublish()
    linking_draft = draft("A draft that links", body=seed_shaped_body(target))
    ReadAlsoLink.objects.create(page=linking_draft, target=target, sort_order=0)
    assert listed(stories_to_write()) == []

    add_read_also(ArticlePageFactory(title="Live"), target, published, unpublished)

    assert listed(stories_to_write()) == [("Wanted", 1)]


def test_a_draft_drops_off_the_list_once_it_is_published(news):
    target = draft("Soon written")
    add_read_also(ArticlePageFactory(), target)
    assert listed(stories_to_write()) == [("Soon written", 1)]

    target.standfirst = "Now written."
    target.save_revision().publish()

    assert listed(stories_to_write()) == []


def test_a_draft_drops_off_when_its_last_live_link_is_removed(news):
    target = draft("No longer wanted")
    page = add_read_also(ArticlePageFactory(), target)
    add_read_also(page)  # the editor removes the link and publishes

    assert listed(stories_to_write()) == []


def test_the_list_is_limited_and_says_how_many_more(news):
    targets = [draft(f"Draft {i:02}") for i in range(12)]
    add_read_also(ArticlePageFactory(), *targets)
    add_read_also(ArticlePageFactory(), targets[11])

    result = stories_to_write(limit=10)

    assert [title for title, _ in listed(result)] == ["Draft 11"] + [
        f"Draft {i:02}" for i in range(9)
    ]
    assert result.total == 12 and result.more == 2


def test_the_list_costs_three_queries_whatever_its_size(news, django_assert_num_queries):
    for i in range(15):
        target = draft(f"Draft {i:02}", with_revision=False)
        page = ArticlePageFactory(with_revision=False, body=seed_shaped_body(target))
        ReadAlsoLink.objects.create(page=page, target=target, sort_order=0)
    ArticlePage.objects.get(pk=page.pk)  # content types cached, as in any admin request

    with django_assert_num_queries(3):
        result = stories_to_write()

    assert result.total == 15 and len(result.stories) == 10


def test_the_list_keeps_to_the_pages_given(news):
    mine, other = draft("Mine"), draft("Someone else's")
    add_read_also(ArticlePageFactory(), mine, other)

    result = stories_to_write(among=ArticlePage.objects.filter(pk=mine.pk))

    assert listed(result) == [("Mine", 1)]
    assert result.total == 1


# --- The dashboard panel --------------------------------------------------------------------


def panel(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find(id="stories-to-write-section")


def rows(section):
    return [
        (
            row.find("a").get_text(strip=True),
            row.find("a")["href"],
            row.find_all("td")[1].get_text(" ", strip=True),
        )
        for row in section.select("tbody tr")
    ]


def test_the_dashboard_lists_stories_to_write_with_edit_links(editor_client, news):
    popular, single = draft("Popular follow-up"), draft("Single follow-up")
    add_read_also(ArticlePageFactory(), popular, single)
    ArticlePageFactory(body=seed_shaped_body(popular))

    section = panel(editor_client.get(reverse("wagtailadmin_home")))

    assert "Stories to write" in section.get_text()
    assert rows(section) == [
        ("Popular follow-up", reverse("wagtailadmin_pages:edit", args=[popular.pk]), "2 articles"),
        ("Single follow-up", reverse("wagtailadmin_pages:edit", args=[single.pk]), "1 article"),
    ]
    assert "more" not in section.get_text()


def test_the_dashboard_says_when_nothing_needs_writing(editor_client, news):
    draft("Unlinked draft")
    ArticlePageFactory()

    section = panel(editor_client.get(reverse("wagtailadmin_home")))

    assert rows(section) == []
    assert "Nothing needs writing" in section.get_text()


def test_the_dashboard_shows_ten_and_says_how_many_more(editor_client, news):
    add_read_also(ArticlePageFactory(), *[draft(f"Draft {i:02}") for i in range(13)])

    section = panel(editor_client.get(reverse("wagtailadmin_home")))

    assert len(rows(section)) == 10
    assert "And 3 more drafts that live articles link to." in section.get_text(" ", strip=True)


def admin_user(django_user_model, name, *, page=None, permissions=()):
    """A user who may use the admin, with page permissions on `page` only."""
    user = django_user_model.objects.create_user(name, password="pw")
    group = Group.objects.create(name=f"{name} group")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in permissions:
        GroupPagePermission.objects.create(
            group=group, page=page, permission=Permission.objects.get(codename=codename)
        )
    user.groups.add(group)
    return user


def test_only_users_who_may_edit_pages_see_the_panel(client, news, django_user_model):
    add_read_also(ArticlePageFactory(), draft("Wanted"))

    client.force_login(admin_user(django_user_model, "viewer"))
    assert panel(client.get(reverse("wagtailadmin_home"))) is None

    client.force_login(
        admin_user(django_user_model, "writer", page=news, permissions=["change_page"])
    )
    assert [title for title, _, _ in rows(panel(client.get(reverse("wagtailadmin_home"))))] == [
        "Wanted"
    ]


def build_links(count):
    """`count` live articles, each linking its own draft, curated and inline."""
    for i in range(count):
        target = draft(f"Draft {i:03}", with_revision=False)
        page = ArticlePageFactory(with_revision=False, body=seed_shaped_body(target))
        ReadAlsoLink.objects.create(page=page, target=target, sort_order=0)


def dashboard_queries(client):
    url = reverse("wagtailadmin_home")
    client.get(url)  # warm: content types, site, user profile
    with CaptureQueriesContext(connection) as queries:
        section = panel(client.get(url))
    return len(queries), section


def test_the_dashboard_query_count_does_not_grow_with_stories(
    editor_client, news, django_assert_max_num_queries
):
    build_links(1)
    small, section = dashboard_queries(editor_client)
    assert len(rows(section)) == 1

    build_links(49)
    with django_assert_max_num_queries(DASHBOARD_QUERY_BUDGET):
        section = panel(editor_client.get(reverse("wagtailadmin_home")))
    large, _ = dashboard_queries(editor_client)

    assert len(rows(section)) == 10
    assert "And 40 more" in section.get_text(" ", strip=True)
    assert small == large <= DASHBOARD_QUERY_BUDGET


def test_the_seed_story_stubs_are_stories_to_write(editor_client, home):
    call_command("import_seed", str(SEED), verbosity=0)
    story = ArticlePage.objects.live().get()
    stubs = [link.target for link in story.read_also_links.select_related("target")]
    assert len(stubs) == 7

    section = panel(editor_client.get(reverse("wagtailadmin_home")))

    listed_rows = rows(section)
    assert sorted(title for title, _, _ in listed_rows) == sorted(stub.title for stub in stubs)
    # The one live story links each stub, once even where it also links it inline.
    assert {count for _, _, count in listed_rows} == {"1 article"}
    for stub in stubs:
        assert (stub.title, reverse("wagtailadmin_pages:edit", args=[stub.pk])) in {
            (title, href) for title, href, _ in listed_rows
        }
    assert not re.search(r"\bmore\b", section.get_text())
