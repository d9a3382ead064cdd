"""Settings from the environment or a `.env` file, with the names the contract documents."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coach.i18n import LANGUAGES


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

    @field_validator("coach_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LANGUAGES:
            raise ValueError(f"unsupported language {value!r}; use one of {', '.join(LANGUAGES)}")
        return value
