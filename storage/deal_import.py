"""Write parsed deal rows (`coach.deal_csv`) to the database: `salescoach import deals`.

A deal is identified by (account, reference) when the row has one (its quote_ref, else the CRM's record
id, stored as quote_ref), else by (account, owner, title) among deals without one, so importing the
same file again changes nothing. A deal without a reference (imported before its export had one) takes
the reference of a row with the same account, owner and title. Empty optional
cells (title, units, next step, decision date, currency) leave the stored value alone. Accounts
live in the owner's team, or with the owner while they have no team. By default the import is
all-or-nothing: any error means nothing is written. The caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.deal_csv import DealRow, RowError
from coach.deal_maps import owner_key
from coach.errors import InputError
from coach.identity import SPELLING as IDENTITY
from storage.models import Account, Deal, FollowUp, User, clock_of
from storage.store import DEFAULT_TIMEZONE, account_key

FOLLOW_UP_HOUR = time(9, 0)
DEFAULT_ACTION = "Follow up"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DealImportError(InputError):
    """A problem with the whole import (not one row), e.g. an unusable --owner."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    reassigned: int = 0  # rows whose owner is not a known user, given to --owner
    errors: list[RowError] = field(default_factory=list)
    written: bool = False  # False: all-or-nothing import refused because of errors


@dataclass
class _Plan:
    row: DealRow
    owner: User | None  # None: the --owner user, created on write
    account: Account | None  # None: created on write
    deal: Deal | None  # None: a new deal


def find_user(session: Session, who: str) -> User | None:
    """The user with this platform-qualified identity, else with this e-mail, else display name.

    CRM exports name the owner by e-mail or by full name ("Anna de Vries"); both must be unique.
    Raises DealImportError when several users match."""
    who = " ".join(who.split())
    if IDENTITY.match(who):
        return session.scalar(select(User).where(User.identity == who))
    column = User.email if _EMAIL.match(who) else User.display_name
    users = session.scalars(select(User).where(func.lower(column) == who.lower()).limit(2)).all()
    if len(users) > 1:
        raise DealImportError(f"several users are called {who!r}; use their platform identity "
                              "(slack:U0123, teams:<id>, console:alice)")
    return users[0] if users else None


def _scope(owner: User | None, identity: str) -> str:
    if owner is None:
        return f"new:{identity}"
    return f"team:{owner.team_id}" if owner.team_id else f"user:{owner.id}"


def _unknown_owner(who: str) -> str:
    return (f"owner {who!r} is not a known user (matched by identity such as slack:U0123, e-mail or name); "
            "map the name to a user with --owner-map FILE, give such rows to --owner USER with "
            "--unknown-owners-to-owner, or add them with `salescoach team add-member TEAM USER`")


class _Owners:
    """Who owns each row: the owner column (through the owner map), else --owner; a str is an error."""

    def __init__(self, session: Session, default_owner: str | None, owner_map: Mapping[str, tuple[int, str]],
                 unknown_to_default: bool) -> None:
        self.session, self.unknown_to_default, self.reassigned = session, unknown_to_default, 0
        self.default = find_user(session, default_owner) if default_owner else None
        if default_owner and self.default is None and not IDENTITY.match(default_owner.strip()):
            raise DealImportError(f"--owner {default_owner!r} is not a known user; pass a platform-qualified "
                                  "user such as console:alice or slack:U0123 (a new one is created)")
        if unknown_to_default and not default_owner:
            raise DealImportError("--unknown-owners-to-owner gives the rows whose owner is not a known user to "
                                  "--owner USER; pass --owner too")
        self.default_identity = self.default.identity if self.default else (
            default_owner.strip() if default_owner else None)
        self.mapped, unknown = {}, []
        for key, (line, who) in owner_map.items():
            try:
                self.mapped[key] = find_user(session, who)
            except DealImportError as exc:
                unknown.append(f"--owner-map line {line}: {exc}")
                continue
            if self.mapped[key] is None:
                unknown.append(f"--owner-map line {line}: {who!r} is not a known user; use a platform identity "
                               "(slack:U0123, teams:<id>, console:alice) or the e-mail or name of a known user")
        if unknown:
            raise DealImportError("; ".join(unknown))
        self.cache: dict[str, User | str | None] = {}

    def resolve(self, row: DealRow) -> User | None | str:
        """The row's owner; None for a new --owner user; a str is an error message."""
        if not row.owner:
            return "no owner: fill the owner column or pass --owner USER" if self.default_identity is None \
                else self.default
        if row.owner not in self.cache:
            try:
                self.cache[row.owner] = self.mapped.get(owner_key(row.owner)) or find_user(self.session, row.owner)
            except DealImportError as exc:
                self.cache[row.owner] = f"owner: {exc}"
        found = self.cache[row.owner]
        if found is not None:
            return found
        if self.unknown_to_default:
            self.reassigned += 1
            return self.default
        return _unknown_owner(row.owner)


