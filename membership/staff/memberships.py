"""The Memberships listing in the admin: filters, search, exports, adding and editing a member,
and the status buttons.

A member's email (a column, the search by email, the member's page) and every export need the
permission "Can view member emails"; staff without it see none of them, and an export URL
answers them 403.
"""

import django_filters
from django.db import transaction
from django.http import Http404, HttpResponseForbidden
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from ..exports import FormulaSafeExportMixin
from ..members import delete_member
from ..models import Appeal, Membership, Tier
from .access import can_see_emails
from .forms import MembershipForm, NewMemberForm
from .status import BY_STATUS, STATUS_ACTIONS, actions_for, change_status_by_staff


class MembershipFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Membership.Status.choices)
    tier = django_filters.ModelChoiceFilter(label=_("Tier"), queryset=Tier.objects.all())
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Membership.Source.choices)
    appeal = django_filters.ModelChoiceFilter(
        label=_("Appeal"), queryset=Appeal.objects.order_by("name")
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Signed up"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Membership
        fields = ["status", "tier", "source", "appeal", "created_at"]


class MembershipIndexView(FormulaSafeExportMixin, generic.IndexView):
    add_item_label = _("Add member")

    def get_base_queryset(self):
        # Every column's related object in the one query.
        return super().get_base_queryset().select_related("user", "tier", "appeal")

    @cached_property
    def can_see_emails(self):
        return can_see_emails(self.request.user)

    @cached_property
    def search_fields(self):
        return ["name", "user__email"] if self.can_see_emails else ["name"]

    @cached_property
    def list_display(self):
        columns = [
            "__str__",
            "tier",
            "status",
            "source",
            "appeal",
            DateColumn("created_at", label=_("Signed up"), sort_key="created_at"),
            DateColumn("status_changed_at", label=_("Status since"), sort_key="status_changed_at"),
        ]
        if self.can_see_emails:
            columns.insert(1, Column("email", label=_("Email"), sort_key="user__email"))
        return columns

    @cached_property
    def show_export_buttons(self):
        return self.can_see_emails and super().show_export_buttons

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.can_see_emails:
            return HttpResponseForbidden(
                _("Exporting members needs the permission “Can view member emails”.")
            )
        return super().get(request, *args, **kwargs)


class MembershipCreateView(generic.CreateView):
    def save_instance(self):
        with transaction.atomic():
            membership = super().save_instance()
            if action := BY_STATUS.get(self.form.cleaned_data["status"]):
                change_status_by_staff(membership, action, self.request.user)
        return membership


class MembershipEditView(generic.EditView):
    template_name = "membership/staff/membership_edit.html"
    status_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member_email"] = self.object.email if can_see_emails(self.request.user) else ""
        context["status_actions"] = [
            (action, reverse(self.status_url_name, args=[self.object.pk, action.slug]))
            for action in actions_for(self.object)
        ]
        return context


class MembershipDeleteView(generic.DeleteView):
    @property
    def confirmation_message(self):
        return _(
            "Are you sure you want to delete this member? Their email, name and account are "
            "erased. Payments at Stripe or Patreon are not cancelled."
        )

    def delete_action(self):
        with transaction.atomic():
            log(self.object, "wagtail.delete", user=self.request.user, deleted=True)
            # The person goes, not just their membership (see membership.members).
            delete_member(self.object)


class MembershipStatusView(PermissionCheckedMixin, BaseOperationView):
    """POST only: activate, lapse or cancel the membership, then back to its page."""

    model = Membership
    permission_required = "change"
    http_method_names = ["post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.action = STATUS_ACTIONS.get(kwargs["action"])
        if self.action is None:
            raise Http404

    def perform_operation(self):
        self.changed = change_status_by_staff(self.object, self.action, self.request.user)

    def add_success_message(self):
        status = self.object.get_status_display()
        if self.changed:
            messages.success(
                self.request,
                _("%(member)s: the membership is now %(status)s.")
                % {"member": self.object, "status": status},
            )
        else:
            messages.info(
                self.request,
                _("%(member)s: the membership already was %(status)s.")
                % {"member": self.object, "status": status},
            )


class MembershipViewSet(ModelViewSet):
    model = Membership
    name = "memberships"  # the public URLs have the namespace "membership"
    icon = "group"
    menu_label = _("Memberships")
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    filterset_class = MembershipFilterSet
    list_per_page = 50
    list_export = [
        "email",
        "name",
        "tier",
        "get_status_display",
        "get_source_display",
        "appeal",
        "created_at",
        "status_changed_at",
        "confirmed_at",
        "consented_at",
    ]
    export_headings = {
        "email": _("Email"),
        "get_status_display": _("Status"),
        "get_source_display": _("Source"),
        "appeal": _("Appeal"),
    }
    export_filename = "members"
    copy_view_enabled = False
    inspect_view_enabled = True
    # No email and no user (its name is a hash of the email) on the member's page.
    inspect_view_fields = [
        "name",
        "tier",
        "status",
        "source",
        "appeal",
        "created_at",
        "status_changed_at",
        "confirmed_at",
        "consented_at",
    ]
    # Memberships hold no content that pages refer to; indexing them would cost every
    # sign-up and payment event a write.
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return MembershipForm if for_update else NewMemberForm

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(status_url_name=self.get_url_name("status"), **kwargs)

    @property
    def status_view(self):
        return self.construct_view(MembershipStatusView, success_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("status/<int:pk>/<slug:action>/", self.status_view, name="status"),
        ]
