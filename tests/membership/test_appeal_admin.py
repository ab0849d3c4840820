"""Editors and the Appeal snippet: drafts, publishing, scheduling, locking and preview."""

import datetime
import re
from html import unescape
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Revision, Site
from wagtail.test.utils.form_data import nested_form_data, rich_text

from membership.models import Appeal
from membership.placement import appeal_insertions
from tests.factories import ArticlePageFactory, paragraph_body
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_membership_appeal:add"
EDIT = "wagtailsnippets_membership_appeal:edit"
PREVIEW_ADD = "wagtailsnippets_membership_appeal:preview_on_add"
PREVIEW_EDIT = "wagtailsnippets_membership_appeal:preview_on_edit"
LOCK = "wagtailsnippets_membership_appeal:lock"


def admin_datetime(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def appeal_form(**overrides):
    data = {
        "name": "Winter appeal",
        "heading": "Winter is coming: keep us reporting",
        "body": rich_text("<p>Readers fund <b>every</b> story.</p>"),
        "cta_label": "Become a patron",
        "cta_page": "",
        "cta_url": "",
        "secondary_label": "see other ways to support",
        "secondary_url": "",
        "placement": "end",
        "inline_after_paragraph": "",
        "weight": "1",
        "frequency": "always",
        "frequency_views": "",
        "hide_for_patrons": "on",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    # Multiple selects post a list under one name; nested_form_data would number them.
    lists = {key: value for key, value in data.items() if isinstance(value, list)}
    form = nested_form_data({key: value for key, value in data.items() if key not in lists})
    form.update(lists)
    return form


def shown_heading(page):
    extras = appeal_insertions(page, tags=list(page.tags.all()))
    if not extras.body:
        return None
    return extras.body[-1].html


@pytest.fixture
def article(news):
    return ArticlePageFactory(
        parent=news, title="Sample story", body=paragraph_body("One.", "Two.", "Three.")
    )


# --- Create, draft, publish --------------------------------------------------------------------


def test_the_add_form_renders(admin_client):
    response = admin_client.get(reverse(ADD))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("heading", "body", "cta_label", "placement", "include_tags", "go_live_at"):
        assert f'name="{field}"' in html


def test_saving_a_draft_does_not_show_it(admin_client, article):
    response = admin_client.post(reverse(ADD), appeal_form())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert not appeal.live
    assert appeal.latest_revision is not None
    assert appeal.has_unpublished_changes
    assert "<b>every</b>" in appeal.body
    assert shown_heading(article) is None


def test_publishing_shows_it(admin_client, article):
    response = admin_client.post(reverse(ADD), appeal_form(**{"action-publish": "publish"}))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.live
    assert appeal.live_revision is not None
    assert "Winter is coming" in shown_heading(article)


def test_publishing_a_draft_later_from_the_edit_view(admin_client, article):
    admin_client.post(reverse(ADD), appeal_form())
    appeal = Appeal.objects.get()
    response = admin_client.post(
        reverse(EDIT, args=[appeal.pk]), appeal_form(**{"action-publish": "publish"})
    )
    assert response.status_code == 302
    assert Appeal.objects.get().live
    assert "Winter is coming" in shown_heading(article)


def test_a_draft_of_a_live_appeal_leaves_readers_on_the_live_version(admin_client, article):
    admin_client.post(reverse(ADD), appeal_form(**{"action-publish": "publish"}))
    appeal = Appeal.objects.get()
    response = admin_client.post(
        reverse(EDIT, args=[appeal.pk]), appeal_form(heading="A rewrite in progress")
    )
    assert response.status_code == 302
    assert Appeal.objects.get().has_unpublished_changes
    html = shown_heading(article)
    assert "Winter is coming" in html
    assert "A rewrite in progress" not in html
    admin_client.post(
        reverse(EDIT, args=[appeal.pk]),
        appeal_form(heading="A rewrite in progress", **{"action-publish": "publish"}),
    )
    assert "A rewrite in progress" in shown_heading(article)


def test_targeting_and_pinning_through_the_form(admin_client, news, article):
    russia = Tag.objects.create(name="Russia")
    other = ArticlePageFactory(parent=news, tags=["Ukraine"])
    admin_client.post(
        reverse(ADD),
        appeal_form(
            name="Pinned",
            heading="Pinned heading",
            pinned_pages=[str(article.pk)],
            include_tags="russia",  # typed in the tag widget, in any case
            **{"action-publish": "publish"},
        ),
    )
    appeal = Appeal.objects.get()
    assert list(appeal.pinned_pages.all()) == [article.page_ptr]
    assert list(appeal.include_tags.all()) == [russia]
    assert "Pinned heading" in shown_heading(article)  # pinned, though not tagged Russia
    assert shown_heading(other) is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"heading": ""}, "heading"),
        ({"name": ""}, "name"),
        ({"weight": "0"}, "weight"),
        ({"weight": "-3"}, "weight"),
        ({"weight": "abc"}, "weight"),
        ({"inline_after_paragraph": "0"}, "inline_after_paragraph"),
        ({"inline_after_paragraph": "101"}, "inline_after_paragraph"),
        ({"placement": "sidebar"}, "placement"),
        ({"cta_url": "javascript:alert(1)"}, "cta_url"),
        ({"secondary_url": "not a url"}, "secondary_url"),
        ({"frequency": "hourly"}, "frequency"),
        ({"include_tags": "No such tag"}, "include_tags"),
        ({"exclude_tags": "Russia, No such tag"}, "exclude_tags"),
    ],
)
def test_bad_input_is_refused_with_a_message(admin_client, overrides, field):
    response = admin_client.post(
        reverse(ADD), appeal_form(**overrides, **{"action-publish": "publish"})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # K applies only to "at most once every K article views", and is needed there.
        ({"frequency": "always", "frequency_views": "3"}, "frequency_views"),
        ({"frequency": "daily", "frequency_views": "3"}, "frequency_views"),
        ({"frequency": "every_k_views", "frequency_views": ""}, "frequency_views"),
        # The paragraph applies only to inline placements.
        ({"placement": "end", "inline_after_paragraph": "2"}, "inline_after_paragraph"),
    ],
)
def test_a_field_that_does_not_apply_is_refused(admin_client, overrides, field):
    """Without JavaScript every field shows; the form refuses one filled where it does not
    apply, or left empty where it does."""
    response = admin_client.post(reverse(ADD), appeal_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"frequency": "every_k_views", "frequency_views": "5"}, {"frequency_views": 5}),
        ({"frequency": "daily"}, {"frequency_views": None}),
        ({"placement": "inline", "inline_after_paragraph": "2"}, {"inline_after_paragraph": 2}),
        ({"placement": "both", "inline_after_paragraph": ""}, {"inline_after_paragraph": None}),
    ],
)
def test_a_field_that_applies_is_saved(admin_client, overrides, expected):
    response = admin_client.post(reverse(ADD), appeal_form(**overrides))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    for name, value in expected.items():
        assert getattr(appeal, name) == value


