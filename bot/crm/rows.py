"""The typed rows a connector hands to Pacer: the rest of Pacer never sees a vendor's API shapes.

A connector (``bot.crm.integrations``) reads its CRM and yields these; ``bot.crm.actuals.record_rows``
turns them into actuals. ``owner_id`` is the CRM's own user id; the owner map turns it into a member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.goals.numbers import fits_column

CENT = Decimal("0.01")


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
    skipped: int = 0  # open deals left out: their amount was not a number a column holds


CrmRow = ClosedDeal | NewAccount | PipelineFigure


def column_amount(amount: Decimal) -> Decimal | None:
    """A CRM's amount rounded to the cent, when an amount column holds it; None for NaN, an infinity or
    an amount past the column (a typo in the CRM): that row is skipped and counted, never stored."""
    try:
        cents = amount.quantize(CENT)
    except InvalidOperation:  # an infinity, or more digits than the context keeps
        return None
    return cents if fits_column(cents) else None
