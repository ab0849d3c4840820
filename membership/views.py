from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import conf, stats
from .models import Appeal

MAX_BEACON_BYTES = 256
BEACON_EVENTS = {"view", "click"}
MAX_ID_DIGITS = 18  # fits a 64-bit primary key
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _same_origin(request):
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False
    parts = urlsplit(origin)
    return f"{parts.netloc}" == request.get_host() and parts.scheme == request.scheme


def client_address(request):
    """The reader's address, as the last trusted proxy saw it.

    With MEMBERSHIP_TRUSTED_PROXY_COUNT = N > 0, each of the N proxies in front of the app
    appended the address it saw to X-Forwarded-For, so the reader's address is the Nth entry
    from the right. Entries further left come from the client and are ignored: forging them
    gains nothing. A request with fewer entries than N did not come through the proxies, and
    is keyed on REMOTE_ADDR.
    """
    count = conf.trusted_proxy_count()
    if count:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= count and forwarded[-count]:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_key(client, minute):
    # A keyed hash (HMAC with SECRET_KEY): without the key, nobody who reads the cache can
    # go through the address space to find which address a key belongs to.
    digest = salted_hmac("membership.beacon.rate-limit", f"{client}:{minute}", algorithm="sha256")
    return "membership:beacon:" + digest.hexdigest()[:32]


def _over_rate_limit(request):
    # A short-lived counter keyed by a keyed hash of the address; nothing is stored with the
    # totals.
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = rate_limit_key(client_address(request), minute)
    if cache.add(key, 1, 90):
        return False
    try:
        return cache.incr(key) > conf.beacon_rate_limit()
    except ValueError:
        return False


@csrf_exempt  # the one exemption: a CSRF token would break identical, cookie-free article HTML
@never_cache
@require_POST
def beacon(request):
    """Counts an appeal view or click. Form-encoded, same-origin, one event per request."""
    content_type = request.content_type or ""
    if content_type != FORM_CONTENT_TYPE:
        return HttpResponseBadRequest(_("Send the beacon form-encoded."))
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BEACON_BYTES:
        return HttpResponseBadRequest(_("The beacon is too large."))
    if not _same_origin(request):
        return HttpResponseForbidden(_("The beacon only accepts same-origin requests."))
    if _over_rate_limit(request):
        return HttpResponse(_("Too many requests."), status=429, content_type="text/plain")
    try:
        body = request.body
    except Exception:  # noqa: BLE001 - a body that cannot be read is a bad request
        return HttpResponseBadRequest(_("The beacon could not be read."))
    if len(body) > MAX_BEACON_BYTES:
        return HttpResponseBadRequest(_("The beacon is too large."))
    data = request.POST
    if set(data.keys()) != {"appeal", "event"} or any(len(data.getlist(k)) != 1 for k in data):
        return HttpResponseBadRequest(_("Send exactly one appeal and one event."))
    appeal_id, event = data["appeal"], data["event"]
    if event not in BEACON_EVENTS:
        return HttpResponseBadRequest(_("Unknown event."))
    # ASCII digits only: str.isdigit() also accepts "²" (int() raises) and "１" (int() reads 1).
    valid_id = appeal_id.isascii() and appeal_id.isdigit() and len(appeal_id) <= MAX_ID_DIGITS
    if not valid_id or not Appeal.objects.live().filter(pk=int(appeal_id)).exists():
        return HttpResponseBadRequest(_("Unknown appeal."))
    stats.record(int(appeal_id), event)
    return HttpResponse(status=204)
