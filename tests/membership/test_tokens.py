"""membership.tokens: signed, expiring, single-use, and each failure told apart."""

import datetime
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import override_settings
from django.utils import timezone

from membership import tokens
from membership.models import UsedToken

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def made_ago(seconds, purpose=tokens.CONFIRM, user_pk=7):
    with mock.patch("time.time", return_value=time.time() - seconds):
        return tokens.make(purpose, user_pk)


def test_a_token_names_its_user_for_its_purpose_only():
    token = tokens.make(tokens.CONFIRM, 7)
    assert tokens.read(token, tokens.CONFIRM) == 7
    with pytest.raises(tokens.Tampered):
        tokens.read(token, tokens.SIGN_IN)


def test_two_tokens_for_one_member_are_different_and_independent():
    first, second = tokens.make(tokens.SIGN_IN, 7), tokens.make(tokens.SIGN_IN, 7)
    assert first != second
    tokens.use(first, tokens.SIGN_IN)
    assert tokens.use(second, tokens.SIGN_IN) == 7


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: ("X" if t[0] != "X" else "Y") + t[1:],  # the payload
        lambda t: t[: len(t) // 2],  # truncated, as mail clients sometimes do
        lambda t: t + "x",
        lambda t: "",
        lambda t: "not-a-token",
        lambda t: "a:b:c",
        lambda t: t * 4,  # over the length any token of ours has
        lambda t: t.replace(":", "é", 1),
    ],
)
def test_a_tampered_or_forged_token_is_tampered(change):
    token = change(tokens.make(tokens.CONFIRM, 7))
    with pytest.raises(tokens.Tampered) as raised:
        tokens.read(token, tokens.CONFIRM)
    assert raised.value.status == 400


def test_a_token_signed_with_another_key_is_tampered():
    with override_settings(SECRET_KEY="another-key-entirely"):
        token = tokens.make(tokens.CONFIRM, 7)
    with pytest.raises(tokens.Tampered):
        tokens.read(token, tokens.CONFIRM)


def test_something_else_we_signed_with_the_same_salt_is_not_a_token():
    token = signing.dumps({"user": 7}, salt="membership.tokens.confirm")
    with pytest.raises(tokens.Tampered):
        tokens.read(token, tokens.CONFIRM)


def test_a_token_expires_after_the_max_age(settings):
    assert tokens.read(made_ago(DAY - 60), tokens.CONFIRM) == 7
    with pytest.raises(tokens.Expired) as raised:
        tokens.read(made_ago(DAY + 60), tokens.CONFIRM)
    assert raised.value.status == 410
    settings.MEMBERSHIP_TOKEN_MAX_AGE = 600
    with pytest.raises(tokens.Expired):
        tokens.read(made_ago(660), tokens.CONFIRM)


def test_an_expired_token_that_was_also_tampered_with_is_tampered():
    token = made_ago(DAY + 60)
    with pytest.raises(tokens.Tampered):
        tokens.read(token[:-2] + "AA", tokens.CONFIRM)


def test_a_token_works_once_and_check_never_uses_it():
    token = tokens.make(tokens.SIGN_IN, 7)
    assert tokens.check(token, tokens.SIGN_IN) == 7
    assert tokens.check(token, tokens.SIGN_IN) == 7
    assert tokens.use(token, tokens.SIGN_IN) == 7
    for attempt in (tokens.check, tokens.use):
        with pytest.raises(tokens.Used) as raised:
            attempt(token, tokens.SIGN_IN)
        assert raised.value.status == 410


def test_only_a_digest_of_a_used_token_is_kept():
    token = tokens.make(tokens.SIGN_IN, 7)
    tokens.use(token, tokens.SIGN_IN)
    [used] = UsedToken.objects.all()
    assert used.digest == tokens.digest(token) != token
    assert token not in used.digest


def test_records_of_tokens_that_have_expired_anyway_are_pruned():
    old = UsedToken.objects.create(
        digest="a" * 64, used_at=timezone.now() - datetime.timedelta(seconds=DAY + 1)
    )
    recent = UsedToken.objects.create(
        digest="b" * 64, used_at=timezone.now() - datetime.timedelta(seconds=DAY - 60)
    )
    tokens.use(tokens.make(tokens.SIGN_IN, 7), tokens.SIGN_IN)
    kept = set(UsedToken.objects.values_list("pk", flat=True))
    assert old.pk not in kept
    assert recent.pk in kept
