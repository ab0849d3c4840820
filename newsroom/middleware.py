"""A Content Security Policy for the public site.

Scripts run only when their hash is listed: the static files named in
NEWSROOM_CSP_SCRIPT_FILES (the patron appeal's script) are hashed once at start-up and
loaded with a matching integrity="" attribute. There are no inline scripts to allow; the
JSON-LD block is data, which CSP does not block. The Wagtail admin keeps its own rules.
"""

import base64
import hashlib
from functools import cached_property
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


def static_file_hash(path):
    found = finders.find(path)
    if not found:
        return None
    with open(found, "rb") as file:
        return "sha256-" + base64.b64encode(hashlib.sha256(file.read()).digest()).decode()


class ContentSecurityPolicyMiddleware:
    header = "Content-Security-Policy"

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def policy(self):
        hashes = [
            f"'{digest}'"
            for digest in map(static_file_hash, getattr(settings, "NEWSROOM_CSP_SCRIPT_FILES", []))
            if digest
        ]
        directives = {
            "default-src": ["'self'"],
            "script-src": hashes or ["'none'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:", "https:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "frame-src": ["https:"],
            "media-src": ["'self'", "https:"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'self'"],
        }
        directives.update(getattr(settings, "NEWSROOM_CSP_EXTRA", {}))
        return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())

    def __call__(self, request):
        response = self.get_response(request)
        excluded = getattr(settings, "NEWSROOM_CSP_EXCLUDE_PREFIXES", ("/admin/",))
        if (
            self.header not in response
            and response.status_code < 500  # the error page styles itself inline
            and not request.path.startswith(tuple(excluded))
        ):
            response[self.header] = self.policy
        return response


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
