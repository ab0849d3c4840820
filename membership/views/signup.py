"""Becoming a patron: the sign-up form's POST, the confirmation link, and what comes next."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import conf, emails, ratelimit, session, signup, tokens
from ..links import APPEAL_PARAMETER, appeal_pk
from ..members import normalise_email
from ..models import SignupPage, Tier
from ..patron_forms import HONEYPOT, SignupForm
from ..payments import stripe_checkout
from .responses import SeeOther, link_problem, page, private


@private
@require_POST
def sign_up(request, page_id):
    """The SignupPage's form. Answers the same, "check your inbox", whether the email was
    new, pending or a patron's, and for a bot that filled the honeypot."""
    signup_page = get_object_or_404(SignupPage.objects.live(), pk=page_id)
    limit = ratelimit.hit_write(request, "signup", limit=conf.signup_rate_limit())
    if not limit.allowed:
        return ratelimit.refusal(limit, request)
    if request.POST.get(HONEYPOT):
        return SeeOther(signup_page.sent_url(request))
    form = SignupForm(request.POST, tiers=Tier.objects.active())
    if not form.is_valid():
        return signup_page.render_form(request, form, status=400)
    data = form.cleaned_data
    limit = ratelimit.hit_write(
        request,
        "signup-email",
        limit=conf.signup_rate_limit(),
        client=normalise_email(data["email"]),
    )
    if not limit.allowed:
        return ratelimit.refusal(limit, request)
    # One transaction, the email's task last: a sign-up is whole (member, consent, the time
    # its email was claimed, and with the database task backend the queued email itself) or
    # absent, however the request ends. A claim committed without its email would hold back
    # the next sign-up's email for a minute.
    with transaction.atomic():
        membership, email = signup.sign_up(
            data["email"],
            name=data["name"],
            tier=data["tier"],
            appeal_id=appeal_pk(request.GET.get(APPEAL_PARAMETER)),
        )
        if email is not None:
            emails.send_link(request, membership, email)
    return SeeOther(signup_page.sent_url(request))


@private
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET asks (email scanners follow links: they must not confirm anyone); POST confirms,
    signs the member in, and goes on to Stripe Checkout or to what happens next."""
    if request.method != "POST":
        try:
            signup.check_link(token, tokens.CONFIRM)
        except tokens.TokenError as error:
            return link_problem(request, error)
        return page(request, "membership/confirm.html")
    try:
        membership = signup.redeem(token, tokens.CONFIRM)
    except tokens.TokenError as error:
        return link_problem(request, error)
    session.sign_in(request, membership)
    if membership.is_active:
        response = SeeOther(reverse("membership:account"))
    elif stripe_checkout.can_check_out(membership):
        # Not a 5xx when Stripe fails: Django does not save the session of a 5xx response,
        # and the member, confirmed, must stay signed in to try again.
        response = _to_checkout(request, membership, failed_status=200)
    else:
        response = SeeOther(reverse("membership:welcome"))
    return session.sync_patron_cookie(response, request, membership)


def _to_checkout(request, membership, *, failed_status=502):
    try:
        return SeeOther(stripe_checkout.checkout_url(request, membership))
    except stripe_checkout.PaymentError:
        message = _("We could not reach our payment provider. Please try again in a moment.")
        context = {"message": message}
        return page(request, "membership/payment_failed.html", context, status=failed_status)


@private
@require_POST
def checkout(request):
    """ "Continue to payment", from the account page or after a failed start."""
    membership = session.current_member(request)
    if membership is None:
        return SeeOther(reverse("membership:sign_in"))
    if not stripe_checkout.can_check_out(membership):
        return SeeOther(reverse("membership:account"))
    return _to_checkout(request, membership)


@private
@require_GET
def welcome(request):
    """What happens next, for a confirmed member when the site takes no payments."""
    context = {
        "signup_page": signup.signup_page(request),
        "patreon_url": conf.patreon_campaign_url(),
    }
    return page(request, "membership/welcome.html", context)


@private
@require_GET
def checkout_return(request):
    """Where Stripe Checkout sends the member back: their membership turns active when
    Stripe's webhook says they paid, perhaps already."""
    membership = session.current_member(request)
    if membership is None:
        return SeeOther(reverse("membership:sign_in"))
    response = page(request, "membership/checkout_return.html", {"membership": membership})
    return session.sync_patron_cookie(response, request, membership)