def _find_deal(session: Session, account: Account, owner: User | None, row: DealRow,
               claimed: set[int]) -> Deal | None | str:
    """The stored deal this row updates, None for a new one, or an error message. `claimed`: the deals
    earlier rows of this import update, which a row without their reference does not take."""
    if row.ref:
        found = session.scalar(select(Deal).where(Deal.account_id == account.id, Deal.quote_ref == row.ref))
        if found is not None:
            return found
    if owner is None:
        return None
    title = Deal.title.is_(None) if row.title is None else Deal.title == row.title
    found = [d for d in session.scalars(select(Deal).where(
        Deal.account_id == account.id, Deal.owner_id == owner.id, Deal.quote_ref.is_(None), title))
        if d.id not in claimed]
    if len(found) > 1:
        if row.ref:  # which of them is the one to take this reference cannot be told
            return None
        return (f"{account.name!r} has several deals titled {row.title!r} of this owner and without a "
                "quote_ref; add a quote_ref column to tell them apart")
    return found[0] if found else None


def _plan(session: Session, rows: Sequence[DealRow], owners: _Owners, errors: list[RowError]) -> list[_Plan]:
    plans, seen, claimed = [], {}, set()
    accounts: dict[tuple[str, str], Account | None] = {}
    for row in rows:
        owner = owners.resolve(row)
        if isinstance(owner, str):
            errors.append(RowError(row.line, owner))
            continue
        identity = owner.identity if owner else owners.default_identity
        scope, key = _scope(owner, identity or ""), account_key(row.account)
        deal_key = (scope, key, row.ref) if row.ref else (scope, key, identity, row.title)
        if deal_key in seen:
            same = f"quote {row.quote_ref}" if row.quote_ref else f"record {row.ref}" if row.ref else "owner and title"
            errors.append(RowError(row.line, f"the same deal as line {seen[deal_key]} "
                                   f"(account {row.account!r}, {same})"))
            continue
        seen[deal_key] = row.line
        if (scope, key) not in accounts:
            accounts[scope, key] = None if owner is None else session.scalar(
                select(Account).where(Account.scope == scope, Account.name_key == key))
        account = accounts[scope, key]
        deal = _find_deal(session, account, owner, row, claimed) if account else None
        if isinstance(deal, str):
            errors.append(RowError(row.line, deal))
            continue
        if deal is not None:
            claimed.add(deal.id)
        plans.append(_Plan(row, owner, account, deal))
    return plans


def _timezone(owner: User, default_timezone: str) -> ZoneInfo:
    return ZoneInfo(owner.timezone or (owner.team.timezone if owner.team else default_timezone))


