import json

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from membership import conf
from membership.payments import testing

PROVIDERS = {
    "stripe": {
        "events": testing.STRIPE_EVENTS,
        "secret": conf.stripe_webhook_secret,
        "setting": "STRIPE_WEBHOOK_SECRET",
        "url": "membership:stripe_webhook",
    },
    "patreon": {
        "events": testing.PATREON_EVENTS,
        "secret": conf.patreon_webhook_secret,
        "setting": "PATREON_WEBHOOK_SECRET",
        "url": "membership:patreon_webhook",
    },
}


class Command(BaseCommand):
    help = (
        "Send a webhook event to a running site, built and signed as Stripe or Patreon would "
        "(with this site's STRIPE_WEBHOOK_SECRET or PATREON_WEBHOOK_SECRET, or --secret)."
    )

    def add_arguments(self, parser):
        parser.add_argument("provider", choices=sorted(PROVIDERS))
        parser.add_argument("--email", required=True, help=_("The patron's email."))
        parser.add_argument(
            "--event",
            help=_(
                "Stripe: %(stripe)s (default: the first). Patreon: %(patreon)s (default: the "
                "first)."
            )
            % {
                "stripe": ", ".join(testing.STRIPE_EVENTS),
                "patreon": ", ".join(testing.PATREON_EVENTS),
            },
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help=_("The site (default: %(default)s).")
        )
        parser.add_argument(
            "--status",
            help=_(
                "Stripe: the subscription's status (active, past_due, canceled…). "
                "Patreon: patron_status (active_patron, declined_patron, former_patron)."
            ),
        )
        parser.add_argument(
            "--tier-id", default="", help=_("Stripe: the price id. Patreon: the tier id.")
        )
        parser.add_argument(
            "--reference",
            help=_("Stripe Checkout: client_reference_id, the Membership's id."),
        )
        parser.add_argument("--secret", help=_("Sign with this secret instead of the site's."))

    def handle(self, *args, **options):
        provider = PROVIDERS[options["provider"]]
        event_name = options["event"] or provider["events"][0]
        if event_name not in provider["events"]:
            raise CommandError(
                _("--event must be one of: %(events)s") % {"events": ", ".join(provider["events"])}
            )
        secret = options["secret"] or provider["secret"]()
        if not secret:
            raise CommandError(
                _("%(setting)s is not set (or give --secret): the webhook answers 404 without it.")
                % {"setting": provider["setting"]}
            )
        email = options["email"]
        if options["provider"] == "stripe":
            event = testing.stripe_event(
                event_name,
                email=email,
                reference=options["reference"],
                status=options["status"],
                price_id=options["tier_id"],
            )
            body = testing.encode(event)
            headers = testing.stripe_headers(body, secret)
        else:
            event = testing.patreon_member(
                email=email,
                patron_status=options["status"] or "active_patron",
                tier_ids=[options["tier_id"]] if options["tier_id"] else [],
            )
            body = testing.encode(event)
            headers = testing.patreon_headers(body, secret, event_name)
        url = options["url"].rstrip("/") + reverse(provider["url"])
        try:
            status, text = testing.post(url, body, headers)
        except (OSError, ValueError) as error:
            raise CommandError(
                _("Could not post to %(url)s: %(error)s") % {"url": url, "error": error}
            ) from None
        if options["verbosity"] > 1:
            self.stdout.write(json.dumps(event, indent=2))
        answer = _("%(url)s answered %(status)s: %(text)s") % {
            "url": url,
            "status": status,
            "text": text,
        }
        if status != 200:
            raise CommandError(answer)
        self.stdout.write(self.style.SUCCESS(answer))
