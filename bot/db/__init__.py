"""Storage: one declarative base, engine and session factory, alembic migrations."""

from bot.db.base import Base, UTCDateTime, utcnow
from bot.db.engine import SessionFactory, make_engine, make_session_factory

__all__ = ["Base", "SessionFactory", "UTCDateTime", "make_engine", "make_session_factory", "utcnow"]
