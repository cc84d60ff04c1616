"""Every feature's models, imported in one place so alembic and the tests see the whole schema."""

from bot.db.base import Base
from bot.roster.models import Member, Vendor
from bot.workspaces.models import Workspace

__all__ = ["Base", "Member", "Vendor", "Workspace"]
