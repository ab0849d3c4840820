"""Helpers for the patron tests: filling in the sign-up form, reading the links we email."""

import re

from django.core import mail

from membership.members import change_status, find_or_create_member

LINK = re.compile(r"https?://[^/\s]+(/membership/(?:confirm|sign-in)/[^/\s]+/)")
EMAIL = "reader@example.org"


def form_data(chosen_tier, **fields):
    """The sign-up form filled in; a field given as None is left out."""
    data = {"email": EMAIL, "name": "Ada", "tier": str(chosen_tier.pk), "consent": "on"}
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def sign_up(client, signup_page, chosen_tier, *, appeal=None, remote_addr="127.0.0.1", **fields):
    url = f"/membership/sign-up/{signup_page.pk}/"
    if appeal is not None:
        url += f"?appeal={appeal}"
    return client.post(url, form_data(chosen_tier, **fields), REMOTE_ADDR=remote_addr)


def link_in(message):
    """The path of the one link in an email, checked to be the same in both its parts."""
    [path] = set(LINK.findall(message.body))
    [(html, _type)] = message.alternatives
    assert path in html
    return path


def last_link():
    return link_in(mail.outbox[-1])


def member(email=EMAIL, *, status=None, **changes):
    """A member as a webhook or staff would leave them, without going through the form."""
    membership, _created = find_or_create_member(email, name="Ada")
    if status is not None or changes:
        change_status(membership, status or membership.status, **changes)
    return membership


def signed_in(client, membership):
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return membership
