from .appeals import Appeal
from .members import Membership, Tier, WebhookEvent
from .pages import SignupPage, TopicsPage
from .settings import MembershipSettings
from .stats import AppealDay
from .tokens import UsedToken
from .voting import Topic, Vote, VotingRound

__all__ = [
    "Appeal",
    "AppealDay",
    "Membership",
    "MembershipSettings",
    "SignupPage",
    "Tier",
    "Topic",
    "TopicsPage",
    "UsedToken",
    "Vote",
    "VotingRound",
    "WebhookEvent",
]
