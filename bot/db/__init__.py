"""Storage: one declarative base, engine and session factory, alembic migrations."""

from bot.db.base import Base, UTCDateTime, database_now, utcnow
from bot.db.engine import ReadOnly, SessionFactory, make_engine, make_session_factory, read_only

__all__ = [
    "Base",
    "ReadOnly",
    "SessionFactory",
    "UTCDateTime",
    "database_now",
    "make_engine",
    "make_session_factory",
    "read_only",
    "utcnow",
]
