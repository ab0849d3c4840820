from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author
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
