"""Voting rounds in the admin: when each opens and closes, whether its counts are sealed
until then, whether it is open now, and from each round its topics and results export."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import Topic, VotingRound
from . import moderation
from .access import can_see_topics
from .voting_forms import VotingRoundForm


def local_datetime(value):
    # Not Wagtail's DateColumn: it says "just now" of any time in the future.
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def round_state(voting_round, now=None):
    now = now or timezone.now()
    if voting_round.is_open(now):
        return _("Open")
    if voting_round.has_closed(now):
        return _("Closed")
    return _("Upcoming")


class RoundIndexView(generic.IndexView):
    topics_url_name = None
    list_display = [
        "title",
        Column(
            "opens_at",
            label=_("Opens"),
            accessor=lambda voting_round: local_datetime(voting_round.opens_at),
            sort_key="opens_at",
        ),
        Column(
            "closes_at",
            label=_("Closes"),
            accessor=lambda voting_round: local_datetime(voting_round.closes_at),
            sort_key="closes_at",
        ),
        Column("state", label=_("Now"), accessor=round_state),
        "results",
        Column("topics", label=_("Topics"), accessor="topic_count", sort_key="topic_count"),
        Column(
            "waiting",
            label=_("Suggestions waiting"),
            accessor="waiting_count",
            sort_key="waiting_count",
        ),
    ]

    def get_base_queryset(self):
        waiting = Q(topics__status=Topic.Status.PROPOSED)
        # Ordered here: Meta.ordering does not apply to a query with a count.
        return (
            super()
            .get_base_queryset()
            .annotate(topic_count=Count("topics"), waiting_count=Count("topics", filter=waiting))
            .order_by("-opens_at", "-pk")
        )

    @cached_property
    def can_see_topics(self):
        return can_see_topics(self.request.user)

    def topics_url(self, voting_round, **params):
        return reverse(self.topics_url_name) + "?" + urlencode({"round": voting_round.pk, **params})

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.can_see_topics:
            buttons += [
                MenuItem(
                    _("Topics and results"),
                    url=self.topics_url(instance),
                    icon_name="list-ol",
                    priority=40,
                ),
                MenuItem(
                    _("Download results (CSV)"),
                    url=self.topics_url(instance, export="csv"),
                    icon_name="download",
                    priority=50,
                ),
                MenuItem(
                    _("Download results (XLSX)"),
                    url=self.topics_url(instance, export="xlsx"),
                    icon_name="download",
                    priority=51,
                ),
            ]
        return buttons


class RoundDeleteView(generic.DeleteView):
    @property
    def confirmation_message(self):
        topics = Topic.objects.filter(round=self.object).count()
        if topics:
            return ngettext(
                "This round has %(count)s topic. Deleting the round deletes it and its votes, "
                "and the round's results are lost. Are you sure?",
                "This round has %(count)s topics. Deleting the round deletes them and their "
                "votes, and the round's results are lost. Are you sure?",
                topics,
            ) % {"count": topics}
        return super().confirmation_message

    def delete_action(self):
        moderation.delete_round(self.object, self.request.user)


class VotingRoundViewSet(ModelViewSet):
    model = VotingRound
    name = "voting_rounds"
    icon = "date"
    menu_label = _("Rounds")
    index_view_class = RoundIndexView
    delete_view_class = RoundDeleteView
    list_filter = ["results"]
    search_fields = ["title"]
    inspect_view_enabled = True  # so that staff who may only view rounds can open one
    copy_view_enabled = False
    add_to_reference_index = False  # rounds refer to no content

    def get_form_class(self, for_update=False):
        return VotingRoundForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(topics_url_name="topics:index", **kwargs)
