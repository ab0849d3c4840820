"""The tokens in the links we email members: signed, expiring, single-use, one per purpose.

A token is Django's `signing.dumps()` of the member's user id and a random nonce, salted with
its purpose, so a sign-in token never confirms a sign-up and the reverse. It expires after
MEMBERSHIP_TOKEN_MAX_AGE seconds. Using it records the SHA-256 of the token (UsedToken, under
a unique constraint, in the transaction of what it does), so it works once, even when two
requests race with it. Records are pruned once their token would have expired anyway.

Each failure has its own answer (TokenError.status):
- forged, tampered, truncated, or of another purpose: 400;
- expired, or already used: 410;
- the member it names has been deleted (or can no longer sign in this way): 410. The link
  was genuine, and what it pointed at is gone.

Why Django's signing with a used-token record rather than django-sesame (3.2.5 was read for
this): sesame's `get_user()` and `parse_token()` answer None for every failure and only log
the reason at debug level, so a tampered link cannot be told from an expired one. Its
one-time tokens work by signing the user's `last_login`, so a used token fails as a bad
signature, the same as a forged one, and every sign-in revokes every link still in the
member's inbox. `signing.loads()` raises SignatureExpired only for a valid signature and
BadSignature otherwise, and the used-token record says "used" for itself.
"""

import datetime
import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import conf
from .models import UsedToken

CONFIRM = "confirm"
SIGN_IN = "sign-in"
PURPOSES = (CONFIRM, SIGN_IN)
# Ours are about 70 characters; anything much longer is not one, and is not worth hashing.
MAX_LENGTH = 200


class TokenError(Exception):
    status = 400
    message = _("This link is not valid. It may have been copied incompletely.")


class Tampered(TokenError):
    pass


class Expired(TokenError):
    status = 410
    message = _("This link has expired.")


class Used(TokenError):
    status = 410
    message = _("This link has already been used.")


class Gone(TokenError):
    status = 410
    message = _("This link belongs to a membership that no longer exists.")


def _salt(purpose):
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown token purpose: {purpose!r}")
    return f"membership.tokens.{purpose}"


def make(purpose, user_pk):
    # The nonce keeps two links sent in the same second apart: using one leaves the other.
    return signing.dumps([user_pk, secrets.token_urlsafe(6)], salt=_salt(purpose))


def read(token, purpose):
    """The user id a token names; raises a TokenError when it is not a valid, unexpired token
    of this purpose. Reads nothing from the database."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        raise Tampered
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=conf.token_max_age())
    except signing.SignatureExpired as error:
        raise Expired from error
    except signing.BadSignature as error:
        raise Tampered from error
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise Tampered  # signed by us, but not as a token: another use of the secret key
    return payload[0]


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def check(token, purpose):
    """As `read`, and raises Used when the token has been used. Changes nothing."""
    user_pk = read(token, purpose)
    if UsedToken.objects.filter(digest=digest(token)).exists():
        raise Used
    return user_pk


@transaction.atomic
def use(token, purpose):
    """As `check`, and records the token as used: call it in the transaction of what the token
    does, so a failure there leaves the token unused."""
    user_pk = read(token, purpose)
    try:
        with transaction.atomic():
            UsedToken.objects.create(digest=digest(token))
    except IntegrityError as error:
        raise Used from error
    expired_before = timezone.now() - datetime.timedelta(seconds=conf.token_max_age())
    UsedToken.objects.filter(used_at__lt=expired_before).delete()
    return user_pk
