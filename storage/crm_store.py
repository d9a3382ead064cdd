"""The CRM sync's storage for one CRM (`crm.ports.SyncStore`), and `salescoach user link`.

The claim is one row per CRM in `crm_sync_claims`, taken under a lease as the outbox takes a message
(`storage.leases`): idle rows wait for their `not_before`, the next scheduled run; a running row whose lease ran
out (its instance died) is taken over. Every chunk of a sync first renews the lease under the holder's token, in
the chunk's own transaction, and stops with SyncTakenOver when the token no longer holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from coach.errors import InputError
from crm.connector import Kind
from crm.mapped import ChunkResult, CompanyValues, DealValues, Skipped, TaskDone, TaskValues
from crm.ports import KINDS, ClaimState, KindRun, OwnerLinks, SyncTakenOver
from storage import crm_writes
from storage.leases import Leases
from storage.models import CrmSyncClaim as Claim
from storage.models import CrmSyncKind, User, upsert
from storage.sales_teams import check_identity

LEASES = Leases(Claim, waiting=("idle",), held="running")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CrmStore:
    """`crm.ports.SyncStore` for `crm`; each call is a transaction of its own."""

    def __init__(self, sessions: sessionmaker[Session], crm: str) -> None:
        self.sessions = sessions
        self.crm = crm

    def claim(self, token: str, now: datetime, until: datetime, due_only: bool) -> bool:
        with self.sessions.begin() as session:
            session.execute(upsert(session, Claim).values(crm=self.crm, state="idle", not_before=now, attempts=0)
                            .on_conflict_do_nothing(index_elements=["crm"]))
        with self.sessions.begin() as session:
            claimable = (LEASES.due(now, wait=due_only)) & (Claim.crm == self.crm)
            return LEASES.claim(session, claimable, token, until, Claim.id) is not None

    def release(self, token: str, next_run: datetime) -> None:
        with self.sessions.begin() as session:
            LEASES.update(session, [self._claim_id(session)], token, state="idle", not_before=next_run,
                          lease_until=None, lease_token=None)

    def _claim_id(self, session: Session) -> int:
        return session.scalars(select(Claim.id).where(Claim.crm == self.crm)).one()

    @contextmanager
    def chunk(self, token: str, until: datetime) -> Iterator[CrmChunk]:
        with self.sessions() as session:
            try:
                if not LEASES.update(session, [self._claim_id(session)], token, lease_until=until):
                    raise SyncTakenOver(f"the {self.crm} sync's claim is no longer this run's")
                yield CrmChunk(session, self.crm)
            finally:
                session.rollback()

    def runs(self) -> dict[str, KindRun]:
        with self.sessions() as session:
            stored = {row.kind: row for row in session.scalars(select(CrmSyncKind).where(CrmSyncKind.crm == self.crm))}
        found = {}
        for kind in KINDS:
            row = stored.get(kind)
            found[kind] = KindRun(kind) if row is None else KindRun(
                kind, row.cursor, row.started_at, row.finished_at, row.succeeded_at, dict(row.counts),
                [Skipped(**s) for s in row.skipped], list(row.unknown_stages), row.last_error)
        return found

    def claim_state(self) -> ClaimState | None:
        with self.sessions() as session:
            row = session.scalars(select(Claim).where(Claim.crm == self.crm)).first()
            return None if row is None else ClaimState(row.state == "running", row.not_before, row.lease_until)


class CrmChunk:
    """One transaction of a sync (`crm.ports.SyncChunk`)."""

    def __init__(self, session: Session, crm: str) -> None:
        self.session = session
        self.crm = crm

    def link_owners(self, owners: Iterable[tuple[str, str | None]]) -> OwnerLinks:
        return crm_writes.link_owners(self.session, self.crm, owners)

    def save_companies(self, companies: list[CompanyValues]) -> ChunkResult:
        return crm_writes.save_companies(self.session, self.crm, companies)

    def save_deals(self, deals: list[DealValues], today: date) -> ChunkResult:
        return crm_writes.save_deals(self.session, self.crm, deals, today)

    def save_tasks(self, tasks: list[TaskValues | TaskDone]) -> ChunkResult:
        return crm_writes.save_tasks(self.session, self.crm, tasks)

    def close_removed(self, kind: Kind, ids: list[str], at: datetime) -> int:
        return crm_writes.close_removed(self.session, self.crm, kind, ids, at)

    def record(self, run: KindRun) -> None:
        values = {"cursor": run.cursor, "started_at": run.started_at, "finished_at": run.finished_at,
                  "succeeded_at": run.succeeded_at, "counts": run.counts,
                  "skipped": [s.as_json() for s in run.skipped], "unknown_stages": run.unknown_stages,
                  "last_error": run.error}
        add = upsert(self.session, CrmSyncKind).values(crm=self.crm, kind=run.kind, **values)
        self.session.execute(add.on_conflict_do_update(index_elements=["crm", "kind"], set_=values))

    def commit(self) -> None:
        self.session.commit()


def link_email(session: Session, identity: str, email: str) -> User:
    """Give a chat user the e-mail their CRM owner has (`salescoach user link`); the user is made when new. The
    next sync matches them by it; a changed e-mail drops the CRM link they had."""
    identity = check_identity(identity)
    email = email.strip()
    if not EMAIL.match(email):
        raise InputError(f"--email {email!r} is not an e-mail address")
    other = session.scalar(select(User).where(func.lower(User.email) == email.lower(), User.identity != identity))
    if other is not None:
        raise InputError(f"{email} is {other.identity}'s e-mail already; a CRM owner is matched to one chat user")
    user = session.scalar(select(User).where(User.identity == identity))
    if user is None:
        user = User(identity=identity, language="en")
        session.add(user)
    if (user.email or "").lower() != email.lower():
        user.crm, user.crm_owner_id = None, None
    user.email = email
    session.flush()
    return user
