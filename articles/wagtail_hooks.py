from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ArticlePage, Author
from .stories_to_write import stories_to_write


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Authors")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name"]
    search_fields = ["name"]


register_snippet(AuthorViewSet)


class StoriesToWritePanel(Component):
    """The dashboard's "Stories to write": drafts that live articles link to, which readers
    can't see until they are written and published. Shown to users who may edit pages; it
    lists the drafts the user may edit."""

    name = "stories_to_write"
    template_name = "articles/panels/stories_to_write.html"
    order = 120  # after Wagtail's site summary, before the moderation and edit lists

    def __init__(self, user):
        self.user = user
        self.permissions = PagePermissionPolicy()

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        editable = self.permissions.instances_user_has_permission_for(self.user, "change")
        context["stories"] = stories_to_write(among=editable)
        return context

    def render_html(self, parent_context=None):
        if not self.permissions.user_has_permission(self.user, "change"):
            return ""
        return super().render_html(parent_context)


@hooks.register("construct_homepage_panels")
def add_stories_to_write_panel(request, panels):
    panels.append(StoriesToWritePanel(request.user))


def article_being_edited(request):
    """The id of the page whose edit view opened this request (a chooser modal), or None.

    Wagtail's page chooser is told nothing about the page being edited; the edit view's URL
    reaches it only as the Referer of the modal's requests (browse, search, pagination).
    """
    referer = request.headers.get("Referer")
    if not referer:
        return None
    try:
        match = resolve(urlsplit(referer).path)
    except Resolver404:
        return None
    if match.view_name != "wagtailadmin_pages:edit":
        return None
    return match.kwargs.get("page_id")


@hooks.register("construct_page_chooser_queryset")
def leave_out_the_article_being_edited(pages, request):
    """An article's choosers (Read also among them) don't offer the article itself. Only an
    article is left out: it has no subpages, so hiding it never hides a way down the tree.
    Linking an article to itself is refused by its form all the same (articles.forms)."""
    page_id = article_being_edited(request)
    if page_id is None:
        return pages
    return pages.exclude(pk=page_id, content_type=ContentType.objects.get_for_model(ArticlePage))
