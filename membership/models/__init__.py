from .appeals import Appeal
from .settings import MembershipSettings
from .stats import AppealDay

__all__ = ["Appeal", "AppealDay", "MembershipSettings"]
