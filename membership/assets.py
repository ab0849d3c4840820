"""The appeal's static script and its Subresource Integrity / CSP hash.

The script is loaded with integrity="<hash>", and a Content Security Policy allows it by the
same hash. A project's settings hash the shipped file by its path (`STATIC_DIR`), since
settings load before the staticfiles finders can run; the integrity attribute hashes the file
as served. A check reports a policy that lists script hashes but not the served script's.
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
def check_policy_allows_appeal_script(app_configs, **kwargs):
    """A policy that allows scripts by hash must list the served appeal script's hash, or
    browsers block it (no frequency caps, no dismissal, no counts)."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES") or {}
    sources = directives.get("script-src") or directives.get("default-src") or []
    if not finders.find(APPEAL_SCRIPT) or not any(
        str(source).startswith(HASH_PREFIXES) for source in sources
    ):
        return []
    digest = f"'{script_hash()}'"
    if digest in sources:
        return []
    return [
        checks.Error(
            f"The Content Security Policy allows scripts by hash, but not the appeal script "
            f"{APPEAL_SCRIPT} as served: browsers will block it.",
            hint=f"Add {digest} to CONTENT_SECURITY_POLICY's script-src "
            f"(membership.assets.file_hash() hashes a file).",
            id="membership.E001",
        )
    ]
