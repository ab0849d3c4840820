"""The app's static scripts (the appeal's, the topics page's; the admin's appeal preview's) and
their Subresource Integrity / CSP hashes.

Each script is loaded with integrity="<hash>", and a Content Security Policy allows it by the
same hash. A project's settings hash the shipped file by its path (`STATIC_DIR`), since
settings load before the staticfiles finders can run; the integrity attribute hashes the file
as served. A check reports a policy that lists script hashes but not the served scripts'.
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks

APPEAL_SCRIPT = "membership/appeal.js"
APPEAL_STYLES = "membership/appeal.css"
TOPICS_SCRIPT = "membership/topics.js"
SCRIPTS = (APPEAL_SCRIPT, TOPICS_SCRIPT)
# The admin's "Inside an article" preview, which runs under the public policy too (Wagtail
# sends the preview request through the middleware as if for the site). Its script is allowed
# by hash on the preview response only (Appeal.serve_preview), never on the public site.
PREVIEW_SCRIPT = "membership/appeal_preview.js"
PREVIEW_STYLES = "membership/appeal_preview.css"
# The app's own static files, as shipped.
STATIC_DIR = Path(__file__).resolve().parent / "static"

HASH_PREFIXES = ("'sha256-", "'sha384-", "'sha512-")


def file_hash(path):
    """'sha256-…' of a file's bytes, for integrity="" and (quoted) a CSP script-src."""
    digest = hashlib.sha256(Path(path).read_bytes()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


@cache
def script_hash(path=APPEAL_SCRIPT):
    """file_hash() of a static file as served: the one the staticfiles finders find."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return file_hash(found)


@checks.register(checks.Tags.security)
def check_policy_allows_scripts(app_configs, **kwargs):
    """A policy that allows scripts by hash must list each served script's hash, or browsers
    block it (the appeal: no frequency caps, no dismissal, no counts; the topics page: no
    instant votes)."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES") or {}
    sources = directives.get("script-src") or directives.get("default-src") or []
    if not any(str(source).startswith(HASH_PREFIXES) for source in sources):
        return []
    errors = []
    for script in SCRIPTS:
        if not finders.find(script):
            continue
        digest = f"'{script_hash(script)}'"
        if digest in sources:
            continue
        errors.append(
            checks.Error(
                f"The Content Security Policy allows scripts by hash, but not the script "
                f"{script} as served: browsers will block it.",
                hint=f"Add {digest} to CONTENT_SECURITY_POLICY's script-src "
                f"(membership.assets.file_hash() hashes a file).",
                id="membership.E001",
            )
        )
    return errors
