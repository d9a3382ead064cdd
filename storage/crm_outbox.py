"""The CRM outbox: the writes to the CRM that changes here caused, each kept until the CRM took it (`crm.push`).

`SqlStore` adds them in the transaction of the change that causes them (`CrmWrites`), so a change is never kept
without its write nor a write without its change; only for a deal linked to the configured CRM, or a follow-up
that is a CRM task or belongs to such a deal. `CrmOutbox` is the push loop's side (`crm.ports.PushStore`): the
one claim under a lease (`storage.leases`, as the chat outbox's), then done, retried later, rejected or handed back.

The writes to one record go in the order they were made: a write waits while an earlier one to the same follow-up
(its task's create, a move) or an earlier update of the same deal is not settled, so a retried write never lands
after a later one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from coach.records import WriteBack
from crm.notice_text import CRM_NAMES, kept_notice
from crm.ports import PushItem, PushStatus, Rejection
from storage import outbox as chat_outbox
from storage.leases import Leases
from storage.models import CrmPushItem as Row
from storage.models import Deal, FollowUp, User

WAITING, SETTLED = ("pending", "failed"), ("done", "rejected")
LEASES = Leases(Row, waiting=WAITING, held="sending")
CENT = Decimal("0.01")
MARKER = "salescoach:followup:{id}"  # in a created task's body: a retried create finds the task it made


def deal_fields(deal: Deal) -> dict[str, Any]:
    """A deal's pushed fields in the terms `crm_base` keeps them in (`storage.crm_writes`)."""
    return {"stage": deal.stage, "amount": str(Decimal(deal.amount).quantize(CENT)), "probability": deal.probability,
            "decision_date": deal.decision_date.isoformat() if deal.decision_date else None}


class CrmWrites:
    """What the coach's store adds to the CRM outbox, in its own session (one turn's transaction)."""

    def __init__(self, session: Session, crm: str | None) -> None:
        self.session = session
        self.crm = crm
        self.added: list[tuple[str, dict[str, Any]]] = []  # (operation, payload), this unit of work's

    def write_back(self) -> WriteBack | None:
        if not self.added:
            return None
        operations = [operation for operation, _payload in self.added]
        fields = tuple(dict.fromkeys(field for operation, payload in self.added if operation == "update_deal"
                                     for field in payload))
        return WriteBack(crm=CRM_NAMES.get(self.crm, self.crm), fields=fields, note="add_note" in operations,
                         task="create_task" in operations)

    def linked_deal(self, deal_id: int | None) -> Deal | None:
        deal = self.session.get(Deal, deal_id) if deal_id is not None and self.crm else None
        return deal if deal is not None and deal.crm == self.crm and deal.crm_id and deal.crm_removed_at is None \
            else None

    def deal_saved(self, deal: Deal, now: datetime) -> None:
        """An update of the fields whose value here differs from the CRM's as last pulled, or from what an update
        still waiting will write (a cleared close date is not written: the CRM keeps its own)."""
        if self.linked_deal(deal.id) is None:
            return
        expected = dict(deal.crm_base or {})  # what the CRM will hold once the updates still waiting are written
        for payload in self.session.scalars(select(Row.payload).where(
                Row.deal_id == deal.id, Row.operation == "update_deal", Row.state.not_in(SETTLED)).order_by(Row.id)):
            expected |= payload
        changed = {k: v for k, v in deal_fields(deal).items() if v is not None and expected.get(k) != v}
        if changed:
            self._add("update_deal", now, changed, deal_id=deal.id)

    def debriefed(self, debrief: dict[str, Any], language: str, now: datetime) -> None:
        if self.linked_deal(debrief.get("deal_id")) is None:
            return
        note = {"outcome": debrief.get("outcome") or "", "result": debrief.get("result"),
                "learned": debrief.get("learned") or {}, "language": language, "at": now.isoformat()}
        self._add("add_note", now, note, deal_id=debrief["deal_id"])

    def followup_added(self, followup: FollowUp, now: datetime) -> None:
        if self.linked_deal(followup.deal_id) is None:
            return
        owner = self.session.get(User, followup.owner_id)
        task = {"subject": followup.action, "due_at": followup.due_at.isoformat(),
                "owner": owner.crm_owner_id if owner is not None and owner.crm == self.crm else None}
        self._add("create_task", now, task, deal_id=followup.deal_id, followup_id=followup.id)

    def followups_done(self, followup_ids: list[int], now: datetime) -> None:
        for followup_id in self._tasks(followup_ids):
            self._add("complete_task", now, {}, followup_id=followup_id)

    def followup_moved(self, followup_id: int, due_at: datetime, now: datetime) -> None:
        for linked in self._tasks([followup_id]):
            self._add("move_task", now, {"due_at": due_at.isoformat()}, followup_id=linked)

    def _tasks(self, followup_ids: list[int]) -> list[int]:
        """Those of the follow-ups that are a task in the CRM, or are about to be (a create not rejected)."""
        if not self.crm or not followup_ids:
            return []
        creating = exists().where(Row.followup_id == FollowUp.id, Row.operation == "create_task",
                                  Row.state != "rejected")
        return list(self.session.scalars(select(FollowUp.id).where(
            FollowUp.id.in_(followup_ids), or_(and_(FollowUp.crm == self.crm, FollowUp.crm_id.is_not(None)),
                                               creating))))

    def _add(self, operation: str, now: datetime, payload: dict[str, Any], deal_id: int | None = None,
             followup_id: int | None = None) -> None:
        self.added.append((operation, payload))
        self.session.add(Row(crm=self.crm, operation=operation, deal_id=deal_id, followup_id=followup_id,
                             payload=payload, state="pending", not_before=now, attempts=0, created_at=now))


