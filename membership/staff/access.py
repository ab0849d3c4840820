"""Who on the staff sees what about patrons."""

from wagtail.permissions import policy_registry

from ..models import Membership, Topic

# Members' emails, and every export of members (an export is a list of emails).
EMAILS_PERMISSION = "membership.view_member_emails"
# Who voted for a topic (and who suggested it). The public, and exports, only see totals.
VOTERS_PERMISSION = "membership.view_voters"


def can_see_emails(user):
    return user.has_perm(EMAILS_PERMISSION)


def can_see_voters(user):
    return user.has_perm(VOTERS_PERMISSION)


def can_see_memberships(user):
    """Whoever may open the Memberships listing (any of its model permissions)."""
    policy = policy_registry.get_by_type(Membership)
    return policy.user_has_any_permission(user, ["add", "change", "delete", "view"])


def can_see_topics(user):
    """Whoever may open the Topics listing (any of its model permissions)."""
    policy = policy_registry.get_by_type(Topic)
    return policy.user_has_any_permission(user, ["add", "change", "delete", "view"])
