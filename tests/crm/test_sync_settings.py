"""The CRM settings: which CRM (set, or inferred from whose credentials are given), clear errors for an unknown CRM
or missing credentials, secrets that never show; and the connector the factory builds from them."""

from __future__ import annotations

import sys
import types
from zoneinfo import ZoneInfo

import pytest

from bot.logs import settings_secrets
from bot.runtime import SettingsError, load_settings
from bot.settings import Settings
from crm.factory import connector_from
from tests.bot.cli_runner import SETTINGS

SALESFORCE_LOGIN = {"SALESFORCE_USERNAME": "anna@acme.test", "SALESFORCE_PASSWORD": "pw-123456",
                    "SALESFORCE_SECURITY_TOKEN": "sec-123456"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """Settings from these variables alone (no .env file, none of the developer's)."""
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)

    def given(**variables: str) -> Settings:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return load_settings()

    return given


def test_the_crm_is_inferred_from_the_one_whose_credentials_are_given(env) -> None:
    assert env().crm is None
    hubspot = env(HUBSPOT_ACCESS_TOKEN="pat-eu1-123456")
    assert (hubspot.crm, hubspot.hubspot_api_url, hubspot.crm_sync_minutes) == ("hubspot", "https://api.hubapi.com", 5)


@pytest.mark.parametrize("variables", [
    {"SALESFORCE_INSTANCE_URL": "https://acme.my.salesforce.com/", "SALESFORCE_ACCESS_TOKEN": "00Dxx!AQ4"},
    SALESFORCE_LOGIN,
    {**SALESFORCE_LOGIN, "CRM": "Salesforce", "HUBSPOT_ACCESS_TOKEN": "pat-eu1-123456"},
])
def test_salesforce_takes_a_session_or_a_login(env, variables: dict[str, str]) -> None:
    settings = env(**variables)
    assert (settings.crm, settings.salesforce_domain) == ("salesforce", "login")
    assert settings.salesforce_instance_url in (None, "https://acme.my.salesforce.com")


@pytest.mark.parametrize(("variables", "message"), [
    ({"CRM": "pipedrive"}, "CRM: Value error, unknown CRM 'pipedrive': use hubspot or salesforce"),
    ({"CRM": "hubspot"}, "CRM: Value error, hubspot needs HUBSPOT_ACCESS_TOKEN (a private app's access token)"),
    ({"CRM": "hubspot", "HUBSPOT_ACCESS_TOKEN": " "}, "hubspot needs HUBSPOT_ACCESS_TOKEN"),
    ({"HUBSPOT_ACCESS_TOKEN": "pat-1", "SALESFORCE_ACCESS_TOKEN": "00D"},
     "both HubSpot and Salesforce settings are given: set CRM to hubspot or salesforce"),
    ({"SALESFORCE_USERNAME": "anna@acme.test"},
     "salesforce needs SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN too (it takes SALESFORCE_INSTANCE_URL with "
     "SALESFORCE_ACCESS_TOKEN, or SALESFORCE_USERNAME, SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN)"),
    ({"SALESFORCE_ACCESS_TOKEN": "00D"}, "salesforce needs SALESFORCE_INSTANCE_URL too"),
    ({"HUBSPOT_ACCESS_TOKEN": "pat-1", "HUBSPOT_API_URL": "api.hubapi.com"}, "HUBSPOT_API_URL: Value error, must be "
                                                                             "an http(s) URL"),
    ({"HUBSPOT_ACCESS_TOKEN": "pat-1", "CRM_SYNC_MINUTES": "0"}, "CRM_SYNC_MINUTES: Input should be greater than"),
])
def test_a_bad_crm_setting_says_what_to_set(env, variables: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        env(**variables)
    assert message in str(raised.value)


def test_crm_secrets_never_show_and_the_logs_mask_them(env) -> None:
    settings = env(**SALESFORCE_LOGIN, SALESFORCE_INSTANCE_URL="https://acme.my.salesforce.com",
                   SALESFORCE_ACCESS_TOKEN="00Dxx!AQ4-session")
    shown = f"{settings!r} {settings} {settings.model_dump()}"
    for secret in ("pw-123456", "sec-123456", "00Dxx!AQ4-session"):
        assert secret not in shown
        assert secret in settings_secrets(settings)


def test_the_factory_builds_the_configured_connector(env, monkeypatch: pytest.MonkeyPatch) -> None:
    built = []

    def module(name: str, cls: str) -> types.ModuleType:
        made = types.ModuleType(name)
        setattr(made, cls, lambda *args, **kwargs: built.append((cls, args, kwargs)) or cls)
        return made

    monkeypatch.setitem(sys.modules, "crm.hubspot", module("crm.hubspot", "HubSpotConnector"))
    monkeypatch.setitem(sys.modules, "crm.salesforce", module("crm.salesforce", "SalesforceConnector"))

    assert connector_from(env()) is None
    assert connector_from(env(HUBSPOT_ACCESS_TOKEN="pat-1", HUBSPOT_API_URL="http://127.0.0.1:9/")) == \
        "HubSpotConnector"
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    assert connector_from(env(**SALESFORCE_LOGIN, SALESFORCE_DOMAIN="test")) == "SalesforceConnector"
    assert built == [
        ("HubSpotConnector", ("pat-1", "http://127.0.0.1:9"), {"timezone": ZoneInfo("Europe/Amsterdam")}),
        ("SalesforceConnector", (), {"instance_url": None, "access_token": None, "username": "anna@acme.test",
                                     "password": "pw-123456", "security_token": "sec-123456", "domain": "test"})]


def test_the_factorys_arguments_fit_the_real_connectors(env, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.hubspot import HubSpotConnector
    from crm.salesforce import SalesforceConnector

    hubspot = connector_from(env(HUBSPOT_ACCESS_TOKEN="pat-1", HUBSPOT_API_URL="http://127.0.0.1:9"))
    assert isinstance(hubspot, HubSpotConnector) and hubspot.calls == 0  # nothing is sent until it is used
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    assert isinstance(connector_from(env(**SALESFORCE_LOGIN)), SalesforceConnector)
    for name in SALESFORCE_LOGIN:
        monkeypatch.delenv(name)
    session = connector_from(env(SALESFORCE_INSTANCE_URL="http://127.0.0.1:9", SALESFORCE_ACCESS_TOKEN="00Dxx!AQ4"))
    assert isinstance(session, SalesforceConnector) and session.calls == 0
