"""A member's session, and the patron cookie that tells public pages' script about it.

Public pages never read the session: they are the same HTML for everyone. The appeal script
reads the cookie `membership_patron=1` instead, to hide appeals from patrons. It is not a
secret (not HttpOnly: the script reads it), SameSite=Lax, and Secure over HTTPS. Every page
that reads a member's session calls `sync_patron_cookie`: it is set while their membership
is active and cleared once it is not; signing out and deleting the account clear it. (The
cookie functions live in membership.readers, which imports no model, so that the topics
page's model can use them too.)
"""

from django.contrib.auth import login, logout

from .models import Membership
from .readers import PATRON_COOKIE, clear_patron_cookie, sync_patron_cookie

__all__ = [
    "PATRON_COOKIE",
    "clear_patron_cookie",
    "current_member",
    "sign_in",
    "sign_out",
    "sync_patron_cookie",
]

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
    return Membership.objects.signed_in(request)
