"""Whether a request is someone's own, and the patron cookie: what pages use around the
session. Imports no model, so page models can use it too.

A request with no session cookie is an anonymous reader's: a page must not open the session
for it (that alone adds `Vary: Cookie`), and shows it what it shows every such reader, so
shared caches may hold the answer. A request that carries the cookie may be a signed-in
member's: pages read the session and answer for that reader alone (`Cache-Control: private`),
and keep the patron cookie in step (membership.session says what it is for).
"""

from django.conf import settings

PATRON_COOKIE = "membership_patron"


def is_personal(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


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