def test_fields_that_apply_to_one_choice_are_shown_and_posted_only_for_it(admin_client):
    """Wagtail's w-rules controller hides the panel and disables the input (so a browser
    does not post it) unless the choice it depends on is made."""
    html = admin_client.get(reverse(ADD)).content.decode()
    rules = re.findall(r'data-w-rules-target="(show|enable)" data-w-rules="([^"]+)"', html)
    decoded = {(target, unescape(rule)) for target, rule in rules}
    for target in ("show", "enable"):
        assert (target, '{"frequency": ["every_k_views"]}') in decoded
        assert (target, '{"placement": ["inline", "both"]}') in decoded
    assert html.count('data-controller="w-rules"') == 2


def test_tags_are_typed_and_shown_in_the_tag_widget(admin_client):
    Tag.objects.create(name="Russia")
    Tag.objects.create(name="Climate crisis")
    response = admin_client.post(
        reverse(ADD), appeal_form(include_tags='"climate crisis"', exclude_tags="Russia")
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert [tag.name for tag in appeal.include_tags.all()] == ["Climate crisis"]
    assert [tag.name for tag in appeal.exclude_tags.all()] == ["Russia"]
    html = admin_client.get(reverse(EDIT, args=[appeal.pk])).content.decode()
    # One text input per field, filled with the tag names, with the admin's autocomplete.
    assert re.search(r'<input[^>]*name="include_tags"[^>]*value="&quot;Climate crisis&quot;"', html)
    assert re.search(r'<input[^>]*name="exclude_tags"[^>]*value="Russia"', html)
    assert reverse("wagtailadmin_tag_autocomplete") in html
    assert "<select" not in re.search(r'name="include_tags".{0,200}', html, re.S).group(0)


def test_only_articles_can_be_pinned(admin_client, home, article):
    response = admin_client.post(reverse(ADD), appeal_form(pinned_pages=[str(home.pk)]))
    assert response.status_code == 200
    assert "pinned_pages" in response.context["form"].errors
    response = admin_client.post(reverse(ADD), appeal_form(pinned_pages=[str(article.pk)]))
    assert response.status_code == 302
    assert list(Appeal.objects.get().pinned_pages.all()) == [article.page_ptr]


def test_the_edit_form_keeps_the_pins(admin_client, article):
    appeal = AppealFactory(pinned_pages=[article])
    html = admin_client.get(reverse(EDIT, args=[appeal.pk])).content.decode()
    assert re.search(
        rf'<input[^>]*name="pinned_pages"[^>]*value="{article.pk}"', html
    ) or re.search(rf'<input[^>]*value="{article.pk}"[^>]*name="pinned_pages"', html)
    assert "Sample story" in html  # the chosen article's title in its chooser


def test_the_pin_choosers_offer_articles_only(admin_client, article):
    html = admin_client.get(reverse(ADD)).content.decode()
    assert 'name="pinned_pages"' in html
    assert "<select" not in re.search(r'name="pinned_pages".{0,100}', html, re.S).group(0)
    assert "articles.articlepage" in html  # the chooser's target type
    # No multi-select listing every page of the tree.
    assert "Sample story</option>" not in html


def test_a_page_and_a_url_for_the_call_to_action_is_refused(admin_client, article):
    response = admin_client.post(
        reverse(ADD),
        appeal_form(cta_page=str(article.pk), cta_url="https://example.com/join"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Appeal.objects.exists()


def test_expiry_in_the_past_is_refused(admin_client):
    past = timezone.now() - datetime.timedelta(hours=1)
    response = admin_client.post(
        reverse(ADD), appeal_form(expire_at=admin_datetime(past), **{"action-publish": "1"})
    )
    assert response.status_code == 200
    assert "expire_at" in response.context["form"].errors
    assert not Appeal.objects.exists()


# --- Scheduling --------------------------------------------------------------------------------


def test_scheduling_keeps_it_off_until_go_live(admin_client, article):
    future = timezone.now() + datetime.timedelta(days=2)
    response = admin_client.post(
        reverse(ADD),
        appeal_form(go_live_at=admin_datetime(future), **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert not appeal.live
    revision = Revision.objects.for_instance(appeal).get()
    assert revision.approved_go_live_at is not None
    assert shown_heading(article) is None

    # Time passes and the cron job runs publish_scheduled.
    later = future + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
        assert Appeal.objects.get().live
        assert "Winter is coming" in shown_heading(article)


def test_expiry_takes_it_off_even_before_publish_scheduled_runs(admin_client, article):
    soon = timezone.now() + datetime.timedelta(minutes=30)
    admin_client.post(
        reverse(ADD), appeal_form(expire_at=admin_datetime(soon), **{"action-publish": "publish"})
    )
    appeal = Appeal.objects.get()
    assert appeal.live
    assert shown_heading(article) is not None
    later = soon + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        # publish_scheduled has not run yet: the appeal is still flagged live, yet not shown.
        assert Appeal.objects.get().live
        assert shown_heading(article) is None
        call_command("publish_scheduled")
        appeal = Appeal.objects.get()
        assert not appeal.live and appeal.expired
        assert shown_heading(article) is None


# --- Locking -----------------------------------------------------------------------------------


def test_a_locked_appeal_cannot_be_saved_by_someone_else(client, admin_user, django_user_model):
    appeal = AppealFactory(heading="Locked heading")
    other = django_user_model.objects.create_superuser(
        username="other", email="other@example.com", password="pw"
    )
    client.force_login(admin_user)
    assert client.post(reverse(LOCK, args=[appeal.pk])).status_code == 302
    appeal.refresh_from_db()
    assert appeal.locked and appeal.locked_by == admin_user

    client.force_login(other)
    response = client.post(
        reverse(EDIT, args=[appeal.pk]),
        appeal_form(heading="Changed by someone else", **{"action-publish": "publish"}),
    )
    assert response.status_code == 200
    appeal.refresh_from_db()
    assert appeal.heading == "Locked heading"


# --- Preview -----------------------------------------------------------------------------------


def post_then_get(client, url, data, mode=""):
    query = f"?mode={mode}" if mode else ""
    response = client.post(url + query, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def test_preview_on_add_shows_the_appeal_on_its_own(admin_client, article):
    html = post_then_get(admin_client, reverse(PREVIEW_ADD), appeal_form())
    assert "Winter is coming: keep us reporting" in html
    assert "<b>every</b>" in html
    assert "Sample story" not in html
    assert "data-beacon" not in html  # previews are never counted
    assert not Appeal.objects.exists()


def test_preview_on_add_inside_the_latest_article(admin_client, news, article):
    ArticlePageFactory(parent=news, title="A draft story", live=False)
    html = post_then_get(admin_client, reverse(PREVIEW_ADD), appeal_form(), mode="article")
    assert "Sample story" in html
    assert "A draft story" not in html
    assert "Winter is coming: keep us reporting" in html
    assert "patron-appeal--end" in html
    assert "data-beacon" not in html
    assert not Appeal.objects.exists()


def test_preview_inside_an_article_places_an_inline_appeal(admin_client, article):
    html = post_then_get(
        admin_client,
        reverse(PREVIEW_ADD),
        appeal_form(placement="inline", inline_after_paragraph="1"),
        mode="article",
    )
    assert "patron-appeal--inline" in html
    assert html.index("One.") < html.index("patron-appeal--inline") < html.index("Two.")


def test_preview_inside_an_article_skips_articles_without_promotions(admin_client, news, article):
    ArticlePageFactory(parent=news, title="A sensitive story", no_promotions=True)
    html = post_then_get(admin_client, reverse(PREVIEW_ADD), appeal_form(), mode="article")
    assert "A sensitive story" not in html
    assert "Sample story" in html
    assert "Winter is coming: keep us reporting" in html


def test_preview_inside_an_article_without_any_live_article(admin_client, news):
    html = post_then_get(admin_client, reverse(PREVIEW_ADD), appeal_form(), mode="article")
    # No live article yet: the appeal on its own, with a note.
    assert "Winter is coming: keep us reporting" in html
    assert "no live article" in html


def test_preview_on_edit_shows_unsaved_changes(admin_client, article):
    appeal = AppealFactory(heading="Saved heading")
    url = reverse(PREVIEW_EDIT, args=[appeal.pk])
    for mode in ("", "article"):
        html = post_then_get(admin_client, url, appeal_form(heading="Unsaved heading"), mode=mode)
        assert "Unsaved heading" in html
        assert "Saved heading" not in html
        assert "data-beacon" not in html
        # The head script shows it whatever this browser's caps say, and counts nothing.
        assert 'data-preview="1"' in html
    assert Appeal.objects.get().heading == "Saved heading"
    # Readers still get the saved appeal, and previews changed nothing in the cache.
    assert "Saved heading" in shown_heading(article)


def test_invalid_preview_data_is_reported_not_raised(admin_client):
    response = admin_client.post(reverse(PREVIEW_ADD), appeal_form(heading="", weight="x"))
    assert response.status_code == 200
    assert response.json()["is_valid"] is False


def test_appeals_are_listed_in_the_admin(admin_client):
    AppealFactory(name="Listed appeal")
    AppealFactory(name="Draft appeal", live=False)
    response = admin_client.get(reverse("wagtailsnippets_membership_appeal:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Listed appeal" in html and "Draft appeal" in html


# --- Editors and Moderators ------------------------------------------------------------------

LIST = "wagtailsnippets_membership_appeal:list"
DELETE = "wagtailsnippets_membership_appeal:delete"
UNPUBLISH = "wagtailsnippets_membership_appeal:unpublish"
UNLOCK = "wagtailsnippets_membership_appeal:unlock"
REPORT = "membership_appeal_report"


def member_of(django_user_model, group_name):
    """A staff member in one of the groups Wagtail creates, with only that group's rights."""
    user = django_user_model.objects.create_user(
        username=group_name.lower(), email=f"{group_name.lower()}@example.com", password="pw"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = member_of(django_user_model, "Editors")
    client.force_login(user)
    return user


@pytest.fixture
def moderator(client, django_user_model):
    user = member_of(django_user_model, "Moderators")
    client.force_login(user)
    return user


def refused(response):
    """Wagtail sends a user without the permission home with a message, or answers 403."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code == 403


def test_an_editor_writes_a_draft_but_cannot_publish_it(client, editor, article):
    assert client.get(reverse(LIST)).status_code == 200
    assert client.get(reverse(ADD)).status_code == 200
    response = client.post(reverse(ADD), appeal_form(**{"action-publish": "publish"}))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    # Saved as a draft: asking to publish without the permission only saves.
    assert not appeal.live and appeal.has_unpublished_changes
    assert shown_heading(article) is None

    edit = client.get(reverse(EDIT, args=[appeal.pk]))
    assert edit.status_code == 200
    assert 'name="action-publish"' not in edit.content.decode()
    response = client.post(
        reverse(EDIT, args=[appeal.pk]),
        appeal_form(heading="Edited by the editor", **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert not appeal.live
    assert appeal.latest_revision.as_object().heading == "Edited by the editor"


def test_an_editor_cannot_unpublish_delete_or_lock(client, editor):
    appeal = AppealFactory(heading="Live heading")
    assert refused(client.post(reverse(UNPUBLISH, args=[appeal.pk])))
    assert refused(client.post(reverse(DELETE, args=[appeal.pk])))
    assert refused(client.post(reverse(LOCK, args=[appeal.pk])))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.live and not appeal.locked


def test_a_moderator_publishes_locks_unlocks_and_deletes(client, moderator, admin_user, article):
    response = client.post(reverse(ADD), appeal_form(**{"action-publish": "publish"}))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.live
    assert "Winter is coming" in shown_heading(article)

    # Someone else's lock can be lifted.
    Appeal.objects.filter(pk=appeal.pk).update(
        locked=True, locked_by=admin_user, locked_at=timezone.now()
    )
    assert client.post(reverse(UNLOCK, args=[appeal.pk])).status_code == 302
    assert not Appeal.objects.get().locked
    assert client.post(reverse(LOCK, args=[appeal.pk])).status_code == 302
    assert Appeal.objects.get().locked_by == moderator

    assert client.post(reverse(UNPUBLISH, args=[appeal.pk])).status_code == 302
    assert not Appeal.objects.get().live
    assert client.post(reverse(DELETE, args=[appeal.pk])).status_code == 302
    assert not Appeal.objects.exists()


def test_moderators_see_the_appeal_report_and_editors_do_not(client, django_user_model):
    client.force_login(member_of(django_user_model, "Moderators"))
    assert client.get(reverse(REPORT)).status_code == 200
    client.force_login(member_of(django_user_model, "Editors"))
    assert refused(client.get(reverse(REPORT)))


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_neither_group_reaches_users_groups_or_membership_settings(
    client, django_user_model, home, group_name
):
    client.force_login(member_of(django_user_model, group_name))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    site = Site.objects.get(is_default_site=True)
    for url in (
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsettings:edit", args=["membership", "membershipsettings", site.pk]),
    ):
        assert refused(client.get(url)), url
