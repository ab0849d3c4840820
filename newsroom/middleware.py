"""A Content Security Policy for the public site.

Scripts run only when their hash is listed: the static files named in
NEWSROOM_CSP_SCRIPT_FILES (the patron appeal's script) are hashed once at start-up and
loaded with a matching integrity="" attribute. There are no inline scripts to allow; the
JSON-LD block is data, which CSP does not block. The Wagtail admin keeps its own rules.
"""

import base64
import hashlib
from functools import cached_property

from django.conf import settings
from django.contrib.staticfiles import finders


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
        if self.header not in response and not request.path.startswith(tuple(excluded)):
            response[self.header] = self.policy
        return response
