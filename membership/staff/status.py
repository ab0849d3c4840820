"""Staff activate, lapse or cancel a membership by hand.

Each change goes through `membership.members.change_status` (the one place a status changes)
and is logged in Wagtail's audit log with who made it and the status it replaced. A staff
change keeps the member's source: the source says where the member came from, not who last
changed them. It changes the record here only, never a payment at Stripe or Patreon.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from ..members import change_status
from ..models import Membership


@dataclass(frozen=True)
class StatusAction:
    slug: str  # in the URL
    status: str
    label: str  # the button, and the action's name in the audit log
    done: str  # the audit log's message

    @property
    def log_action(self):
        return f"membership.{self.slug}"


STATUS_ACTIONS = {
    action.slug: action
    for action in (
        StatusAction(
            "activate", Membership.Status.ACTIVE, _("Activate membership"), _("Activated")
        ),
        StatusAction("lapse", Membership.Status.LAPSED, _("Lapse membership"), _("Lapsed")),
        StatusAction("cancel", Membership.Status.CANCELLED, _("Cancel membership"), _("Cancelled")),
    )
}
BY_STATUS = {action.status: action for action in STATUS_ACTIONS.values()}


def actions_for(membership):
    """The changes staff can make to this membership: to any other status but pending."""
    return [action for action in STATUS_ACTIONS.values() if action.status != membership.status]


@transaction.atomic
def change_status_by_staff(membership, action, user):
    """Apply `action` (a StatusAction) for `user`; False if the status already was that."""
    previous = Membership.objects.select_for_update().values_list("status", flat=True)
    previous = previous.get(pk=membership.pk)
    if previous == action.status:
        return False
    change_status(membership, action.status)
    log(
        membership,
        action.log_action,
        user=user,
        data={"previous_status": previous, "status": action.status},
    )
    return True


class StatusLogFormatter(LogFormatter):
    def format_message(self, log_entry):
        previous = dict(Membership.Status.choices).get(log_entry.data.get("previous_status"))
        if previous is None:
            return self.message
        return _("%(done)s (was: %(previous)s)") % {"done": self.message, "previous": previous}


def register_log_actions(actions):
    """For the `register_log_actions` hook: the audit log's names for the changes."""
    for action in STATUS_ACTIONS.values():
        formatter = type(
            "MembershipStatusLogFormatter",
            (StatusLogFormatter,),
            {"label": action.label, "message": action.done},
        )
        actions.register_action(action.log_action)(formatter)
