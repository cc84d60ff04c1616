"""The typed rows a connector hands to Pacer: the rest of Pacer never sees a vendor's API shapes.

A connector (``bot.crm.integrations``) reads its CRM and yields these; ``bot.crm.actuals.record_rows``
turns them into actuals. ``owner_id`` is the CRM's own user id; the owner map turns it into a member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ClosedDeal:
    """A deal won in the CRM: counts once towards ``deals_closed`` and its amount towards ``revenue``."""

    owner_id: str
    external_id: str
    amount: Decimal
    currency: str  # ISO 4217
    closed_on: date


@dataclass(frozen=True)
class NewAccount:
    """An account (customer) created in the CRM: counts once towards ``new_accounts``."""

    owner_id: str
    external_id: str
    created_on: date


@dataclass(frozen=True)
class PipelineFigure:
    """An owner's open pipeline as of a day: the sum of their open deals' amounts in one currency."""

    owner_id: str
    amount: Decimal
    currency: str  # ISO 4217
    as_of: date
    deals: int = 0


CrmRow = ClosedDeal | NewAccount | PipelineFigure
