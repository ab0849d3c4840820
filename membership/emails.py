"""The emails we send members: a link to confirm a sign-up, or to sign in.

They are sent by a django-tasks task, so a slow mail server never holds a request: the
immediate backend runs it inline (development, tests), django-tasks-db's worker later
(production). The task makes the token itself, so no usable link waits in the task queue,
and a member deleted in between gets nothing. Mail is plain text plus HTML, from
DEFAULT_FROM_EMAIL, to the member's address alone. The member's name appears only in the
body: headers are built from our own text, so nothing a reader types can reach them.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail.models import Site

from articles import conf as articles_conf
from articles import meta

from . import conf, tokens
from .models import Membership


@dataclass(frozen=True)
class Email:
    purpose: str  # the token's
    url_name: str
    subject: str


CONFIRM = "confirm"
SIGN_IN = "sign_in"
ALREADY_MEMBER = "already_member"  # someone signed up again with a member's address

EMAILS = {
    CONFIRM: Email(
        tokens.CONFIRM, "membership:confirm", _("Confirm your email address for %(site)s")
    ),
    SIGN_IN: Email(tokens.SIGN_IN, "membership:sign_in_token", _("Sign in to %(site)s")),
    ALREADY_MEMBER: Email(
        tokens.SIGN_IN, "membership:sign_in_token", _("You are already signed up to %(site)s")
    ),
}


def one_line(text):
    """Header text on one line, whatever an editor put in the site's name."""
    return " ".join(str(text).split())


@task()
def send_link_email(kind, user_pk, root_url, site_name, language):
    """Email the member a fresh link of this `kind`. False when they no longer exist."""
    email = EMAILS[kind]
    membership = Membership.objects.select_related("user").filter(user_id=user_pk).first()
    if membership is None or not membership.user.email:
        return False
    token = tokens.make(email.purpose, user_pk)
    now = timezone.now()
    with translation.override(language):
        context = {
            "name": membership.name,
            "site_name": site_name,
            "url": root_url + reverse(email.url_name, args=[token]),
            "valid_for": timeuntil(now + datetime.timedelta(seconds=conf.token_max_age()), now),
        }
        subject = one_line(email.subject % {"site": site_name})
        text = render_to_string(f"membership/emails/{kind}.txt", context)
        html = render_to_string(f"membership/emails/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [membership.user.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def send_link(request, membership, kind):
    """Queue an email of this `kind` to the member. Links point at the Wagtail Site that
    serves this request (its configured address), never at the request's Host header."""
    site = Site.find_for_request(request)
    root_url = meta.absolute_url(request, "/").rstrip("/")
    send_link_email.enqueue(
        kind,
        membership.user_id,
        root_url,
        one_line(articles_conf.site_name(site)),
        translation.get_language() or settings.LANGUAGE_CODE,
    )
