from urllib.parse import urlsplit

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import conf, ratelimit, stats
from ..forms import BeaconForm

MAX_BEACON_BYTES = 256
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
BEACON_PERIOD = 60  # seconds: MEMBERSHIP_BEACON_RATE_LIMIT is per minute


def _same_origin(request):
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False
    parts = urlsplit(origin)
    return f"{parts.netloc}" == request.get_host() and parts.scheme == request.scheme


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
    # Limited after the origin check, so a foreign page cannot spend a reader's allowance;
    # counting is reading, so it fails open when the cache is down.
    limit = ratelimit.hit(
        request, "beacon", limit=conf.beacon_rate_limit(), period=BEACON_PERIOD, fail_open=True
    )
    if not limit.allowed:
        return ratelimit.refusal(limit)
    try:
        body = request.body
    except Exception:  # noqa: BLE001 - a body that cannot be read is a bad request
        return HttpResponseBadRequest(_("The beacon could not be read."))
    if len(body) > MAX_BEACON_BYTES:
        return HttpResponseBadRequest(_("The beacon is too large."))
    form = BeaconForm(request.POST)
    if not form.is_valid():
        messages = [message for errors in form.errors.values() for message in errors]
        return HttpResponseBadRequest(" ".join(messages))
    stats.record(form.cleaned_data["appeal"].pk, form.cleaned_data["event"])
    return HttpResponse(status=204)
