"""The CRM feature's own settings, from the environment (or `.env`), beside Pacer's `Settings`:

- `ZOHO_CLIENT_ID`, `ZOHO_CLIENT_SECRET`: Pacer's client in the Zoho API console (Multi-DC enabled);
- `ZOHO_REDIRECT_URI`: the callback Zoho sends the admin back to, `https://YOUR-HOST/crm/zoho/callback`;
- `PACER_CRM_ZOHO_SERVERS`, `PACER_CRM_FXIAOKE_CLOUDS`: for a test (or a relay), the allow-lists replaced
  by the servers named here (JSON: `{"us": "http://127.0.0.1:8123"}`, `["http://127.0.0.1:8123"]`).
  Unset, the allow-lists are Zoho's and Fxiaoke's published hosts.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.crm.integrations.fxiaoke import CLOUDS
from bot.crm.integrations.zoho import DATA_CENTRES, DataCentre, ZohoClientApp
from bot.secrets import Secret

CALLBACK_PATH = "/crm/zoho/callback"


class CrmSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    zoho_client_id: str | None = None
    zoho_client_secret: SecretStr | None = None
    zoho_redirect_uri: str | None = None
    pacer_crm_zoho_servers: dict[str, str] = {}
    pacer_crm_fxiaoke_clouds: list[str] = []

    def zoho_app(self) -> ZohoClientApp | None:
        """Pacer's Zoho client, or None when it is not set up."""
        if not (self.zoho_client_id and self.zoho_client_secret and self.zoho_redirect_uri):
            return None
        return ZohoClientApp(
            self.zoho_client_id, Secret(self.zoho_client_secret.get_secret_value()), self.zoho_redirect_uri
        )

    def centres(self) -> Mapping[str, DataCentre]:
        if not self.pacer_crm_zoho_servers:
            return DATA_CENTRES
        return {
            location: DataCentre(location, url.rstrip("/"), url.rstrip("/"))
            for location, url in self.pacer_crm_zoho_servers.items()
        }

    def clouds(self) -> frozenset[str]:
        if not self.pacer_crm_fxiaoke_clouds:
            return CLOUDS
        return frozenset(url.rstrip("/") for url in self.pacer_crm_fxiaoke_clouds)
