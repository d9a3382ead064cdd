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

    @field_validator("coach_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Amsterdam") from exc
        return value

    @field_validator("coach_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LANGUAGES:
            raise ValueError(f"unsupported language {value!r}; use one of {', '.join(LANGUAGES)}")
        return value
