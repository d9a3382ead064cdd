"""Settings from the environment or a `.env` file, with the names the contract documents."""

from __future__ import annotations

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
    coach_workers: int = Field(default=1, ge=0, le=32, validation_alias=AliasChoices("COACH_WORKERS"))

    def slack_missing(self) -> list[str]:
        """The Slack settings still needed to serve Slack over HTTP (none for Socket Mode's signing)."""
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if not self.slack_app_token:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if not value]

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

    @field_validator("coach_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LANGUAGES:
            raise ValueError(f"unsupported language {value!r}; use one of {', '.join(LANGUAGES)}")
        return value
