"""Team administration: create teams, add members with a role."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from coach import account_memory
from coach.delivery_window import WeeklyTime
from coach.errors import InputError
from coach.identity import Identity
from storage.models import Account, AccountFact, Deal, FollowUp, Team, User, Visit

WORKING_HOURS = re.compile(
    r"^(always|(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?"
    r"(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)* "
    r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)$"
)
ROLES = ("rep", "manager")


class TeamError(InputError):
    """Bad input for a team command; the message says what and how to fix it."""


def check_identity(identity: str) -> str:
    try:
        return str(Identity.parse(identity))
    except ValueError as exc:
        raise TeamError(str(exc)) from None


def check_country(country: str) -> str:
    """An ISO 3166 country code the `holidays` package knows (for the team's public holidays)."""
    import holidays

    code = country.strip().upper()
    if code not in holidays.list_supported_countries():
        raise TeamError(f"no public holidays known for country {country!r}; use a two-letter code like NL, BE or DE")
    return code


def create_team(session: Session, name: str, timezone: str = "Europe/Amsterdam",
                working_hours: str = "mon-fri 08:00-18:00", country: str | None = None) -> Team:
    name = " ".join(name.split())
    if not name:
        raise TeamError("the team name is empty")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TeamError(f"unknown time zone {timezone!r}; use an IANA name like Europe/Amsterdam") from None
    hours = working_hours.strip().lower()
    if not WORKING_HOURS.match(hours):
        raise TeamError(f"working hours {working_hours!r} not understood; "
                        "write e.g. 'mon-fri 08:00-18:00' or 'always'")
    if country is not None:
        country = check_country(country)
    if session.scalar(select(Team).where(Team.name == name)):
        raise TeamError(f"a team named {name!r} exists already")
    team = Team(name=name, timezone=timezone, working_hours=hours, country=country)
    session.add(team)
    session.flush()
    return team


CHANNEL = re.compile(r"^(slack:[CGD][A-Z0-9]{2,30}|teams:19:[^\s;]{1,250})$")


def update_team(session: Session, name: str, *, channel: str | None = None, prep_days: int | None = None,
                country: str | None = None, working_hours: str | None = None, timezone: str | None = None,
                digest_at: str | None = None, norms: dict[str, int] | None = None) -> Team:
    """Change a team's settings; only the ones given. `channel=""` removes the channel. `norms` sets the
    visits a year of the classes it names (the others keep theirs)."""
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise TeamError(f"no team named {name!r}; create it with: salescoach team create NAME")
    if channel is not None:
        if channel and not CHANNEL.match(channel):
            raise TeamError(f"channel {channel!r} not understood; write slack:C0123 (a Slack channel id) or "
                            "teams:19:…@thread.tacv2 (a Teams channel where the coach was @-mentioned once)")
        team.channel = channel or None
    if prep_days is not None:
        if not 0 <= prep_days <= 10:
            raise TeamError("prep days must be 0 to 10 working days before the visit")
        team.prep_days = prep_days
    if country is not None:
        team.country = check_country(country) if country else None
    if working_hours is not None:
        hours = working_hours.strip().lower()
        if not WORKING_HOURS.match(hours):
            raise TeamError(f"working hours {working_hours!r} not understood; "
                            "write e.g. 'mon-fri 08:00-18:00' or 'always'")
        team.working_hours = hours
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise TeamError(f"unknown time zone {timezone!r}; use an IANA name like Europe/Amsterdam") from None
        team.timezone = timezone
    if digest_at is not None:
        try:
            WeeklyTime.parse(digest_at)
        except ValueError as exc:
            raise TeamError(f"digest time {exc}") from None
        team.digest_at = " ".join(digest_at.lower().split())
    if norms:
        team.contact_norms = {**account_memory.norms(team.contact_norms), **norms}
    session.flush()
    return team


def add_member(session: Session, team_name: str, identity: str, role: str = "rep") -> User:
    """Add (or move) a user to a team. Accounts the user kept on their own move into the team."""
    check_identity(identity)
    if role not in ROLES:
        raise TeamError(f"unknown role {role!r}; use rep or manager")
    team = session.scalar(select(Team).where(Team.name == team_name))
    if team is None:
        raise TeamError(f"no team named {team_name!r}; create it with: salescoach team create NAME")
    user = session.scalar(select(User).where(User.identity == identity))
    if user is None:
        user = User(identity=identity, language="en")
        session.add(user)
        session.flush()
    user.team_id = team.id
    user.role = role
    _move_personal_accounts(session, user, team)
    return user


def _move_personal_accounts(session: Session, user: User, team: Team) -> None:
    """Personal accounts join the team's; one that the team already has is merged by name."""
    team_scope = f"team:{team.id}"
    personal = session.scalars(select(Account).where(Account.scope == f"user:{user.id}")).all()
    for account in personal:
        existing = session.scalar(
            select(Account).where(Account.scope == team_scope, Account.name_key == account.name_key))
        if existing is None:
            account.scope, account.team_id = team_scope, team.id
        else:
            _repoint(session, account.id, existing.id)
            session.delete(account)
    session.flush()


def _repoint(session: Session, old_id: int, new_id: int) -> None:
    for model in (Deal, Visit, FollowUp):
        session.execute(update(model).where(model.account_id == old_id).values(account_id=new_id))
    # facts the team's account has not learned yet come along; where both know one, the team's is kept
    known = select(AccountFact.key).where(AccountFact.account_id == new_id).scalar_subquery()
    session.execute(update(AccountFact).where(AccountFact.account_id == old_id, AccountFact.key.not_in(known))
                    .values(account_id=new_id))
    session.execute(delete(AccountFact).where(AccountFact.account_id == old_id))


def set_language(session: Session, identity: str, language: str) -> None:
    """Set a user's language, creating the user on first use (the console's --lang)."""
    user = session.scalar(select(User).where(User.identity == identity))
    if user is None:
        session.add(User(identity=identity, language=language))
    else:
        user.language = language
