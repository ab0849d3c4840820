"""Reject URLs that carry a NUL character before any lookup sees them."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNullCharactersMiddleware:
    """Answer 400 to a URL with a NUL character in its path or query.

    PostgreSQL text cannot hold NUL, so any lookup with one (a slug, a tag, a redirect's old
    path) would raise a DataError and a 500. Forms already refuse NUL (Django's
    ProhibitNullCharactersValidator); URLs reach lookups without a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query.replace("+", " ")):
            return HttpResponseBadRequest(
                _("The address contains a null character."), content_type="text/plain"
            )
        return self.get_response(request)
