"""The connector the settings name, built on first use: `crm.hubspot` and `crm.salesforce` (and their SDKs) are
imported only for the CRM that is configured.

The constructors, as the connectors define them: `crm.hubspot.HubSpotConnector(access_token, base_url,
timezone=…)`, the HubSpot account's time zone for close dates (the coach's, COACH_TIMEZONE, is the best guess
the settings offer); `crm.salesforce.SalesforceConnector(instance_url=…, access_token=…, username=…, password=…,
security_token=…, domain=…)`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from crm.connector import CrmConnector

if TYPE_CHECKING:
    from bot.settings import Settings


def connector_from(settings: Settings) -> CrmConnector | None:
    """The configured CRM's connector; None when no CRM is configured (the coach's own database is the CRM)."""
    if settings.crm == "hubspot":
        hubspot = import_module("crm.hubspot")
        return hubspot.HubSpotConnector(_secret(settings.hubspot_access_token), settings.hubspot_api_url,
                                        timezone=ZoneInfo(settings.coach_timezone))
    if settings.crm == "salesforce":
        salesforce = import_module("crm.salesforce")
        return salesforce.SalesforceConnector(
            instance_url=settings.salesforce_instance_url, access_token=_secret(settings.salesforce_access_token),
            username=settings.salesforce_username, password=_secret(settings.salesforce_password),
            security_token=_secret(settings.salesforce_security_token), domain=settings.salesforce_domain)
    return None


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None
