"""Typed SQLAlchemy models. Money is Decimal (Numeric), times are aware UTC."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from coach.clock import WALL, Clock
from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def clock_of(session: Session) -> Clock:
    """The clock of the process that opened this session (`storage.db.make_sessionmaker`)."""
    return session.get_bind().get_execution_options().get("clock", WALL)


def upsert(session: Session, model: type):
    """An INSERT for `model` that takes ON CONFLICT clauses, in the session's database's dialect (SQLite or
    PostgreSQL; the dialect module loads on first use). It joins the session's transaction like any statement,
    where a SAVEPOINT would not on SQLite: pysqlite commits a savepoint opened before the first write."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def stamp(context) -> datetime:
    """Column default: the current moment by the clock of the engine the statement runs on."""
    return context.execution_options.get("clock", WALL)()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    working_hours: Mapped[str] = mapped_column(String(120), default="mon-fri 08:00-18:00")
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 code for public holidays
    channel: Mapped[str | None] = mapped_column(String(300))  # "slack:C0123" or "teams:<conversation id>"
    prep_days: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # working days before a visit
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # When the managers' weekly digest goes out, in the team's time zone: "mon 08:00", or "off".
    digest_at: Mapped[str] = mapped_column(String(16), default="mon 08:00", server_default="mon 08:00")
    # Visits a year per account class, {"A": 6, "C": 0}; None: the book's default (coach.account_memory).
    contact_norms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=stamp)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_crm_owner", "crm", "crm_owner_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Platform-qualified: "console:alice", "slack:U0123", "teams:<aad-object-id>".
    identity: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="rep")
    away_until: Mapped[date | None] = mapped_column(Date)  # no reminders up to and including this day
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    # The CRM owner this user is, matched by e-mail at each sync ("hubspot" or "salesforce", and its owner id).
    crm: Mapped[str | None] = mapped_column(String(12))
    crm_owner_id: Mapped[str | None] = mapped_column(String(64))

    team: Mapped[Team | None] = relationship()


class Account(Base):
    """A customer or prospect. Scoped to a team, or to one user while they have no team."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("scope", "name_key"), Index("ix_accounts_crm_id", "crm", "crm_id", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))  # "team:<id>" or "user:<id>"
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # case- and space-folded name
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The relationship, apart from any deal's stage: suspect | prospect | customer | ex-customer | dead.
    status: Mapped[str] = mapped_column(String(12), default="suspect", server_default="suspect")
    abc_class: Mapped[str | None] = mapped_column(String(1))  # A | B | C
    class_since: Mapped[datetime | None] = mapped_column()  # when it got its present class (coach.contact_norm)
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    # The CRM company this account is (see crm.sync); removed: archived or deleted in the CRM.
    crm: Mapped[str | None] = mapped_column(String(12))
    crm_id: Mapped[str | None] = mapped_column(String(64))
    crm_removed_at: Mapped[datetime | None] = mapped_column()


class AccountFact(Base):
    """One thing learned about an account in a debrief (current supplier, contract end, …): the latest
    value per key, with the visit that taught it. Values are JSON: text, a list of names, an ISO date,
    a decimal string or a bool."""

    __tablename__ = "account_facts"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[Any] = mapped_column(JSON)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    learned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    learned_at: Mapped[datetime] = mapped_column(default=stamp)


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (
        UniqueConstraint("account_id", "quote_ref"),
        Index("ix_deals_crm_id", "crm", "crm_id", unique=True),
        Index("ix_deals_owner_stage", "owner_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    units: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    probability: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(20), default="suspect")
    decision_date: Mapped[date | None] = mapped_column(Date)
    dmu_known: Mapped[bool | None] = mapped_column(Boolean)
    quote_ref: Mapped[str | None] = mapped_column(String(80))
    next_step: Mapped[str | None] = mapped_column(Text)
    quote_sent_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    updated_at: Mapped[datetime] = mapped_column(default=stamp, onupdate=stamp)
    # The CRM deal this is. `crm_base` holds the CRM's values as last pulled, in our terms (`storage.crm_writes`):
    # a field whose CRM value still equals it was not changed in the CRM, so a local edit of it stands (and is
    # what a push sends). `crm_modified_at` is the CRM's modified time of the pull that last changed it. A deal
    # removed in the CRM stays, out of every pipeline, forecast and digest (`LIVE_DEAL`).
    crm: Mapped[str | None] = mapped_column(String(12))
    crm_id: Mapped[str | None] = mapped_column(String(64))
    crm_base: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    crm_modified_at: Mapped[datetime | None] = mapped_column()
    crm_removed_at: Mapped[datetime | None] = mapped_column()

    account: Mapped[Account] = relationship()
    owner: Mapped[User] = relationship()


LIVE_DEAL = Deal.crm_removed_at.is_(None)  # not removed in the CRM: every pipeline, forecast and digest query


class Visit(Base):
    """A planned or prepared visit, with its preparation, call plan and debrief as JSON documents."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    visit_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="prepared")  # prepared | debriefed
    planned_on: Mapped[date | None] = mapped_column(Date)
    goal: Mapped[str | None] = mapped_column(Text)
    preparation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    call_plan: Mapped[dict[str, Any]] = mapped_column(default=dict)
    debrief: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    debriefed_at: Mapped[datetime | None] = mapped_column()

    account: Mapped[Account] = relationship()


