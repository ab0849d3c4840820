"""The moderation queue: patrons' suggestions (proposed topics), and the page where staff
approve one (it opens for votes), decline it (with an optional note) or merge it into
another topic of its round. The same page merges any topic still in the running.

The changes themselves, and their audit log entries, are in `membership.staff.moderation`.
"""

import django_filters
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet

from ..models import Topic, VotingRound
from . import moderation
from .access import can_see_topics
from .voting_forms import DeclineForm, MergeForm

DESCRIPTION_EXCERPT = 120


class SuggestionFilterSet(WagtailFilterSet):
    round = django_filters.ModelChoiceFilter(label=_("Round"), queryset=VotingRound.objects.all())

    class Meta:
        model = Topic
        fields = ["round"]


def excerpt(topic):
    text = " ".join(topic.description.split())
    if len(text) <= DESCRIPTION_EXCERPT:
        return text
    return text[: DESCRIPTION_EXCERPT - 1].rstrip() + "…"


class SuggestionIndexView(generic.IndexView):
    """Proposed topics, oldest first: the order they came in."""

    page_title = _("Suggestions")
    moderate_url_name = None
    filterset_class = SuggestionFilterSet
    search_fields = ["title", "description"]
    paginate_by = 50
    default_ordering = "created_at"

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return _("No suggestions match your query.")
        return _("No suggestions are waiting for moderation.")

    def get_base_queryset(self):
        return Topic.objects.filter(status=Topic.Status.PROPOSED).select_related("round")

    def get_moderate_url(self, topic):
        if self.user_has_permission("change"):
            return reverse(self.moderate_url_name, args=[topic.pk])
        return None

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)(
            "title",
            label=_("Title"),
            sort_key="title",
            get_url=lambda topic: self.get_moderate_url(topic) or self.get_inspect_url(topic),
        )
        return [
            title,
            Column("description", label=_("Description"), accessor=excerpt),
            Column("round", label=_("Round")),
            DateColumn("created_at", label=_("Suggested"), sort_key="created_at"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := self.get_moderate_url(instance):
            buttons.append(MenuItem(_("Moderate"), url=url, icon_name="tasks", priority=5))
        return buttons


class ModerateTopicView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the topic and its actions. POST `action`: approve, decline or merge."""

    model = Topic
    permission_required = "change"
    template_name = "membership/staff/topic_moderate.html"
    page_title = _("Moderate")
    header_icon = "tasks"
    index_url_name = None
    suggestions_url_name = None
    edit_url_name = None
    http_method_names = ["get", "post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.topic = get_object_or_404(
            Topic.objects.select_related("round", "merged_into"), pk=kwargs["pk"]
        )
        self.proposed = self.topic.status == Topic.Status.PROPOSED

    def get_page_subtitle(self):
        return self.topic.title

    @cached_property
    def back_url(self):
        return reverse(self.suggestions_url_name if self.proposed else self.index_url_name)

    def get_breadcrumbs_items(self):
        back = _("Suggestions") if self.proposed else _("Topics")
        return self.breadcrumbs_items + [
            {"url": self.back_url, "label": back},
            {"url": reverse(self.edit_url_name, args=[self.topic.pk]), "label": self.topic.title},
            {"url": "", "label": self.get_page_title(), "sublabel": self.topic.title},
        ]

    def get_context_data(self, *, decline_form=None, merge_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        merge_form = merge_form or MergeForm(topic=self.topic)
        context.update(
            topic=self.topic,
            proposed=self.proposed,
            mergeable=self.topic.status != Topic.Status.MERGED,
            has_merge_targets=merge_form.fields["into"].queryset.exists(),
            decline_form=decline_form or DeclineForm(),
            merge_form=merge_form,
            back_url=self.back_url,
        )
        return context

    def post(self, request, *args, **kwargs):
        actions = {"approve": self.approve, "decline": self.decline, "merge": self.merge}
        action = actions.get(request.POST.get("action"))
        if action is None:
            return HttpResponseBadRequest(str(_("Choose approve, decline or merge.")))
        try:
            return action()
        except moderation.Refused as refusal:
            messages.error(request, refusal.message)
            return redirect(self.back_url)

    def approve(self):
        moderation.approve(self.topic, self.request.user)
        return self.done(_("“%(topic)s” is open for votes.") % {"topic": self.topic})

    def decline(self):
        form = DeclineForm(self.request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(decline_form=form))
        moderation.decline(self.topic, self.request.user, note=form.cleaned_data["note"])
        return self.done(_("“%(topic)s” is declined.") % {"topic": self.topic})

    def merge(self):
        form = MergeForm(self.request.POST, topic=self.topic)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(merge_form=form))
        into = form.cleaned_data["into"]
        moved, _returned = moderation.merge(self.topic, into, self.request.user)
        return self.done(
            ngettext(
                "“%(topic)s” is merged into “%(into)s”: %(count)s vote moved.",
                "“%(topic)s” is merged into “%(into)s”: %(count)s votes moved.",
                moved,
            )
            % {"topic": self.topic, "into": into, "count": moved}
        )

    def done(self, message):
        messages.success(self.request, message)
        return redirect(self.back_url)


class SuggestionViewSet(ViewSet):
    """The queue's menu item and listing; its actions are on the topics' moderation page."""

    name = "topic_suggestions"
    icon = "help"
    menu_label = _("Suggestions")
    topics_url_namespace = "topics"

    @cached_property
    def menu_item_class(self):
        class SuggestionsMenuItem(AdminMenuItem):
            def is_shown(self, request):
                return can_see_topics(request.user)

        return SuggestionsMenuItem

    def topics_url_name(self, view_name):
        return f"{self.topics_url_namespace}:{view_name}"

    def index_view_kwargs(self):
        return {
            "model": Topic,
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
            "moderate_url_name": self.topics_url_name("moderate"),
            "edit_url_name": self.topics_url_name("edit"),
            "inspect_url_name": self.topics_url_name("inspect"),
            "delete_url_name": self.topics_url_name("delete"),
            "header_icon": self.icon,
        }

    def get_urlpatterns(self):
        view = SuggestionIndexView
        return [
            path("", view.as_view(**self.index_view_kwargs()), name="index"),
            path(
                "results/",
                view.as_view(**self.index_view_kwargs(), results_only=True),
                name="index_results",
            ),
        ]
