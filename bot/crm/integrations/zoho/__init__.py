"""Zoho CRM: OAuth against the caller's data centre (`auth`) and COQL reads as a `Connector` (`client`)."""

from bot.crm.integrations.zoho.auth import (
    DATA_CENTRES,
    DataCentre,
    Grant,
    ZohoClientApp,
    ZohoOAuth,
    data_centre,
)
from bot.crm.integrations.zoho.client import ZohoConnector

__all__ = [
    "DATA_CENTRES",
    "DataCentre",
    "Grant",
    "ZohoClientApp",
    "ZohoConnector",
    "ZohoOAuth",
    "data_centre",
]