def _apply(session: Session, plan: _Plan, owner: User, account: Account, today: date,
           default_timezone: str) -> str:
    """Create or update one deal and its follow-up; returns created, updated or unchanged."""
    row, deal = plan.row, plan.deal
    values = {"owner_id": owner.id, "amount": row.amount, "probability": row.probability,
              "stage": row.stage, "quote_ref": row.ref}
    optional = {"title": row.title, "units": row.units, "next_step": row.next_step,
                "decision_date": row.decision_date, "currency": row.currency}
    values.update({k: v for k, v in optional.items() if v is not None})
    outcome = "unchanged"
    if deal is None:
        values.setdefault("currency", owner.team.currency if owner.team else "EUR")
        deal = Deal(account_id=account.id, **values)
        session.add(deal)
        was_stage, outcome = None, "created"
    else:
        was_stage = deal.stage
        for name, value in values.items():
            if getattr(deal, name) != value:
                setattr(deal, name, value)
                outcome = "updated"
    if row.quote_date is not None and deal.quote_sent_on != row.quote_date:
        deal.quote_sent_on = row.quote_date  # the CRM's date: a first import does not count every quote as sent today
        outcome = "updated" if outcome == "unchanged" else outcome
    elif row.stage == "quote" and was_stage != "quote" and deal.quote_sent_on is None:
        deal.quote_sent_on = today
    if row.stage in ("won", "lost") and was_stage not in ("won", "lost"):
        deal.closed_on = row.decision_date or today
    session.flush()
    if row.follow_up_date:
        local = datetime.combine(row.follow_up_date, FOLLOW_UP_HOUR, _timezone(owner, default_timezone))
        due = local.astimezone(UTC)
        exists = session.scalar(select(FollowUp.id).where(FollowUp.deal_id == deal.id,
                                                          FollowUp.owner_id == owner.id,
                                                          FollowUp.due_at == due))
        if exists is None:
            session.add(FollowUp(owner_id=owner.id, account_id=account.id, deal_id=deal.id,
                                 action=row.next_step or DEFAULT_ACTION, due_at=due))
            outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def import_deals(session: Session, rows: Iterable[DealRow], default_owner: str | None,
                 skip_invalid: bool = False, errors: Sequence[RowError] = (),
                 default_timezone: str = DEFAULT_TIMEZONE, today: date | None = None,
                 owner_map: Mapping[str, tuple[int, str]] | None = None,
                 unknown_to_default: bool = False) -> ImportReport:
    """Import `rows`; `errors` are the parser's, so one report lists every problem.

    Without `skip_invalid`, any error writes nothing and `written` stays False. With it, valid rows
    are written and every line with an error counts as skipped. `owner_map` (`coach.deal_maps.
    read_owner_map`) says who an export's owner is; with `unknown_to_default`, a row whose owner is not
    a known user goes to `default_owner`. Raises DealImportError for a `default_owner` that is neither a
    known user nor a platform identity (a new one is created), or an owner map naming unknown users."""
    rows = list(rows)
    owners = _Owners(session, default_owner, owner_map or {}, unknown_to_default)
    default, default_identity = owners.default, owners.default_identity
    report = ImportReport(errors=list(errors))
    plans = _plan(session, rows, owners, report.errors)
    report.reassigned = owners.reassigned
    report.errors.sort(key=lambda e: e.line)
    if report.errors and not skip_invalid:
        return report
    report.skipped, report.written = len({e.line for e in report.errors}), True
    accounts: dict[tuple[str, str], Account] = {}
    today = today or clock_of(session)().date()
    for plan in plans:
        owner = plan.owner or default
        if owner is None:  # the --owner identity is new: create it once
            owner = default = User(identity=default_identity, language="en")
            session.add(owner)
            session.flush()
        key = (_scope(owner, owner.identity), account_key(plan.row.account))
        account = plan.account or accounts.get(key)
        if account is None:
            account = Account(scope=key[0], name=plan.row.account, name_key=key[1], team_id=owner.team_id,
                              created_by_id=owner.id)
            session.add(account)
            session.flush()
        accounts[key] = account
        outcome = _apply(session, plan, owner, account, today, default_timezone)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
