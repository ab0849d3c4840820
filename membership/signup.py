"""Becoming a patron: the sign-up itself, and redeeming the links we email.

- A sign-up creates or updates a pending member (membership.members: one email, one member).
  It records consent, the tier (unless the member is active: their tier is the payment
  provider's), and the appeal that brought them, if they have none and are not confirmed yet.
- Whatever the email was (new, pending, a patron), the reader sees the same answer; we email
  a confirmation link, or a sign-in link to someone already confirmed, at most once a minute
  per member (Membership.last_email_at), so the form cannot flood a mailbox.
- Redeeming a link, to confirm or to sign in, proves the member reads that mailbox: either
  one confirms them, once, and only then counts their sign-up for the appeal.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from . import emails, stats, tokens
from .members import find_or_create_member
from .models import Appeal, Membership, SignupPage

RESEND_INTERVAL = datetime.timedelta(minutes=1)


def sign_up(email, *, name, tier, appeal_id):
    """(membership, email kind to send now, or None when one went out less than a minute
    ago)."""
    with transaction.atomic():
        membership, _created = find_or_create_member(email, name=name)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        locked.consented_at = timezone.now()
        fields = {"consented_at"}
        if not locked.is_active and locked.tier_id != tier.pk:
            locked.tier = tier
            fields.add("tier")
        if (
            appeal_id
            and locked.appeal_id is None
            and locked.confirmed_at is None
            and Appeal.objects.filter(pk=appeal_id).exists()
        ):
            locked.appeal_id = appeal_id
            fields.add("appeal")
        locked.save(update_fields=sorted(fields))
    if not claim_email(locked):
        return locked, None
    return locked, emails.ALREADY_MEMBER if locked.confirmed_at else emails.CONFIRM


def claim_email(membership):
    """True, and notes the time, when no sign-up email went to this member in the last
    minute. One conditional UPDATE: of two requests at once, one wins."""
    now = timezone.now()
    claimed = (
        Membership.objects.filter(pk=membership.pk)
        .filter(Q(last_email_at__isnull=True) | Q(last_email_at__lte=now - RESEND_INTERVAL))
        .update(last_email_at=now)
    )
    return claimed == 1


def signs_in_by_link(user):
    """Members do; staff never: their accounts have passwords, and an emailed link must not
    open the admin."""
    return user.is_active and not user.is_staff and not user.is_superuser


def link_member(user_pk):
    """The member a link names; raises Gone when there is none that may use it."""
    membership = Membership.objects.select_related("user", "tier").filter(user_id=user_pk).first()
    if membership is None or not signs_in_by_link(membership.user):
        raise tokens.Gone
    return membership


def check_link(token, purpose):
    """The member of a link that would work now; raises a TokenError. Changes nothing."""
    return link_member(tokens.check(token, purpose))


@transaction.atomic
def redeem(token, purpose):
    """Use a link (once): its member, confirmed. Raises a TokenError and changes nothing when
    the link does not work."""
    membership = link_member(tokens.use(token, purpose))
    confirm_member(membership)
    return membership


@transaction.atomic
def confirm_member(membership):
    """Mark the member's email confirmed and count their sign-up for the appeal that brought
    them: once, however many links they use. True when this call confirmed them."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.confirmed_at is not None:
        return False
    locked.confirmed_at = membership.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_at"])
    stats.record_signup(locked.appeal_id)
    return True


def signup_page(request):
    """The live sign-up page of the request's site (else any), for its copy; or None."""
    pages = SignupPage.objects.live().order_by("path")
    site = Site.find_for_request(request)
    if site is not None:
        return pages.in_site(site).first() or pages.first()
    return pages.first()
