"""Payments: Stripe Checkout and its customer portal, and the Stripe and Patreon webhooks'
events, each verified, read and applied once.

- `stripe_checkout` sends a confirmed member to Checkout for their tier, and to Stripe's
  customer portal from their account;

- `stripe_events` and `patreon_events` verify a provider's signature, read its event and say
  what it asks of which member;
- `events` applies that change at most once per event (the one place a webhook writes);
- `payload` reads the decoded JSON, each field checked, so a malformed event is refused
  before anything is written;
- `testing` builds and signs events exactly as the providers do, for the tests and for
  `manage.py send_test_webhook`.
"""
