"""The whole schema, from the one list of features (each `Feature` names its models module), so alembic
and the tests see every table without a hand-kept import list. Only alembic and the tests import this."""

from bot.db.base import Base
from bot.features import metadata

SCHEMA = metadata()  # every feature's tables, all registered on `Base`

__all__ = ["SCHEMA", "Base"]
