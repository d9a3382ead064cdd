"""Settings from the environment or a `.env` file, with the names the contract documents."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coach.i18n import LANGUAGES

CRMS = ("hubspot", "salesforce")

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL"))
    coach_timezone: str = Field(default="Europe/Amsterdam", validation_alias=AliasChoices("COACH_TIMEZONE"))
    coach_language: str = Field(default="en", validation_alias=AliasChoices("COACH_LANGUAGE"))
    slack_bot_token: str | None = Field(default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET"))
    slack_app_token: str | None = Field(default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN"))
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias=AliasChoices("SLACK_API_URL"))
    port: int = Field(default=3978, validation_alias=AliasChoices("PORT"))
    microsoft_app_id: str | None = Field(default=None, validation_alias=AliasChoices("MicrosoftAppId"))
    microsoft_app_password: str | None = Field(default=None, validation_alias=AliasChoices("MicrosoftAppPassword"))
    microsoft_app_type: str = Field(default="MultiTenant", validation_alias=AliasChoices("MicrosoftAppType"))
    microsoft_app_tenant_id: str | None = Field(default=None, validation_alias=AliasChoices("MicrosoftAppTenantId"))
    teams_allowed_tenants: str | None = Field(default=None, validation_alias=AliasChoices("TEAMS_ALLOWED_TENANTS"))
    teams_allow_unauthenticated: bool = Field(default=False,
                                              validation_alias=AliasChoices("TEAMS_ALLOW_UNAUTHENTICATED"))
    coach_admins: str | None = Field(default=None, validation_alias=AliasChoices("COACH_ADMINS"))
    coach_workers: int = Field(default=1, ge=0, le=32, validation_alias=AliasChoices("COACH_WORKERS"))
    # Start the coach's clock at this moment (ISO 8601 with offset) instead of now: demos and tests of a
    # running server; it ticks on from there.
    coach_clock: datetime | None = Field(default=None, validation_alias=AliasChoices("COACH_CLOCK"))
    # The CRM (optional: without one, the coach's own database is the CRM). `crm` comes last: its check reads
    # the credentials above it.
    crm_sync_minutes: int = Field(default=5, ge=1, le=1440, validation_alias=AliasChoices("CRM_SYNC_MINUTES"))
    hubspot_access_token: SecretStr | None = Field(default=None, validation_alias=AliasChoices("HUBSPOT_ACCESS_TOKEN"))
    hubspot_api_url: str = Field(default="https://api.hubapi.com", validation_alias=AliasChoices("HUBSPOT_API_URL"))
    salesforce_instance_url: str | None = Field(default=None,
                                                validation_alias=AliasChoices("SALESFORCE_INSTANCE_URL"))
    salesforce_access_token: SecretStr | None = Field(default=None,
                                                      validation_alias=AliasChoices("SALESFORCE_ACCESS_TOKEN"))
    salesforce_username: str | None = Field(default=None, validation_alias=AliasChoices("SALESFORCE_USERNAME"))
    salesforce_password: SecretStr | None = Field(default=None, validation_alias=AliasChoices("SALESFORCE_PASSWORD"))
    salesforce_security_token: SecretStr | None = Field(default=None,
                                                        validation_alias=AliasChoices("SALESFORCE_SECURITY_TOKEN"))
    salesforce_domain: str = Field(default="login", validation_alias=AliasChoices("SALESFORCE_DOMAIN"))
    crm: str | None = Field(default=None, validate_default=True, validation_alias=AliasChoices("CRM"))

    def slack_missing(self) -> list[str]:
        """The Slack settings still needed to serve Slack over HTTP (none for Socket Mode's signing)."""
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if not self.slack_app_token:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if not value]

    def admins(self) -> frozenset[str]:
        return frozenset(a.strip() for a in (self.coach_admins or "").split(",") if a.strip())

    def teams_missing(self) -> list[str]:
        """The Teams settings still needed; none when the operator allows unauthenticated local testing."""
        if self.teams_allow_unauthenticated and not self.microsoft_app_id:
            return []
        needed = {"MicrosoftAppId": self.microsoft_app_id, "MicrosoftAppPassword": self.microsoft_app_password}
        if self.microsoft_app_type.lower() == "singletenant":
            needed["MicrosoftAppTenantId"] = self.microsoft_app_tenant_id
        elif self.microsoft_app_id and not self.microsoft_app_tenant_id:  # a multi-tenant app names whom it serves
            needed["TEAMS_ALLOWED_TENANTS"] = self.teams_allowed_tenants
        return [name for name, value in needed.items() if not value]

    def teams_tenants(self) -> frozenset[str]:
        """Tenants whose activities are served; empty means any, which `teams_missing` allows only for local
        testing without an app id."""
        if self.teams_allowed_tenants:
            return frozenset(t.strip().lower() for t in self.teams_allowed_tenants.split(",") if t.strip())
        return frozenset({self.microsoft_app_tenant_id.lower()}) if self.microsoft_app_tenant_id else frozenset()

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite:", "postgres://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///path/to/file.db or postgresql://user:password@host:5432/database")
        return value or None

    @field_validator("microsoft_app_type")
    @classmethod
    def _known_app_type(cls, value: str) -> str:
        kinds = {"multitenant": "MultiTenant", "singletenant": "SingleTenant", "userassignedmsi": "UserAssignedMSI"}
        if value.strip().lower() not in kinds:
            raise ValueError("use MultiTenant, SingleTenant or UserAssignedMSI")
        return kinds[value.strip().lower()]

    @field_validator("coach_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Amsterdam") from exc
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, like https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("coach_clock")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the moment with its offset, like 2027-01-05T10:00:00+01:00")
        return value

    def crm_secrets(self) -> list[str]:
        """The CRM's secrets as they are, for the log filter to mask."""
        secrets = (self.hubspot_access_token, self.salesforce_access_token, self.salesforce_password,
                   self.salesforce_security_token)
        return [s.get_secret_value() for s in secrets if s is not None]

    @field_validator("hubspot_api_url", "salesforce_instance_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, like https://api.hubapi.com or https://acme.my.salesforce.com")
        return value.rstrip("/") if value else None

    @field_validator("salesforce_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.strip()
        if not value or "/" in value or " " in value:
            raise ValueError("use login (production), test (a sandbox) or your My Domain, like acme.my")
        return value

    @field_validator("hubspot_access_token", "salesforce_access_token", "salesforce_password",
                     "salesforce_security_token", "salesforce_username")
    @classmethod
    def _empty_is_unset(cls, value):
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        return value if text and text.strip() else None

    @field_validator("crm")
    @classmethod
    def _known_crm(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The CRM to sync: as set, or the one whose settings are given when only one's are; its credentials
        complete."""
        given = {"hubspot": _missing_hubspot(info.data), "salesforce": _missing_salesforce(info.data)}
        value = (value or "").strip().lower() or None
        if value is None:
            wanted = [crm for crm, (_missing, any_set) in given.items() if any_set]
            if len(wanted) > 1:
                raise ValueError("both HubSpot and Salesforce settings are given: set CRM to hubspot or salesforce")
            if not wanted:
                return None
            value = wanted[0]
        if value not in CRMS:
            raise ValueError(f"unknown CRM {value!r}: use hubspot or salesforce, or leave CRM unset to keep the "
                             "coach's own database as the CRM")
        missing, _any_set = given[value]
        if missing:
            raise ValueError(f"{value} needs {missing}")
        return value

    @field_validator("coach_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LANGUAGES:
            raise ValueError(f"unsupported language {value!r}; use one of {', '.join(LANGUAGES)}")
        return value


def _missing_hubspot(data: dict) -> tuple[str | None, bool]:
    """What HubSpot still needs, if anything, and whether any of its credentials is given."""
    token = data.get("hubspot_access_token")
    return (None if token else "HUBSPOT_ACCESS_TOKEN (a private app's access token)"), token is not None


def _missing_salesforce(data: dict) -> tuple[str | None, bool]:
    """What Salesforce still needs: an instance URL with an access token, or a username, password and security
    token; and whether any of them is given."""
    session = {"SALESFORCE_INSTANCE_URL": data.get("salesforce_instance_url"),
               "SALESFORCE_ACCESS_TOKEN": data.get("salesforce_access_token")}
    login = {"SALESFORCE_USERNAME": data.get("salesforce_username"),
             "SALESFORCE_PASSWORD": data.get("salesforce_password"),
             "SALESFORCE_SECURITY_TOKEN": data.get("salesforce_security_token")}
    if all(session.values()) or all(login.values()):
        return None, True
    both = ("SALESFORCE_INSTANCE_URL with SALESFORCE_ACCESS_TOKEN, or SALESFORCE_USERNAME, SALESFORCE_PASSWORD and "
            "SALESFORCE_SECURITY_TOKEN")
    partial = login if any(login.values()) else session if any(session.values()) else None
    if partial is None:
        return both, False
    absent = " and ".join(name for name, value in partial.items() if not value)
    return f"{absent} too (it takes {both})", True
