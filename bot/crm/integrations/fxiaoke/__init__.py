"""Fxiaoke / 纷享销客: the OpenAPI read as a `Connector` (`client`)."""

from bot.crm.integrations.fxiaoke.client import (
    CLOUDS,
    NEW_OPPORTUNITY,
    OLD_OPPORTUNITY,
    FxiaokeConnector,
    FxiaokeCredentials,
    OpportunityObject,
)

__all__ = [
    "CLOUDS",
    "NEW_OPPORTUNITY",
    "OLD_OPPORTUNITY",
    "FxiaokeConnector",
    "FxiaokeCredentials",
    "OpportunityObject",
]
