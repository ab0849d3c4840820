"""Example content for a new site: one tier, named as an example, and the sign-up page at
/support/ (where appeals lead). Each is made only when the site has none, so running this
again changes nothing, and an editor's own tiers and pages are never touched."""

from decimal import Decimal

from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import SignupPage, Tier

SUPPORT_SLUG = "support"


def ensure_example_tier():
    """The example tier, created when there is no tier at all; else None."""
    if Tier.objects.exists():
        return None
    return Tier.objects.create(
        name=_("Example tier: a cup of coffee"),
        amount=Decimal("3.00"),
        currency="EUR",
        votes_per_round=1,
        description=_(
            "An example to edit or replace under Tiers in the admin: the cost of one cup of "
            "coffee a month."
        ),
        perks=_("A vote each round on what we cover next\nFewer appeals on our articles"),
    )


def ensure_signup_page(parent):
    """A live sign-up page at <parent>/support/, created when the site has none and the slug
    is free; else None."""
    if SignupPage.objects.exists() or parent.get_children().filter(slug=SUPPORT_SLUG).exists():
        return None
    page = SignupPage(
        title=_("Support our reporting"),
        slug=SUPPORT_SLUG,
        intro=format_html(
            "<p>{}</p>",
            _(
                "Our small team depends on readers like you. Become a patron for the cost of a "
                "cup of coffee a month, and vote on what we cover next."
            ),
        ),
        other_ways=format_html(
            "<p>{}</p>",
            _("Share our reporting with people who would value it, and tell us what we missed."),
        ),
        live=False,
    )
    with transaction.atomic():
        parent.add_child(instance=page)
        page.save_revision().publish()
    return SignupPage.objects.get(pk=page.pk)
