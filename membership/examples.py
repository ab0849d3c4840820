"""Example content for a new site: one tier, named as an example, the sign-up page at
/support/ (where appeals lead), the topics page at /topics/, and one example voting round of
three example topics. Each is made only when the site has none, so running this again changes
nothing, and an editor's own tiers, rounds and pages are never touched."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import SignupPage, Tier, Topic, TopicsPage, VotingRound

SUPPORT_SLUG = "support"
TOPICS_SLUG = "topics"
EXAMPLE_ROUND_LENGTH = datetime.timedelta(days=30)


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


def _publish_under(parent, page):
    with transaction.atomic():
        parent.add_child(instance=page)
        page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


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
    return _publish_under(parent, page)


def ensure_topics_page(parent):
    """A live topics page at <parent>/topics/, created when the site has none and the slug is
    free; else None."""
    if TopicsPage.objects.exists() or parent.get_children().filter(slug=TOPICS_SLUG).exists():
        return None
    page = TopicsPage(
        title=_("What should we cover next?"),
        slug=TOPICS_SLUG,
        intro=format_html(
            "<p>{}</p>",
            _(
                "Our patrons choose what we report on next. Each round, patrons vote for the "
                "topics they most want us to cover, and can suggest their own. We tell you "
                "what became of every topic, and link the stories that covered it."
            ),
        ),
        live=False,
    )
    return _publish_under(parent, page)


def example_topics():
    return [
        (
            _("Example: where does the city's water come from?"),
            _("An example topic: edit or delete it in the admin."),
        ),
        (
            _("Example: who owns the empty shops on the high street?"),
            _("An example topic: edit or delete it in the admin."),
        ),
        (
            _("Example: how long do people wait for a GP appointment?"),
            _("An example topic: edit or delete it in the admin."),
        ),
    ]


def ensure_example_round(now=None):
    """An example round, open now for 30 days, of three example topics, created when there is
    no round at all; else None."""
    if VotingRound.objects.exists():
        return None
    now = now or timezone.now()
    with transaction.atomic():
        voting_round = VotingRound.objects.create(
            title=_("Example round: what should we cover next?"),
            intro=_(
                "An example round, to show how voting works: edit it, or delete it and start "
                "your own, in the admin."
            ),
            opens_at=now,
            closes_at=now + EXAMPLE_ROUND_LENGTH,
        )
        for title, description in example_topics():
            Topic.objects.create(
                round=voting_round, title=title, description=description, created_at=now
            )
    return voting_round
