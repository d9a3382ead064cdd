"""Write the rows of a deals export (`coach.deal_csv.DealFile.rows`) to the database: `salescoach import deals`.

A deal is identified by (account, reference) when the row has one (its quote_ref, else the CRM's record
id, stored as quote_ref), else by (account, owner, title) among deals without one, so importing the
same file again changes nothing. A deal without a reference (imported before its export had one) takes
the reference of a row with the same account, owner and title. Two rows that are the same deal are an
error. Empty optional cells (title, units, next step, decision date, currency) leave the stored value
alone. Accounts live in the owner's team, or with the owner while they have no team.

Rows are planned and written `BATCH` at a time, with a few set-based statements per batch, in the
caller's one transaction: memory holds one batch, the owners, and the id and line of each deal the
import touched (to tell a second row for the same deal). By default the import is all-or-nothing: after
any error the session is rolled back and nothing is written. The caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from coach.deal_maps import owner_key
from coach.deal_rows import DealRow, RowError
from coach.errors import InputError
from coach.identity import SPELLING as IDENTITY
from storage.models import Account, Deal, FollowUp, User, clock_of
from storage.store import DEFAULT_TIMEZONE, account_key

FOLLOW_UP_HOUR = time(9, 0)
DEFAULT_ACTION = "Follow up"
BATCH = 1000
MAX_LISTED = 100  # errors kept for the report; the rest are counted
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FIELDS = ("owner_id", "amount", "probability", "stage", "quote_ref", "title", "units", "next_step",
           "decision_date", "currency", "quote_sent_on", "closed_on")
_DEALS = Deal.__table__


class DealImportError(InputError):
    """A problem with the whole import (not one row), e.g. an unusable --owner."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # lines with an error
    reassigned: int = 0  # rows whose owner is not a known user, given to --owner
    errors: list[RowError] = field(default_factory=list)  # the first MAX_LISTED, in line order
    error_count: int = 0
    written: bool = False  # False: all-or-nothing import refused because of errors

    def add_errors(self, errors: list[RowError]) -> None:
        """Errors of the next lines of the file."""
        last = self.errors[-1].line if self.errors else None
        for error in sorted(errors, key=lambda e: e.line):
            self.error_count += 1
            self.skipped += error.line != last
            last = error.line
            if len(self.errors) < MAX_LISTED:
                self.errors.append(error)


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


@dataclass(frozen=True)
class _Owner:
    id: int
    scope: str  # of their accounts: "team:<id>", or "user:<id>" without a team
    team_id: int | None
    timezone: ZoneInfo
    currency: str  # of their new deals without one


def _unknown_owner(who: str) -> str:
    return (f"owner {who!r} is not a known user (matched by identity such as slack:U0123, e-mail or name); "
            "map the name to a user with --owner-map FILE, give such rows to --owner USER with "
            "--unknown-owners-to-owner, or add them with `salescoach team add-member TEAM USER`")