class CrmOutbox:
    """`crm.ports.PushStore` for `crm`; each call is a transaction of its own."""

    def __init__(self, sessions: sessionmaker[Session], crm: str) -> None:
        self.sessions = sessions
        self.crm = crm

    def claim(self, token: str, now: datetime, until: datetime) -> PushItem | None:
        """The longest waiting due write, leased to `token`, with the CRM ids it needs as they are now."""
        earlier = aliased(Row)
        waits_behind = exists().where(earlier.id < Row.id, earlier.state.not_in(SETTLED), or_(
            earlier.followup_id == Row.followup_id,
            and_(earlier.deal_id == Row.deal_id, earlier.operation == "update_deal", Row.operation == "update_deal")))
        claimable = and_(LEASES.due(now), Row.crm == self.crm, ~waits_behind)
        with self.sessions.begin() as session:
            taken = LEASES.claim(session, claimable, token, until, Row.id, Row.operation, Row.deal_id,
                                 Row.followup_id, Row.payload, Row.attempts)
            if taken is None:
                return None
            deal = session.get(Deal, taken.deal_id) if taken.deal_id is not None else None
            followup = session.get(FollowUp, taken.followup_id) if taken.followup_id is not None else None
            return PushItem(id=taken.id, operation=taken.operation, attempts=taken.attempts, payload=taken.payload,
                            deal_crm_id=deal.crm_id if deal is not None else None,
                            task_crm_id=followup.crm_id if followup is not None else None,
                            marker=MARKER.format(id=taken.followup_id) if taken.followup_id else None,
                            base=deal.crm_base if deal is not None else None)

    def done(self, item: PushItem, token: str, now: datetime, crm_id: str | None = None,
             kept: dict[str, Any] | None = None) -> bool:
        """The CRM took it: a created task's id goes on its follow-up, a deal's written fields into its base, in
        the same transaction; `kept`: the fields the CRM had changed meanwhile (its value won, not written), which
        the deal takes here, and its owner is told in chat. False when the lease was lost meanwhile."""
        with self.sessions.begin() as session:
            row = session.get(Row, item.id)
            if not LEASES.update(session, [item.id], token, state="done", settled_at=now, lease_until=None,
                                 lease_token=None, last_error=None, crm_result=crm_id):
                return False
            if item.operation == "create_task" and crm_id is not None:
                session.execute(update(FollowUp).where(FollowUp.id == row.followup_id)
                                .values(crm=self.crm, crm_id=crm_id).execution_options(synchronize_session=False))
            if item.operation == "update_deal":
                deal = session.get(Deal, row.deal_id)
                if deal is not None and deal.crm_base is not None:
                    deal.crm_base = {**deal.crm_base, **item.payload, **(kept or {})}
                if deal is not None and kept:
                    self._keep(session, deal, item, kept, now)
            return True

    def _keep(self, session: Session, deal: Deal, item: PushItem, kept: dict[str, Any], now: datetime) -> None:
        """The deal takes the CRM's values; its owner hears which, in their language, through the chat outbox."""
        theirs_and_ours = {field: (value, item.payload.get(field)) for field, value in kept.items()}
        if "amount" in kept and kept["amount"] is not None:
            deal.amount = Decimal(kept["amount"])
        if "decision_date" in kept and kept["decision_date"] is not None:
            deal.decision_date = date.fromisoformat(kept["decision_date"])
        if "probability" in kept and kept["probability"] is not None:
            deal.probability = kept["probability"]
        if "stage" in kept and kept["stage"] is not None:
            deal.stage = kept["stage"]
        owner = session.get(User, deal.owner_id)
        name = " — ".join(part for part in (deal.account.name, deal.title) if part)
        notice = kept_notice(self.crm, owner.identity, owner.language, name, deal.currency, theirs_and_ours,
                             key=f"crm-kept:{item.id}")
        chat_outbox.enqueue(session, [notice], now)

    def retry(self, item: PushItem, token: str, at: datetime, error: str) -> bool:
        return self._settle(item, token, state="failed", not_before=at, last_error=error[:500])

    def reject(self, item: PushItem, token: str, now: datetime, error: str) -> bool:
        return self._settle(item, token, state="rejected", settled_at=now, last_error=error[:500])

    def hand_back(self, item: PushItem, token: str, now: datetime, error: str) -> bool:
        """Pending again, not counted as an attempt (the CRM refused the credentials, not this write)."""
        return self._settle(item, token, state="pending", not_before=now, attempts=max(item.attempts - 1, 0),
                            last_error=error[:500])

    def _settle(self, item: PushItem, token: str, **values: Any) -> bool:
        with self.sessions.begin() as session:
            return bool(LEASES.update(session, [item.id], token, lease_until=None, lease_token=None, **values))

    def status(self, now: datetime, listed: int = 20) -> PushStatus:
        """How many writes wait and were done, the last error of those waiting, the writes rejected (newest first)."""
        with self.sessions() as session:
            counts = dict(session.execute(select(Row.state, func.count()).where(Row.crm == self.crm)
                                          .group_by(Row.state)).all())
            last_error = session.scalars(select(Row.last_error).where(
                Row.crm == self.crm, Row.state.not_in(SETTLED), Row.last_error.is_not(None))
                .order_by(Row.not_before.desc(), Row.id.desc()).limit(1)).first()
            rejected = session.execute(select(Row.id, Row.operation, Row.settled_at, Row.last_error).where(
                Row.crm == self.crm, Row.state == "rejected").order_by(Row.settled_at.desc(), Row.id.desc())
                .limit(listed)).all()
            oldest = session.scalars(select(func.min(Row.created_at)).where(
                Row.crm == self.crm, Row.state.not_in(SETTLED))).first()
        waiting = sum(n for state, n in counts.items() if state not in SETTLED)
        return PushStatus(waiting=waiting, done=counts.get("done", 0), rejected=counts.get("rejected", 0),
                          last_error=last_error, oldest_waiting=oldest,
                          rejections=[Rejection(r.id, r.operation, r.settled_at, r.last_error or "") for r in rejected])

