"""The membership app's settings, each read here with its default.

Every setting is namespaced MEMBERSHIP_ and optional; read them through these functions
(never at import time), so a settings override in a test or a deployment takes effect.
"""

from django.conf import settings

DEFAULTS = {
    # How many reverse proxies (load balancer, CDN, TLS terminator) stand in front of the app
    # and append the address they saw to X-Forwarded-For. 0: use REMOTE_ADDR as it is. N > 0:
    # the reader's address is the Nth entry from the right of X-Forwarded-For; entries further
    # left were written by the client and can be forged.
    "MEMBERSHIP_TRUSTED_PROXY_COUNT": 0,
    # Appeal beacons accepted per reader (per address, as above) per minute.
    "MEMBERSHIP_BEACON_RATE_LIMIT": 120,
    # The cache alias that counts rate limits (membership.ratelimit). Point it at a cache whose
    # errors raise (a plain RedisCache), not at one that hides them: a limiter that cannot
    # count must know it, to refuse sign-ups and votes while letting reads through.
    "MEMBERSHIP_RATELIMIT_CACHE": "default",
    # Payments. Empty: that part is off (the project sets them from the environment).
    "MEMBERSHIP_STRIPE_SECRET_KEY": "",  # STRIPE_SECRET_KEY: Checkout and the customer portal
    "MEMBERSHIP_STRIPE_WEBHOOK_SECRET": "",  # STRIPE_WEBHOOK_SECRET: whsec_…
    "MEMBERSHIP_PATREON_WEBHOOK_SECRET": "",  # PATREON_WEBHOOK_SECRET
    "MEMBERSHIP_PATREON_CAMPAIGN_URL": "",  # PATREON_CAMPAIGN_URL: where Patreon patrons pay
    # Seconds a link emailed to a member (confirming a sign-up, signing in) stays valid.
    "MEMBERSHIP_TOKEN_MAX_AGE": 24 * 60 * 60,
    # Sign-up and sign-in requests accepted per minute from one address, and for one email.
    "MEMBERSHIP_SIGNUP_RATE_LIMIT": 5,
    "MEMBERSHIP_SIGNIN_RATE_LIMIT": 5,
    # The page types staff may choose as the articles that covered a topic ("app.Model").
    "MEMBERSHIP_COVERAGE_PAGE_TYPES": ["articles.ArticlePage"],
    # Votes (and withdrawals) accepted per member per minute: enough for a patron clicking
    # through a whole round, too few for a script.
    "MEMBERSHIP_VOTE_RATE_LIMIT": 60,
    # Topic suggestions accepted per member per minute (each round also caps them at 3).
    "MEMBERSHIP_SUGGEST_RATE_LIMIT": 5,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def trusted_proxy_count():
    return max(int(get("MEMBERSHIP_TRUSTED_PROXY_COUNT")), 0)


def beacon_rate_limit():
    return int(get("MEMBERSHIP_BEACON_RATE_LIMIT"))


def ratelimit_cache():
    return get("MEMBERSHIP_RATELIMIT_CACHE")


def stripe_secret_key():
    return get("MEMBERSHIP_STRIPE_SECRET_KEY") or ""


def stripe_webhook_secret():
    return get("MEMBERSHIP_STRIPE_WEBHOOK_SECRET") or ""


def patreon_webhook_secret():
    return get("MEMBERSHIP_PATREON_WEBHOOK_SECRET") or ""


def patreon_campaign_url():
    return get("MEMBERSHIP_PATREON_CAMPAIGN_URL") or ""


def token_max_age():
    return int(get("MEMBERSHIP_TOKEN_MAX_AGE"))


def signup_rate_limit():
    return int(get("MEMBERSHIP_SIGNUP_RATE_LIMIT"))


def signin_rate_limit():
    return int(get("MEMBERSHIP_SIGNIN_RATE_LIMIT"))


def coverage_page_types():
    return list(get("MEMBERSHIP_COVERAGE_PAGE_TYPES"))


def vote_rate_limit():
    return int(get("MEMBERSHIP_VOTE_RATE_LIMIT"))


def suggest_rate_limit():
    return int(get("MEMBERSHIP_SUGGEST_RATE_LIMIT"))
