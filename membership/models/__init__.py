from .appeals import Appeal
from .members import Membership, Tier, WebhookEvent
from .settings import MembershipSettings
from .stats import AppealDay

__all__ = ["Appeal", "AppealDay", "Membership", "MembershipSettings", "Tier", "WebhookEvent"]
