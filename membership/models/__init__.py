from .appeals import Appeal
from .members import Membership, Tier, WebhookEvent
from .pages import SignupPage
from .settings import MembershipSettings
from .stats import AppealDay
from .tokens import UsedToken

__all__ = [
    "Appeal",
    "AppealDay",
    "Membership",
    "MembershipSettings",
    "SignupPage",
    "Tier",
    "UsedToken",
    "WebhookEvent",
]
