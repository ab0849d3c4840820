"""A member's session, and the patron cookie that tells public pages' script about it.

Public pages never read the session: they are the same HTML for everyone. The appeal script
reads the cookie `membership_patron=1` instead, to hide appeals from patrons. It is not a
secret (not HttpOnly: the script reads it), SameSite=Lax, and Secure over HTTPS. Every page
that reads a member's session calls `sync_patron_cookie`: it is set while their membership
is active and cleared once it is not; signing out and deleting the account clear it.
"""

from django.conf import settings
from django.contrib.auth import login, logout

from .models import Membership

PATRON_COOKIE = "membership_patron"
# Members have no password, and sign in only by an emailed link: Django's own backend loads
# them back from the session.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in(request, membership):
    """Sign the member in; Django's login() gives them a new session key."""
    login(request, membership.user, backend=LOGIN_BACKEND)


def sign_out(request):
    logout(request)


def current_member(request):
    """The signed-in member's Membership (with its tier), or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    membership = Membership.objects.select_related("tier").filter(user_id=user.pk).first()
    if membership is not None:
        membership.user = user
    return membership


def sync_patron_cookie(response, request, membership):
    if membership is not None and membership.is_active:
        response.set_cookie(
            PATRON_COOKIE,
            "1",
            max_age=settings.SESSION_COOKIE_AGE,
            secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
            httponly=False,
            samesite="Lax",
        )
    elif PATRON_COOKIE in request.COOKIES:
        clear_patron_cookie(response)
    return response


def clear_patron_cookie(response):
    response.delete_cookie(PATRON_COOKIE, samesite="Lax")
    return response
