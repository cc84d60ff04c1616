"""Every feature's models, imported in one place so alembic and the tests see the whole schema."""

from bot.checkins.models import CheckIn
from bot.db.base import Base
from bot.delivery.models import Delivery
from bot.escalations.models import Escalation, EscalationEvent
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.goals.models import Goal, GoalRevision, WeeklyTarget
from bot.interactions.models import Interaction
from bot.roster.models import Member, TeamMembership, Vendor
from bot.workspaces.models import Workspace

__all__ = [
    "Base",
    "CheckIn",
    "Delivery",
    "Escalation",
    "EscalationEvent",
    "FieldFeedback",
    "Goal",
    "GoalRevision",
    "Interaction",
    "ManagerFeedback",
    "Member",
    "TeamMembership",
    "Vendor",
    "WeeklyTarget",
    "Workspace",
]
