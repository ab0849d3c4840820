"""The payment providers' webhooks: Stripe's and Patreon's signed events.

Thin: each view checks that its provider's secret is set and the body's size, and hands the
raw body and headers to `membership.payments`, which verifies, reads and applies the event.
Answers: 200 with the outcome (applied, ignored, or a replay: "already processed"); 400 with a
short message for a bad or missing signature or a malformed body, with nothing changed; 404
when the provider's secret is not set. 404 rather than 503: without its secret a webhook is
off by configuration, like payments on a site without keys, not a passing outage; a 503 would
read as one to monitoring, and both make the provider retry and alert its dashboard.
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import conf
from ..payments import patreon_events, stripe_events
from ..payments.events import MalformedEvent, WebhookRejected

MAX_WEBHOOK_BYTES = 1024 * 1024  # 1 MiB; real events are a few KiB


def _raw_body(request):
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_WEBHOOK_BYTES:
        raise MalformedEvent(_("The body is larger than 1 MiB."))
    try:
        return request.body  # read up to CONTENT_LENGTH, no further
    except OSError:  # the client went away mid-body
        raise MalformedEvent(_("The body could not be read.")) from None


def _receive(request, secret, receive, **headers):
    if not secret:
        raise Http404(_("This webhook is not configured."))
    try:
        outcome = receive(_raw_body(request), secret=secret, **headers)
    except WebhookRejected as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return HttpResponse(outcome, content_type="text/plain; charset=utf-8")


# CSRF-exempt: Stripe's and Patreon's servers post these, not a reader's browser, so there is
# no CSRF cookie to send; the signature over the body, keyed with the shared secret, is what
# proves who sent it.
@csrf_exempt
@never_cache
@require_POST
def stripe_webhook(request):
    return _receive(
        request,
        conf.stripe_webhook_secret(),
        stripe_events.receive,
        signature=request.headers.get("Stripe-Signature"),
    )


@csrf_exempt  # as above
@never_cache
@require_POST
def patreon_webhook(request):
    return _receive(
        request,
        conf.patreon_webhook_secret(),
        patreon_events.receive,
        signature=request.headers.get("X-Patreon-Signature"),
        event_name=request.headers.get("X-Patreon-Event"),
    )
