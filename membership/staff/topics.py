"""Topics in the admin: the listing (filters by round and status, search by title, vote
counts, the results export), adding and editing, deleting, a topic's page, and the URLs of
the moderation page and the voters list.

Counts come from `voting.counted_votes()`, one annotation for the whole listing. The export
holds totals and notes, never who voted.
"""

import django_filters
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.models import Page

from .. import voting
from ..exports import FormulaSafeExportMixin
from ..models import Topic, VotingRound
from . import moderation
from .access import can_see_voters
from .suggestions import ModerateTopicView
from .voters import TopicVotersView
from .voting_forms import TopicEditForm, TopicForm


class TopicFilterSet(WagtailFilterSet):
    round = django_filters.ModelChoiceFilter(label=_("Round"), queryset=VotingRound.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Topic.Status.choices)

    class Meta:
        model = Topic
        fields = ["round", "status"]


def with_counts(queryset):
    """Topics with their round and `vote_count`, the votes that count, in one query."""
    return queryset.select_related("round").annotate(vote_count=voting.counted_votes())


def ranked(queryset):
    """The newest round first, and in each round the most votes first: the results."""
    return queryset.order_by("-round__opens_at", "-round_id", "-vote_count", "created_at", "pk")


class TopicButtonsMixin:
    """The moderation page and the voters list, next to Wagtail's own buttons."""

    moderate_url_name = None
    voters_url_name = None

    def moderation_buttons(self, topic):
        buttons = []
        if topic.status != Topic.Status.MERGED and self.user_has_permission("change"):
            label = _("Moderate") if topic.status == Topic.Status.PROPOSED else _("Merge")
            url = reverse(self.moderate_url_name, args=[topic.pk])
            buttons.append(MenuItem(label, url=url, icon_name="tasks", priority=15))
        if can_see_voters(self.request.user):
            url = reverse(self.voters_url_name, args=[topic.pk])
            buttons.append(MenuItem(_("Voters"), url=url, icon_name="group", priority=25))
        return buttons


class TopicIndexView(TopicButtonsMixin, FormulaSafeExportMixin, generic.IndexView):
    export_headings = {
        "round": _("Round"),
        "title": _("Topic"),
        "status": _("Status"),
        "votes": _("Votes"),
        "note": _("Editor's note"),
        "covered_by": _("Covered by"),
        "covered_by_urls": _("Article URLs"),
    }
    list_export = list(export_headings)
    list_display = [
        "title",
        "round",
        "status",
        Column("votes", label=_("Votes"), accessor="vote_count", sort_key="vote_count"),
        DateColumn("created_at", label=_("Added"), sort_key="created_at"),
    ]

    def get_base_queryset(self):
        # Ordered here: Meta.ordering does not apply to a query with a count.
        queryset = ranked(with_counts(super().get_base_queryset()))
        if self.is_export:
            return queryset.prefetch_related(
                Prefetch("covered_by", queryset=Page.objects.order_by("title", "pk"))
            )
        return queryset

    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + self.moderation_buttons(instance)

    def to_row_dict(self, item):
        pages = list(item.covered_by.all())
        urls = [page.get_full_url(self.request) for page in pages if page.live]
        return {
            "round": item.round,
            "title": item.title,
            "status": item.get_status_display(),
            "votes": item.vote_count,
            "note": item.note,
            # One cell each: one article per line.
            "covered_by": "\n".join(page.title for page in pages),
            "covered_by_urls": "\n".join(url for url in urls if url),
        }

    def get_filename(self):
        chosen = self.filters.form.cleaned_data.get("round") if self.filters.is_valid() else None
        return f"results-{slugify(chosen.title) or chosen.pk}" if chosen else "topics"


class TopicEditView(generic.EditView):
    def save_instance(self):
        # Within the view's transaction, with Wagtail's own "wagtail.edit" entry.
        previous = self.form.initial.get("status")
        topic = super().save_instance()
        if "status" in self.form.changed_data:
            moderation.log_status_change(topic, previous, self.request.user)
        return topic


class TopicDeleteView(generic.DeleteView):
    @cached_property
    def vote_count(self):
        return self.object.votes.count()

    @property
    def confirmation_message(self):
        if self.vote_count:
            return ngettext(
                "This topic has %(count)s vote. Deleting it deletes the vote too; while the "
                "round is open, the patron can spend it elsewhere. Are you sure?",
                "This topic has %(count)s votes. Deleting it deletes them too; while the round "
                "is open, the patrons can spend them elsewhere. Are you sure?",
                self.vote_count,
            ) % {"count": self.vote_count}
        return super().confirmation_message

    def delete_action(self):
        moderation.delete_topic(self.object, self.request.user)


class TopicInspectView(generic.InspectView):
    voters_url_name = None

    @cached_property
    def vote_count(self):
        return with_counts(Topic.objects.filter(pk=self.object.pk)).get().vote_count

    def get_fields(self):
        fields = [
            "round",
            "title",
            "description",
            "status",
            "votes",
            "merged_into",
            "covered_by",
            "note",
            "created_at",
        ]
        if can_see_voters(self.request.user):
            fields.append("suggested_by")  # a patron's name, like a voter's
        return fields

    def get_context_for_field(self, field_name):
        if field_name == "votes":
            return {"label": _("Votes that count"), "value": self.vote_count, "component": None}
        context = super().get_context_for_field(field_name)
        if context["value"] is None:
            context["value"] = "-"  # not merged, or not suggested by a patron
        return context

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if can_see_voters(self.request.user):
            url = reverse(self.voters_url_name, args=[self.object.pk])
            buttons.append(Button(_("Voters"), url=url, icon_name="group", priority=30))
        return buttons


class TopicViewSet(ModelViewSet):
    model = Topic
    name = "topics"
    icon = "list-ol"
    menu_label = _("Topics")
    index_view_class = TopicIndexView
    edit_view_class = TopicEditView
    delete_view_class = TopicDeleteView
    inspect_view_class = TopicInspectView
    filterset_class = TopicFilterSet
    search_fields = ["title"]
    list_per_page = 50
    inspect_view_enabled = True  # so that staff who may only view topics can open one
    copy_view_enabled = False
    # The reference index does not follow `covered_by` (a plain many-to-many field), and
    # would cost every patron's suggestion and every merge its writes.
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return TopicEditForm if for_update else TopicForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            moderate_url_name=self.get_url_name("moderate"),
            voters_url_name=self.get_url_name("voters"),
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            voters_url_name=self.get_url_name("voters"), **kwargs
        )

    @property
    def moderate_view(self):
        return self.construct_view(
            ModerateTopicView,
            suggestions_url_name="topic_suggestions:index",
        )

    @property
    def voters_view(self):
        return self.construct_view(TopicVotersView, voters_url_name=self.get_url_name("voters"))

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("moderate/<int:pk>/", self.moderate_view, name="moderate"),
            path("voters/<int:pk>/", self.voters_view, name="voters"),
        ]
