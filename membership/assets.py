"""The appeal's static script and its Subresource Integrity / CSP hash."""

import base64
import hashlib
from functools import cache

from django.contrib.staticfiles import finders

APPEAL_SCRIPT = "membership/appeal.js"
APPEAL_STYLES = "membership/appeal.css"


@cache
def script_hash(path=APPEAL_SCRIPT):
    """'sha256-…' of a static file's bytes, for integrity="" and a CSP script-src."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, "rb") as file:
        digest = hashlib.sha256(file.read()).digest()
    return "sha256-" + base64.b64encode(digest).decode()
