"""factory_boy factories for the membership app: appeals, tiers, the sign-up and topics
pages, voting rounds and topics."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from membership.models import Appeal, SignupPage, Tier, Topic, TopicsPage, VotingRound
from tests.factories import PublishedPageFactory


class AppealFactory(DjangoModelFactory):
    """Creates an Appeal and publishes it; `live=False` saves it as a draft revision only.

    Tags and pins are given as lists: `include_tags=[tag]`, `exclude_tags=[...]`,
    `pinned_pages=[page]`.
    """

    class Meta:
        model = Appeal

    name = factory.Sequence(lambda n: f"Appeal {n}")
    heading = factory.Sequence(lambda n: f"Support our reporting {n}")
    body = "<p>We depend on readers like you.</p>"
    cta_label = "Become a patron"
    secondary_label = "see other ways to support"
    placement = Appeal.Placement.END
    weight = 1

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        live=True,
        include_tags=(),
        exclude_tags=(),
        pinned_pages=(),
        **kwargs,
    ):
        appeal = model_class(*args, live=False, **kwargs)
        appeal.save()
        if include_tags:
            appeal.include_tags.set(include_tags)
        if exclude_tags:
            appeal.exclude_tags.set(exclude_tags)
        if pinned_pages:
            appeal.pinned_pages.set(pinned_pages)
        appeal.save()
        revision = appeal.save_revision()
        if live:
            revision.publish()
        return model_class.objects.get(pk=appeal.pk)


class TierFactory(DjangoModelFactory):
    class Meta:
        model = Tier

    name = factory.Sequence(lambda n: f"Tier {n}")
    amount = Decimal("5.00")
    currency = "EUR"
    perks = "A vote each round\nFewer appeals"
    votes_per_round = 2


class SignupPageFactory(PublishedPageFactory):
    """A live sign-up page at /support/ under the home page."""

    class Meta:
        model = SignupPage

    title = "Support us"
    slug = "support"
    intro = "<p>Become a patron.</p>"
    consent_text = "Yes, email me about my membership."
    other_ways = "<p>Tell a friend about us.</p>"


class TopicsPageFactory(PublishedPageFactory):
    """A live topics page at /topics/ under the home page."""

    class Meta:
        model = TopicsPage

    title = "What should we cover next?"
    slug = "topics"
    intro = "<p>Patrons choose.</p>"


class VotingRoundFactory(DjangoModelFactory):
    """A round open now, for a day."""

    class Meta:
        model = VotingRound

    title = factory.Sequence(lambda n: f"Round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + datetime.timedelta(days=1))


class TopicFactory(DjangoModelFactory):
    """An open topic of a round."""

    class Meta:
        model = Topic

    round = factory.SubFactory(VotingRoundFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")
    description = "Why it matters."
    status = Topic.Status.OPEN