class _Owners:
    """Who owns each row: the owner column (through the owner map), else --owner; a str is an error."""

    def __init__(self, session: Session, default_owner: str | None, owner_map: Mapping[str, tuple[int, str]],
                 unknown_to_default: bool, default_timezone: str) -> None:
        self.session, self.unknown_to_default, self.timezone = session, unknown_to_default, default_timezone
        self.reassigned = 0
        self.default_identity = " ".join(default_owner.split()) if default_owner else None
        known = find_user(session, default_owner) if default_owner else None
        if default_owner and known is None and not IDENTITY.match(self.default_identity):
            raise DealImportError(f"--owner {default_owner!r} is not a known user; pass a platform-qualified "
                                  "user such as console:alice or slack:U0123 (a new one is created)")
        if unknown_to_default and not default_owner:
            raise DealImportError("--unknown-owners-to-owner gives the rows whose owner is not a known user to "
                                  "--owner USER; pass --owner too")
        self.default = self._info(known) if known else None  # None: created when a row needs them
        mapped, unknown = {}, []
        for key, (line, who) in owner_map.items():
            try:
                mapped[key] = find_user(session, who)
            except DealImportError as exc:
                unknown.append(f"--owner-map line {line}: {exc}")
                continue
            if mapped[key] is None:
                unknown.append(f"--owner-map line {line}: {who!r} is not a known user; use a platform identity "
                               "(slack:U0123, teams:<id>, console:alice) or the e-mail or name of a known user")
        if unknown:
            raise DealImportError("; ".join(unknown))
        self.mapped = {key: self._info(user) for key, user in mapped.items()}
        self.cache: dict[str, _Owner | str | None] = {}

    def _info(self, user: User) -> _Owner:
        team = user.team
        return _Owner(user.id, f"team:{team.id}" if team else f"user:{user.id}", user.team_id,
                      ZoneInfo(user.timezone or (team.timezone if team else self.timezone)),
                      team.currency if team else "EUR")

    def _default(self) -> _Owner | str:
        if self.default_identity is None:
            return "no owner: fill the owner column or pass --owner USER"
        if self.default is None:  # a new platform identity: created once, with the import
            user = User(identity=self.default_identity, language="en")
            self.session.add(user)
            self.session.flush()
            self.default = self._info(user)
        return self.default

    def resolve(self, row: DealRow) -> _Owner | str:
        """The row's owner, or an error message."""
        if not row.owner:
            return self._default()
        if row.owner not in self.cache:
            key = owner_key(row.owner)
            try:
                user = None if key in self.mapped else find_user(self.session, row.owner)
                self.cache[row.owner] = self.mapped[key] if key in self.mapped else self._info(user) if user else None
            except DealImportError as exc:
                self.cache[row.owner] = f"owner: {exc}"
        found = self.cache[row.owner]
        if found is not None:
            return found
        if self.unknown_to_default:
            self.reassigned += 1
            return self._default()
        return _unknown_owner(row.owner)


@dataclass(eq=False)
class _Target:
    """The deal a row updates or creates."""

    stored: dict | None  # the stored deal's columns (`_FIELDS` and id, account_id); None: a new deal
    line: int | None  # the line of this import that took the deal already


@dataclass
class _Plan:
    row: DealRow
    owner: _Owner
    account: tuple[str, str]  # (scope, name key)
    target: _Target | None = None


def _new_key(account_id: int, ref: str | None, owner_id: int, title: str | None) -> tuple:
    """What tells the new deals of a batch apart (two rows for one deal are an error)."""
    return (account_id, ref) if ref else (account_id, owner_id, title)


