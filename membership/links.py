"""The links an appeal shows readers: only paths and http(s) URLs, and the call to action
carries the appeal's id so a sign-up can be credited to it."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SAFE_URL_PREFIXES = ("/", "http://", "https://")
APPEAL_PARAMETER = "appeal"


def safe_url(*candidates):
    """The first candidate that is a path or an http(s) URL.

    Form fields check this, but a URL set in code (an import, the shell) skips them, and
    escaping does not stop a javascript: link. A URL that cannot be parsed is refused too.
    """
    for url in candidates:
        url = (url or "").strip()
        if url.lower().startswith(SAFE_URL_PREFIXES) and _parses(url):
            return url
    return ""


def _parses(url):
    try:
        urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "http://[::1/join"
        return False
    return True


def appeal_pk(value):
    """An appeal id from trusted code or from a link's ?appeal=, else None.

    Only checks its form: whether that appeal exists is for the caller to ask.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    # ASCII digits only: str.isdigit() also accepts "²" (int() raises) and "１" (int() reads 1).
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def attributed(url, appeal_id):
    """`url` with ?appeal=<appeal_id> in its query, before any #fragment.

    An `appeal` already in the query is replaced; other parameters are kept, in order.
    """
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != APPEAL_PARAMETER
    ]
    query.append((APPEAL_PARAMETER, str(appeal_id)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def cta_href(appeal, snapshot):
    """Where the main call to action leads; it always carries the appeal id."""
    page_url = ""
    if appeal.cta_page_id and appeal.cta_page is not None:
        page_url = appeal.cta_page.get_url()
    url = safe_url(page_url, appeal.cta_url, snapshot.cta_url) or "/"
    if appeal.pk is None:
        return url  # previewing an appeal that has not been saved yet: it has no id
    return attributed(url, appeal.pk)


def secondary_href(appeal, snapshot):
    return safe_url(appeal.secondary_url, snapshot.other_ways_url)
