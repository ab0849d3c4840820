from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from articles.insertions import HOOK_NAME as INSERT_INTO_ARTICLE

from .article_coverage import voted_for_this
from .models import Appeal
from .placement import appeal_insertions
from .reports import PERMISSION, AppealReportView
from .staff import appeal_listing, moderation, status
from .staff.access import can_see_memberships
from .staff.appeal_forms import AppealForm
from .staff.appeal_listing import AppealStatusColumn, DefaultAppealColumn, PlacementColumn
from .staff.dashboard import PatronsPanel
from .staff.memberships import MembershipViewSet
from .staff.rounds import VotingRoundViewSet
from .staff.suggestions import SuggestionViewSet
from .staff.tiers import TierViewSet
from .staff.topics import TopicViewSet

# "Patrons voted for this" in articles that covered a topic, registered first so it ends the
# story, before the appeal; then the appeal (and the view-counting script) in every article.
hooks.register(INSERT_INTO_ARTICLE, voted_for_this)
hooks.register(INSERT_INTO_ARTICLE, appeal_insertions)


class AppealViewSet(SnippetViewSet):
    model = Appeal
    icon = "pick"
    menu_label = _("Appeals")
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        "name",
        AppealStatusColumn(),
        DefaultAppealColumn(),
        PlacementColumn(),
        "weight",
        "expire_at",
    ]
    list_filter = ["live", "placement"]
    search_fields = ["name", "heading"]
    edit_handler = ObjectList(Appeal.panels, base_form_class=AppealForm)

    def get_queryset(self, request):
        return appeal_listing.listing_queryset()


register_snippet(AppealViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/appeals/", AppealReportView.as_view(), name="membership_appeal_report"),
        path(
            "reports/appeals/results/",
            AppealReportView.as_view(results_only=True),
            name="membership_appeal_report_results",
        ),
    ]


class AppealReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_appeal_report_menu_item():
    return AppealReportMenuItem(
        _("Appeal results"),
        reverse("membership_appeal_report"),
        name="appeal-results",
        icon_name="pick",
        order=650,
    )


@hooks.register("register_permissions")
def register_report_permission():
    return Permission.objects.filter(
        content_type__app_label="membership", codename="view_appeal_report"
    )


class PatronsViewSetGroup(ViewSetGroup):
    menu_label = _("Patrons")
    menu_icon = "group"
    menu_order = 230
    items = (TierViewSet, MembershipViewSet)


@hooks.register("register_admin_viewset")
def register_patrons_viewsets():
    return PatronsViewSetGroup()


# Staff's changes of a membership's status, named in the audit log.
hooks.register("register_log_actions", status.register_log_actions)


class VotingViewSetGroup(ViewSetGroup):
    menu_label = _("Voting")
    menu_icon = "list-ol"
    menu_order = 240
    items = (VotingRoundViewSet, TopicViewSet, SuggestionViewSet)


@hooks.register("register_admin_viewset")
def register_voting_viewsets():
    return VotingViewSetGroup()


# Staff's approvals, declines, status changes, merges and deletions, named in the audit log.
hooks.register("register_log_actions", moderation.register_log_actions)


@hooks.register("construct_homepage_panels")
def add_patrons_panel(request, panels):
    if can_see_memberships(request.user):
        panels.append(PatronsPanel())
