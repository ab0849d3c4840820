"""Who voted for a topic: only for staff with "Can view voters"; their emails only for staff
who may also see members' emails. Anyone else is turned away from the URL, and no listing or
export links here for them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic.base import BaseListingView

from ..models import Topic, Vote
from .access import can_see_emails, can_see_voters


def voter_name(vote):
    # A patron who deleted their data leaves their vote counted, with no link to them.
    return str(vote.member) if vote.member_id else _("A patron who deleted their data")


def voter_email(vote):
    return vote.member.email if vote.member_id else ""


class TopicVotersView(BaseListingView):
    voters_url_name = None
    topics_url_name = "topics:index"
    inspect_url_name = "topics:inspect"
    page_title = _("Voters")
    header_icon = "group"
    paginate_by = 100
    default_ordering = "-created_at"
    verbose_name_plural = _("votes")

    def dispatch(self, request, *args, **kwargs):
        if not can_see_voters(request.user):
            raise PermissionDenied
        self.topic = get_object_or_404(Topic, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.topic.title

    def get_index_url(self):
        return reverse(self.voters_url_name, args=[self.topic.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.topics_url_name), "label": _("Topics")},
            {
                "url": reverse(self.inspect_url_name, args=[self.topic.pk]),
                "label": self.topic.title,
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.topic.title},
        ]

    @cached_property
    def columns(self):
        columns = [
            Column("voter", label=_("Voter"), accessor=voter_name),
            DateColumn("created_at", label=_("Voted"), sort_key="created_at"),
            BooleanColumn("notify", label=_("Asked to be told when covered")),
            BooleanColumn("counts", label=_("Counts (membership active)")),
        ]
        if can_see_emails(self.request.user):
            columns.insert(1, Column("email", label=_("Email"), accessor=voter_email))
        return columns

    def get_base_queryset(self):
        return Vote.objects.filter(topic=self.topic).select_related("member__user")
