"""The typed rows a CRM or a spreadsheet gives Pacer; the rest of Pacer never sees a vendor's shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ClosedDeal:
    owner_id: str
    external_id: str
    amount: Decimal
    currency: str
    closed_on: date


@dataclass(frozen=True)
class NewAccount:
    owner_id: str
    external_id: str
    created_on: date


@dataclass(frozen=True)
class PipelineFigure:
    owner_id: str
    amount: Decimal
    currency: str
    as_of: date


@dataclass(frozen=True)
class Owner:
    external_id: str
    email: str
    name: str