class FollowUp(Base):
    """A promised next action; its due time is the reminder."""

    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_owner_status_due", "owner_id", "status", "due_at"),
                      Index("ix_followups_reminder_due", "status", "reminded_at", "due_at"),
                      Index("ix_followups_crm_id", "crm", "crm_id", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    action: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12), default="action", server_default="action")  # action|prep|debrief
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done | removed (in the CRM)
    done_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    # The reminder: put in the outbox at `reminded_at`; held back until `deferred_until` when it fell due outside
    # the rep's working hours, on a holiday or while they were away.
    reminded_at: Mapped[datetime | None] = mapped_column()
    deferred_until: Mapped[datetime | None] = mapped_column()
    # The CRM task this is; `crm_base` and `crm_modified_at` as on Deal.
    crm: Mapped[str | None] = mapped_column(String(12))
    crm_id: Mapped[str | None] = mapped_column(String(64))
    crm_base: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    crm_modified_at: Mapped[datetime | None] = mapped_column()

    account: Mapped[Account] = relationship()


class DialogState(Base):
    """One conversation's flow state; `version` guards against concurrent writers."""

    __tablename__ = "dialog_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_key: Mapped[str] = mapped_column(String(400), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=stamp)


class ProcessedEvent(Base):
    """Platform deliveries already handled, keyed by the platform's id, so a retried delivery is skipped."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("source", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # "slack", "teams"
    event_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=stamp)


class OutboxMessage(Base):
    """A message a scheduled job produced (`coach.outgoing.Outgoing`), kept until it is sent; see storage.outbox."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_not_before", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # reminder | nudge | team-overview | digest
    recipient: Mapped[str] = mapped_column(String(300))
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"reply": …, "thread": […]}; None once settled
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|sent|failed|dropped
    not_before: Mapped[datetime] = mapped_column()  # produced, or retried after a failure
    expires_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column()  # while sending: its instance renews it
    lease_token: Mapped[str | None] = mapped_column(String(36))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    settled_at: Mapped[datetime | None] = mapped_column()  # sent or dropped


class InboxItem(Base):
    """What a chat platform delivered, stored before it is acknowledged and kept until it is handled; see
    storage.inbox."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_state_not_before", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # "slack"
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)  # "slack:<event id>", or one of its own
    job: Mapped[str] = mapped_column(String(30))  # what to do with it, e.g. "message"
    payload: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(10))  # pending | taken (a worker of one instance has it)
    not_before: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column()  # while taken: its instance renews it
    lease_token: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=stamp)


class ConversationRef(Base):
    """Where to reach a user proactively (Teams: the Bot Framework conversation reference, as JSON)."""

    __tablename__ = "conversation_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(200), unique=True)
    reference: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=stamp, onupdate=stamp)


class SentCard(Base):
    """A card with buttons the coach sent in Teams, so a click can replace it with its answered form."""

    __tablename__ = "sent_cards"
    __table_args__ = (UniqueConstraint("conversation_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(400))
    activity_id: Mapped[str] = mapped_column(String(200))
    card: Mapped[dict[str, Any]] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(default=stamp, index=True)


class DigestSnapshot(Base):
    """A team's weighted forecast per decision month as one week's digest saw it, for next week's change."""

    __tablename__ = "digest_snapshots"
    __table_args__ = (UniqueConstraint("team_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    week_start: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column()  # {"months": {"YYYY-MM": "1234.50", …}}
    created_at: Mapped[datetime] = mapped_column(default=stamp)


class CrmPendingCompany(Base):
    """A CRM company no account holds yet: its owner is not linked to a chat user (or it has none). The first
    deal or task of a linked owner places it in that owner's team (`crm.sync`), and the row goes."""

    __tablename__ = "crm_pending_companies"
    __table_args__ = (UniqueConstraint("crm", "crm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[str] = mapped_column(String(12))
    crm_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    modified_at: Mapped[datetime] = mapped_column()


class CrmSyncKind(Base):
    """How the sync of one kind of CRM record (owners, companies, deals, tasks) went last: its cursor (the highest
    modified time committed, from which the next incremental sync pulls), the last run's start, end and counts,
    the records it skipped with their reason (the first `crm.ports.MAX_LISTED`), and its error."""

    __tablename__ = "crm_sync"
    __table_args__ = (UniqueConstraint("crm", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(12))
    cursor: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    succeeded_at: Mapped[datetime | None] = mapped_column()  # the end of the last run without an error
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"created": 3, "updated": 1, …}
    skipped: Mapped[list[Any]] = mapped_column(default=list)  # [{"id", "name", "reason"}]
    unknown_stages: Mapped[list[Any]] = mapped_column(default=list)  # deals' stage labels the coach guessed for
    last_error: Mapped[str | None] = mapped_column(String(500))


class CrmSyncClaim(Base):
    """Who syncs the CRM now, under a lease (`storage.leases`), and when the next scheduled sync is due
    (`not_before`): one row per CRM, so two instances never sync at once."""

    __tablename__ = "crm_sync_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[str] = mapped_column(String(12), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="idle")  # idle | running
    not_before: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column()
    lease_token: Mapped[str | None] = mapped_column(String(36))


class CrmPushItem(Base):
    """One write to the CRM a change here caused (a debrief's deal update, note or task, a follow-up done or moved),
    kept until the CRM took it; see storage.crm_outbox. `payload` is in our terms, `crm_result` the CRM's id of
    what the write made (a note, a task)."""

    __tablename__ = "crm_outbox"
    __table_args__ = (Index("ix_crm_outbox_state_not_before", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[str] = mapped_column(String(12))
    operation: Mapped[str] = mapped_column(String(16))  # update_deal|add_note|create_task|complete_task|move_task
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|failed|done|rejected
    not_before: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column()
    lease_token: Mapped[str | None] = mapped_column(String(36))
    last_error: Mapped[str | None] = mapped_column(String(500))
    crm_result: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    settled_at: Mapped[datetime | None] = mapped_column()  # done or rejected
