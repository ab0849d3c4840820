"""Signing in by an emailed link, and signing out."""

from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import conf, emails, ratelimit, session, signup, tokens
from ..members import get_member, normalise_email
from ..patron_forms import EmailForm
from .responses import SeeOther, link_problem, page, private

SENT = "sent"
SIGNED_OUT = "signed-out"


@private
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    """GET: the email form. POST: email a sign-in link to that address if it is a member's,
    and answer exactly as for an address we do not know."""
    if request.method == "POST":
        limit = ratelimit.hit_write(request, "signin", limit=conf.signin_rate_limit())
        if not limit.allowed:
            return ratelimit.refusal(limit, request)
        form = EmailForm(request.POST)
        if not form.is_valid():
            return page(request, "membership/sign_in.html", {"form": form}, status=400)
        email = form.cleaned_data["email"]
        limit = ratelimit.hit_write(
            request, "signin-email", limit=conf.signin_rate_limit(), client=normalise_email(email)
        )
        if not limit.allowed:
            return ratelimit.refusal(limit, request)
        membership = get_member(email)
        if membership is not None and signup.signs_in_by_link(membership.user):
            emails.send_link(request, membership, emails.SIGN_IN)
        return SeeOther(f"{reverse('membership:sign_in')}?{SENT}=1")
    membership = session.current_member(request)
    context = {
        "form": EmailForm(),
        "membership": membership,
        "sent": SENT in request.GET,
        "signed_out": SIGNED_OUT in request.GET,
    }
    response = page(request, "membership/sign_in.html", context)
    return session.sync_patron_cookie(response, request, membership)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_token(request, token):
    """GET shows a button (link scanners must not use the link up); POST signs in."""
    if request.method != "POST":
        try:
            signup.check_link(token, tokens.SIGN_IN)
        except tokens.TokenError as error:
            return link_problem(request, error)
        return page(request, "membership/sign_in_token.html")
    try:
        membership = signup.redeem(token, tokens.SIGN_IN)
    except tokens.TokenError as error:
        return link_problem(request, error)
    session.sign_in(request, membership)
    response = SeeOther(reverse("membership:account"))
    return session.sync_patron_cookie(response, request, membership)


@private
@require_POST
def sign_out(request):
    session.sign_out(request)
    response = SeeOther(f"{reverse('membership:sign_in')}?{SIGNED_OUT}=1")
    return session.clear_patron_cookie(response)