class _Batches:
    """Plans and writes one batch of rows at a time; `touched` remembers each deal of the import."""

    def __init__(self, session: Session, owners: _Owners, report: ImportReport, today: date) -> None:
        self.session, self.owners, self.report, self.today = session, owners, report, today
        self.touched: dict[int, int] = {}  # deal id -> the line that took it
        self.analyzed_at = BATCH // 2  # deals created when the statistics were last refreshed

    def write(self, rows: list[DealRow], errors: list[RowError]) -> None:
        plans = []
        for row in rows:
            owner = self.owners.resolve(row)
            if isinstance(owner, str):
                errors.append(RowError(row.line, owner))
            else:
                plans.append(_Plan(row, owner, (owner.scope, account_key(row.account))))
        accounts = self._accounts({p.account for p in plans})
        by_ref, by_title = self._stored(plans, accounts)
        plans = [p for p in plans if self._target(p, by_ref, by_title, errors)]
        self._create_accounts([p for p in plans if p.account not in accounts], accounts)
        self._write(plans, accounts)
        self.report.add_errors(errors)
        self._analyze_when_doubled()

    def _analyze_when_doubled(self) -> None:
        """On PostgreSQL, let the planner know how the tables grew: without statistics it takes an IN list
        of a batch's accounts for the whole table and scans it, a batch at a time. ANALYZE counts the rows
        of the running transaction; it runs each time the import has doubled the deals it created."""
        if self.report.created >= self.analyzed_at * 2 and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("ANALYZE deals, accounts, followups"))
            self.analyzed_at = self.report.created

    def _accounts(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        if not keys:
            return {}
        found = self.session.execute(select(Account.scope, Account.name_key, Account.id).where(  # two IN lists:
            Account.scope.in_({s for s, _ in keys}), Account.name_key.in_({k for _, k in keys})))  # cheap to plan
        return {(scope, key): id_ for scope, key, id_ in found if (scope, key) in keys}

    def _stored(self, plans: list[_Plan], accounts: dict[tuple[str, str], int]):
        """The stored deals the batch's rows may be: by (account, reference), and without a reference by
        (account, owner id, title)."""
        keys = {id_: key for key, id_ in accounts.items()}
        by_ref: dict[tuple, _Target] = {}
        by_title: dict[tuple, list[_Target]] = {}
        columns = [_DEALS.c.id, _DEALS.c.account_id, *(_DEALS.c[name] for name in _FIELDS)]
        refs = {(accounts[p.account], p.row.ref) for p in plans if p.account in accounts and p.row.ref}
        if refs:
            for deal in self.session.execute(select(*columns).where(
                    _DEALS.c.account_id.in_({a for a, _ in refs}), _DEALS.c.quote_ref.in_({r for _, r in refs}))
                    ).mappings():
                if (deal["account_id"], deal["quote_ref"]) in refs:
                    by_ref[keys[deal["account_id"]], deal["quote_ref"]] = self._stored_target(deal)
        known = [p for p in plans if p.account in accounts]
        if known:
            titles = {p.row.title for p in known} - {None}
            untitled = any(p.row.title is None for p in known)
            for deal in self.session.execute(select(*columns).where(  # by account: its index, not the owner's
                    _DEALS.c.quote_ref.is_(None), _DEALS.c.account_id.in_({accounts[p.account] for p in known}),
                    or_(_DEALS.c.title.in_(titles), _DEALS.c.title.is_(None) if untitled else False))).mappings():
                key = (keys[deal["account_id"]], deal["owner_id"], deal["title"])
                by_title.setdefault(key, []).append(self._stored_target(deal))
        return by_ref, by_title

    def _stored_target(self, deal) -> _Target:
        return _Target(dict(deal), self.touched.get(deal["id"]))

    def _target(self, plan: _Plan, by_ref: dict, by_title: dict, errors: list[RowError]) -> bool:
        """Find or make the deal of `plan`; False (and an error) when the row cannot be imported."""
        row = plan.row
        target = by_ref.get((plan.account, row.ref)) if row.ref else None
        candidates = by_title.setdefault((plan.account, plan.owner.id, row.title), [])
        if target is None and row.ref:  # a deal imported before it had this reference takes it
            free = [t for t in candidates if t.line is None]
            if len(free) == 1:
                target = free[0]
                candidates.remove(target)
                by_ref[plan.account, row.ref] = target
        elif target is None and len(candidates) > 1:
            errors.append(RowError(row.line, f"{row.account!r} has several deals titled {row.title!r} of this owner "
                                             "and without a quote_ref; add a quote_ref column to tell them apart"))
            return False
        elif target is None and candidates:
            target = candidates[0]
        if target is not None and target.line is not None:
            same = f"quote {row.quote_ref}" if row.quote_ref else f"record {row.ref}" if row.ref else "owner and title"
            errors.append(RowError(row.line, f"the same deal as line {target.line} (account {row.account!r}, {same})"))
            return False
        if target is None:
            target = _Target(None, None)
            if row.ref:
                by_ref[plan.account, row.ref] = target
            else:
                candidates.append(target)
        target.line, plan.target = row.line, target
        return True

    def _create_accounts(self, plans: list[_Plan], accounts: dict[tuple[str, str], int]) -> None:
        new = {}
        for p in plans:
            new.setdefault(p.account, {"scope": p.account[0], "name": p.row.account, "name_key": p.account[1],
                                       "team_id": p.owner.team_id, "created_by_id": p.owner.id})
        if new:
            table = Account.__table__
            created = self.session.execute(insert(table).returning(table.c.scope, table.c.name_key, table.c.id),
                                           list(new.values()))
            accounts.update({(scope, key): id_ for scope, key, id_ in created})

    def _write(self, plans: list[_Plan], accounts: dict[tuple[str, str], int]) -> None:
        """Insert the new deals, update the changed ones, add the missing follow-ups."""
        new, changed, outcomes = [], [], {}
        for p in plans:
            values, outcomes[id(p)] = self._values(p)
            if p.target.stored is None:
                new.append((p, {"account_id": accounts[p.account], **values}))
            elif outcomes[id(p)] == "updated":
                changed.append({"_id": p.target.stored["id"], **values})
        had = [p.target.stored for p in plans if p.target.stored and p.row.follow_up_date]
        if new:  # RETURNING in any order: SQLite would insert row by row to keep the order
            inserted = self.session.execute(insert(_DEALS).returning(
                _DEALS.c.id, _DEALS.c.account_id, _DEALS.c.quote_ref, _DEALS.c.owner_id, _DEALS.c.title),
                [values for _, values in new])
            ids = {_new_key(*deal[1:]): deal.id for deal in inserted}
            for p, values in new:
                p.target.stored = {"id": ids[_new_key(values["account_id"], values["quote_ref"],
                                                      values["owner_id"], values["title"])], **values}
        if changed:
            self.session.execute(update(_DEALS).where(_DEALS.c.id == bindparam("_id")), changed)
        due = set(self.session.execute(select(FollowUp.deal_id, FollowUp.owner_id, FollowUp.due_at).where(
            FollowUp.account_id.in_({d["account_id"] for d in had}),  # by account: indexed, unlike the deal
            FollowUp.deal_id.in_({d["id"] for d in had})))) if had else set()
        follow_ups = []
        for p in plans:
            if p.row.follow_up_date:
                at = datetime.combine(p.row.follow_up_date, FOLLOW_UP_HOUR, p.owner.timezone).astimezone(UTC)
                if (p.target.stored["id"], p.owner.id, at) not in due:
                    follow_ups.append({"owner_id": p.owner.id, "account_id": accounts[p.account],
                                       "deal_id": p.target.stored["id"], "action": p.row.next_step or DEFAULT_ACTION,
                                       "due_at": at})
                    if outcomes[id(p)] == "unchanged":
                        outcomes[id(p)] = "updated"
        if follow_ups:
            self.session.execute(insert(FollowUp.__table__), follow_ups)
        for p in plans:
            self.touched[p.target.stored["id"]] = p.row.line
            setattr(self.report, outcomes[id(p)], getattr(self.report, outcomes[id(p)]) + 1)

    def _values(self, plan: _Plan) -> tuple[dict, str]:
        """The deal's columns after this row, and whether it is created, updated or unchanged."""
        row, stored = plan.row, plan.target.stored
        values = dict(stored or dict.fromkeys(_FIELDS))
        values.pop("id", None), values.pop("account_id", None)
        was_stage = values["stage"]
        values.update(owner_id=plan.owner.id, amount=row.amount, probability=row.probability, stage=row.stage,
                      quote_ref=row.ref)
        optional = {"title": row.title, "units": row.units, "next_step": row.next_step,
                    "decision_date": row.decision_date, "currency": row.currency}
        values.update({k: v for k, v in optional.items() if v is not None})
        if values["currency"] is None:
            values["currency"] = plan.owner.currency
        if row.quote_date is not None:  # the CRM's date: a first import does not count every quote as sent today
            values["quote_sent_on"] = row.quote_date
        elif row.stage == "quote" and was_stage != "quote" and values["quote_sent_on"] is None:
            values["quote_sent_on"] = self.today
        if row.stage in ("won", "lost") and was_stage not in ("won", "lost"):
            values["closed_on"] = row.decision_date or self.today
        if stored is None:
            return values, "created"
        return values, "updated" if any(values[k] != stored[k] for k in _FIELDS) else "unchanged"


def import_deals(session: Session, items: Iterable[DealRow | RowError], default_owner: str | None,
                 skip_invalid: bool = False, default_timezone: str = DEFAULT_TIMEZONE, today: date | None = None,
                 owner_map: Mapping[str, tuple[int, str]] | None = None,
                 unknown_to_default: bool = False) -> ImportReport:
    """Import the deals of `items`, the rows of a file and the parser's errors in line order, so one
    report lists every problem.

    Without `skip_invalid`, any error rolls the session back and `written` stays False. With it, valid rows
    are written and every line with an error counts as skipped. `owner_map` (`coach.deal_maps.
    read_owner_map`) says who an export's owner is; with `unknown_to_default`, a row whose owner is not
    a known user goes to `default_owner`. Raises DealImportError for a `default_owner` that is neither a
    known user nor a platform identity (a new one is created), or an owner map naming unknown users."""
    owners = _Owners(session, default_owner, owner_map or {}, unknown_to_default, default_timezone)
    report = ImportReport()
    batches = _Batches(session, owners, report, today or clock_of(session)().date())
    rows: list[DealRow] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, RowError):
            errors.append(item)
            continue
        rows.append(item)
        if len(rows) == BATCH:
            batches.write(rows, errors)
            rows, errors = [], []
    batches.write(rows, errors)
    report.reassigned = owners.reassigned
    if report.error_count and not skip_invalid:
        session.rollback()
        report.created = report.updated = report.unchanged = report.skipped = report.reassigned = 0
        return report
    report.written = True
    return report
