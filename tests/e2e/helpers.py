"""What several browser journeys share: their timeout, the seed story's title, reading the
links we email, signing a member in through the real magic-link pages, and signing an editor
in to the admin."""

import re

from django.core import mail

# How long a step may take: a page, a click, an answer (pages and assertions alike).
TIMEOUT_MS = 20_000
SEED_TITLE = "North Korea ships “7,000 containers of military aid to Russia”"
# The editors' password in the journeys (their username is "editor").
PASSWORD = "correct horse battery staple"


def emailed_link(pattern):
    """The last email's link that matches `pattern` (a path), as a path on the site."""
    body = mail.outbox[-1].body
    match = re.search(rf"https?://[^/\s]+({pattern}[^\s]*)", body)
    assert match, body
    return match.group(1)


def sign_in_by_email(page, email):
    """Asks for a sign-in link on the sign-in page, opens the emailed link and confirms it;
    ends on the member's account page."""
    page.goto("/membership/sign-in/")
    page.get_by_role("textbox", name=re.compile("email", re.IGNORECASE)).fill(email)
    sent = len(mail.outbox)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("link", re.IGNORECASE)).click()
    assert len(mail.outbox) == sent + 1
    page.goto(emailed_link("/membership/sign-in/"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/membership/account/$"))


def sign_in_to_admin(page, username="editor", password=PASSWORD):
    """Signs in through the admin's login form; ends on the dashboard."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
