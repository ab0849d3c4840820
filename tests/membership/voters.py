"""Patrons for the voting tests: members on a tier, signed in or not."""

from membership.members import change_status, find_or_create_member
from membership.models import Membership
from tests.membership.patrons import signed_in


def patron(email, tier, status=Membership.Status.ACTIVE):
    """A member on `tier` with this status, as a webhook or staff would leave them."""
    membership, _created = find_or_create_member(email, name=email.split("@")[0].title())
    change_status(membership, status, tier=tier)
    return Membership.objects.select_related("tier", "user").get(pk=membership.pk)


def signed_in_patron(client, email, tier, status=Membership.Status.ACTIVE):
    return signed_in(client, patron(email, tier, status))
