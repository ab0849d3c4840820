"""The About and Privacy pages a new site starts with (`manage.py quickstart`).

Each is created, live, under the home page when the home page has no child with its slug, so
running quickstart again never touches a page an editor has edited, moved or renamed.

The Privacy text says what this software stores. Keep it true when that changes: tests in
tests/test_site_standard_pages.py check the claims that can be checked.
"""

from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail.models import Page

from .models import StandardPage

ABOUT_SLUG = "about"
PRIVACY_SLUG = "privacy"


def _paragraphs(*texts):
    return format_html_join("", "<p>{}</p>", ((text,) for text in texts))


def _section(heading, *texts):
    return format_html("<h2>{}</h2>{}", heading, _paragraphs(*texts))


def _list(*items):
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))


def about_page():
    return StandardPage(
        title=_("About us"),
        slug=ABOUT_SLUG,
        intro=_("Who we are, what we cover, and how to reach us."),
        body=_paragraphs(
            _(
                "We are an independent, reader-funded newsroom. Edit this page in the admin "
                "(Pages → Home → About us) to tell readers who you are, what you cover, who "
                "funds you and how to reach the newsroom."
            ),
            _(
                "Readers who become patrons pay for our reporting and vote on the topics we "
                "cover next."
            ),
        ),
        show_in_menus=True,
        live=False,
    )


def privacy_page():
    body = format_html(
        "{}{}{}{}{}{}",
        _section(
            _("Reading"),
            _(
                "Reading our pages sets no cookies and needs no account. Every reader who is "
                "not signed in gets the same page, so we cannot tell one reader from another."
            ),
            _(
                "Our appeals for support count how many times each appeal was shown and "
                "clicked, as one total per appeal per day. Nothing is kept about who saw or "
                "clicked it."
            ),
            _(
                "To show an appeal less often, and not at all for a week after you close it, "
                "your browser keeps a count of the articles you read, when it last showed an "
                "appeal and when you closed one, in its own local storage. That never leaves "
                "your browser: we do not receive it, and you can clear it with your browsing "
                "data."
            ),
        ),
        _section(
            _("Forms"),
            _(
                "The forms to become a patron and to sign in set one cookie, csrftoken, which "
                "protects them against forged submissions. To stop abuse, we count sign-ups, "
                "sign-ins, votes and suggestions from each internet address for a short time, "
                "under a keyed hash of the address, never the address itself."
            ),
        ),
        _section(
            _("Patrons"),
            _(
                "When you sign in, your browser gets a session cookie that keeps you signed "
                "in, and a cookie, membership_patron, that tells our pages not to ask you for "
                "support. Signing out removes them."
            ),
            _("Your patron account holds:"),
        ),
        _list(
            _("your email address, and your name if you gave it;"),
            _(
                "your tier, your status (pending, active, lapsed or cancelled) and when it "
                "changed, when you signed up, confirmed your email and agreed to our emails;"
            ),
            _(
                "how you pay (Stripe or Patreon), their reference numbers for your payments "
                "and the dates of their notices; never your card details, which stay with them;"
            ),
            _("which of our appeals, if any, you signed up from, and when you last signed in;"),
            _(
                "your votes, whether you asked to hear when a topic is covered, and the topics "
                "you suggested."
            ),
        ),
        _section(
            _("Your data"),
            _(
                "Signed in, your account page lets you download everything we store about you "
                "and delete your account. Deleting it erases your email, name and account; your "
                "votes stay counted in their rounds, with no link to you."
            ),
        ),
        _paragraphs(
            _(
                "Editors: add what your hosting keeps (such as server logs) and how to reach "
                "you about privacy."
            )
        ),
    )
    return StandardPage(
        title=_("Privacy"),
        slug=PRIVACY_SLUG,
        intro=_("What this site stores about its readers and patrons, and what it does not."),
        body=body,
        show_in_menus=True,
        live=False,
    )


def ensure_standard_pages(home):
    """About and Privacy, live under `home`, each made only when `home` has no child with its
    slug. Returns the pages created."""
    # A fresh copy: treebeard trusts the instance's child count when it lists or adds children.
    home = Page.objects.get(pk=home.pk)
    taken = set(
        home.get_children()
        .filter(slug__in=[ABOUT_SLUG, PRIVACY_SLUG])
        .values_list("slug", flat=True)
    )
    created = []
    for build in (about_page, privacy_page):
        page = build()
        if page.slug in taken:
            continue
        with transaction.atomic():
            home.add_child(instance=page)
            page.save_revision().publish()
        created.append(StandardPage.objects.get(pk=page.pk))
    return created
