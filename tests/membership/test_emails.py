"""The emails: sent by a background task, plain text and HTML, links to the site's own address,
and headers that nothing a reader types can reach."""

import json

import pytest
from django.core import mail
from django_tasks import default_task_backend
from wagtail.models import Site

from membership import emails
from membership.members import delete_member
from membership.models import Membership
from tests.membership.patrons import EMAIL, LINK, link_in, member, sign_up

pytestmark = pytest.mark.django_db

INJECTED = "Ada\r\nBcc: victim@example.org\r\nSubject: Free money"


def headers(message):
    return message.message().as_bytes().decode().split("\n\n", 1)[0]


def test_a_name_with_line_breaks_reaches_no_header(client):
    """A name as a payment provider's webhook or staff might store it, unchecked by our form."""
    membership = member()
    Membership.objects.filter(pk=membership.pk).update(name=INJECTED)
    client.post("/membership/sign-in/", {"email": EMAIL})
    [message] = mail.outbox
    assert message.recipients() == [EMAIL]
    assert message.bcc == []
    assert "victim" not in headers(message)
    assert "Free money" not in headers(message)
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Ada" in message.body  # the greeting, in the body only


def test_the_sign_up_form_refuses_such_a_name_before_anything_is_sent(client, signup_page, tier):
    response = sign_up(client, signup_page, tier, name=INJECTED)
    assert response.status_code == 400
    assert mail.outbox == []


def test_a_site_name_with_line_breaks_stays_on_the_subject_line(client):
    Site.objects.filter(is_default_site=True).update(site_name="Daily\r\nBcc: victim@example.org")
    member()
    client.post("/membership/sign-in/", {"email": EMAIL})
    [message] = mail.outbox
    assert message.subject == "Sign in to Daily Bcc: victim@example.org"
    assert message.bcc == [] and message.recipients() == [EMAIL]


def test_mail_is_plain_text_and_html_from_the_default_address(client, settings):
    settings.DEFAULT_FROM_EMAIL = "Newsroom <desk@news.example>"
    member()
    client.post("/membership/sign-in/", {"email": EMAIL})
    [message] = mail.outbox
    assert message.from_email == "Newsroom <desk@news.example>"
    [(html, content_type)] = message.alternatives
    assert content_type == "text/html"
    assert "<a href=" in html and "<a href=" not in message.body
    link_in(message)  # the same link in both


def test_links_point_at_the_sites_address_not_the_host_header(client):
    Site.objects.filter(is_default_site=True).update(hostname="news.example.org", port=443)
    member()
    client.post("/membership/sign-in/", {"email": EMAIL}, HTTP_HOST="attacker.example")
    [message] = mail.outbox
    assert "attacker.example" not in message.body
    assert "https://news.example.org/membership/sign-in/" in message.body


def test_emails_are_queued_as_a_task_that_carries_no_link(client, signup_page, tier, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign_up(client, signup_page, tier)
    assert mail.outbox == []  # nothing sent while the request ran
    [result] = default_task_backend.results
    assert result.task.module_path == "membership.emails.send_link_email"
    queued = json.dumps([result.args, result.kwargs])
    assert "/membership/" not in queued and EMAIL not in queued
    # The worker runs it later, and makes the link then.
    assert result.task.call(*result.args, **result.kwargs) is True
    [message] = mail.outbox
    assert LINK.search(message.body)


def test_a_member_deleted_before_the_worker_runs_gets_nothing(client, signup_page, tier, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign_up(client, signup_page, tier)
    [result] = default_task_backend.results
    delete_member(Membership.objects.get())
    assert result.task.call(*result.args, **result.kwargs) is False
    assert mail.outbox == []


def test_every_kind_of_email_renders(client):
    membership = member()
    for kind in emails.EMAILS:
        emails.send_link_email.call(kind, membership.user_id, "http://x", "Site", "en")
    assert len(mail.outbox) == len(emails.EMAILS)
    assert len({message.subject for message in mail.outbox}) == len(emails.EMAILS)
