"""Tiers in the admin, in the order the sign-up page offers them (dragged into place).

Wagtail's reorder view moves one item by shifting the others' numbers, which does nothing
when tiers share a number (every tier starts at 0 unless placed). Ours renumbers all tiers
in the order shown, so a drag always lands where it was dropped.
"""

from django.db import transaction
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import Tier
from .forms import TierForm


def in_order(queryset):
    """The order the sign-up page and the listing show tiers in (ties broken the same way)."""
    return queryset.order_by(*Tier._meta.ordering)


class TierIndexView(generic.IndexView):
    def order_queryset(self, queryset):
        if self.show_ordering_column:
            return in_order(queryset)
        return super().order_queryset(queryset)


class TierCreateView(generic.CreateView):
    def save_instance(self):
        # A new tier comes last.
        highest = Tier.objects.aggregate(highest=Max("sort_order"))["highest"]
        self.form.instance.sort_order = 0 if highest is None else highest + 1
        return super().save_instance()


class TierReorderView(generic.ReorderView):
    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            tiers = list(in_order(Tier.objects.select_for_update()))
            moved = get_object_or_404(Tier, pk=kwargs["pk"])
            try:
                position = int(request.GET.get("position", ""))
            except ValueError:
                position = -1
            if not 0 <= position < len(tiers):
                position = len(tiers) - 1  # as Wagtail's: a missing or bad position is the end
            tiers = [tier for tier in tiers if tier.pk != moved.pk]
            tiers.insert(position, moved)
            changed = []
            for number, tier in enumerate(tiers):
                if tier.sort_order != number:
                    tier.sort_order = number
                    changed.append(tier)
            Tier.objects.bulk_update(changed, ["sort_order"])
        return JsonResponse({"success": True})


class TierDeleteView(generic.DeleteView):
    """A tier that members are on is not deleted (they would lose their votes): it can be
    made inactive instead, which takes it off the sign-up page."""

    @property
    def confirmation_message(self):
        if members := self.object.memberships.count():
            return _(
                "%(count)s members are on this tier, so it can't be deleted. Make it inactive "
                "instead: it leaves the sign-up page and its members keep it."
            ) % {"count": members}
        return super().confirmation_message

    def form_valid(self, form):
        if self.object.memberships.exists():
            messages.error(
                self.request,
                _("Members are on the tier “%(tier)s”: make it inactive instead of deleting it.")
                % {"tier": self.object},
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class TierViewSet(ModelViewSet):
    model = Tier
    name = "tiers"
    icon = "tag"
    menu_label = _("Tiers")
    index_view_class = TierIndexView
    add_view_class = TierCreateView
    reorder_view_class = TierReorderView
    delete_view_class = TierDeleteView
    sort_order_field = "sort_order"
    list_display = [
        "name",
        Column(
            "amount",
            label=_("Monthly amount"),
            accessor=lambda tier: f"{tier.amount} {tier.currency}",
            sort_key="amount",
        ),
        "votes_per_round",
        BooleanColumn("active", label=_("Active"), sort_key="active"),
    ]
    list_filter = ["active"]
    inspect_view_enabled = True  # so that staff who may only view tiers can open one
    copy_view_enabled = False
    add_to_reference_index = False  # tiers refer to no content

    def get_form_class(self, for_update=False):
        return TierForm
