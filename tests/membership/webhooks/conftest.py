import pytest

from membership.members import find_or_create_member
from membership.models import Tier

from .sending import PATREON_SECRET, STRIPE_SECRET


@pytest.fixture(autouse=True)
def webhook_secrets(settings):
    """Both webhooks on, and no Stripe API key: webhooks never need one."""
    settings.MEMBERSHIP_STRIPE_SECRET_KEY = ""
    settings.MEMBERSHIP_STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    settings.MEMBERSHIP_PATREON_WEBHOOK_SECRET = PATREON_SECRET


@pytest.fixture
def coffee(db):
    return Tier.objects.create(
        name="Coffee",
        amount="3.00",
        stripe_price_id="price_coffee",
        patreon_tier_id="111",
        sort_order=1,
    )


@pytest.fixture
def paper(db):
    return Tier.objects.create(
        name="Paper",
        amount="10.00",
        stripe_price_id="price_paper",
        patreon_tier_id="222",
        sort_order=2,
    )


@pytest.fixture
def pending(db, coffee):
    """A reader who signed up on the site for the Coffee tier and has not paid yet."""
    membership, _created = find_or_create_member("reader@example.org", name="Ada")
    membership.tier = coffee
    membership.save(update_fields=["tier"])
    return membership
