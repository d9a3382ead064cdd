"""The CRM push: the one loop that empties the CRM outbox (`storage.crm_outbox`), as `bot.delivery` empties the
chat outbox. `serve` runs it before every try of the scheduled sync, `salescoach crm sync` before it pulls.

It claims one write at a time under a lease (the claim counts the attempt before the call) and records the result
after the call: done (a created task's id goes on its follow-up in that same transaction); the CRM down or rate
limited: tried again after its Retry-After, else after 1, 2, 4 … minutes, and this pass stops (the other writes
would meet the same); rejected (CrmRejected: trying again will not help), kept with the reason for `crm status`;
the credentials refused (CrmAuthError): handed back and the loop stops until they are fixed.

Before a deal update it reads the deal's current values: a field the CRM changed since the last pull keeps the
CRM's value (it is not written; the deal here takes it and the rep is told). A retry never duplicates: updates
and moves write values, not changes; a create retried after an attempt that may
have reached the CRM (a crash between the call and storing its id) first looks for the task carrying its marker.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from coach.clock import Clock
from coach.crm_stages import HUBSPOT_STAGES, SALESFORCE_STAGES
from coach.outgoing import retry_delay
from crm.connector import (
    CrmAuthError,
    CrmConnector,
    CrmError,
    CrmRateLimited,
    CrmRejected,
    DealUpdate,
    TaskDraft,
)
from crm.mapped import pushed_fields
from crm.note_text import note_body
from crm.ports import PushItem, PushStore

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # longer than one call may take: a connector waits out a 429 of at most 30 s once
STAGE_LABELS = {crm: {str(info.stage): label for label, info in reversed(table.items())}
                for crm, table in (("hubspot", HUBSPOT_STAGES), ("salesforce", SALESFORCE_STAGES))}
STAGE_LABELS["hubspot"].setdefault("suspect", "Appointment scheduled")  # HubSpot's default pipeline has none


@dataclass
class PushReport:
    done: dict[str, int] = field(default_factory=dict)  # per operation
    retried: int = 0
    rejected: int = 0
    auth_error: str | None = None


class CrmPush:
    def __init__(self, connector: CrmConnector, store: PushStore, clock: Clock) -> None:
        self.connector = connector
        self.store = store
        self.clock = clock
        self.token = str(uuid.uuid4())

    def run(self) -> PushReport:
        """Write what is due now, until none is left or the CRM cannot take more."""
        report = PushReport()
        while (item := self.store.claim(self.token, self.clock(), self.clock() + LEASE)) is not None:
            if not self._push(item, report):
                break
        return report

    def _push(self, item: PushItem, report: PushReport) -> bool:
        """One write and its result; False when the pass should stop."""
        try:
            crm_id, kept = self._write(item)
        except CrmAuthError as exc:
            self.store.hand_back(item, self.token, self.clock(), str(exc))
            report.auth_error = str(exc)
            log.warning("%s push stopped: the CRM refused the credentials", self.connector.name)
            return False
        except CrmRejected as exc:
            self.store.reject(item, self.token, self.clock(), str(exc))
            report.rejected += 1
            log.warning("%s refused a %s (outbox item %d): %s", self.connector.name, item.operation, item.id, exc)
            return True
        except CrmError as exc:  # down, rate limited, or an answer it could not read: later
            wait = exc.retry_after if isinstance(exc, CrmRateLimited) and exc.retry_after else None
            delay = timedelta(seconds=wait) if wait else retry_delay(item.attempts)
            self.store.retry(item, self.token, self.clock() + delay, str(exc))
            report.retried += 1
            log.info("%s push paused (attempt %d of a %s): %s", self.connector.name, item.attempts, item.operation,
                     type(exc).__name__)
            return False
        self.store.done(item, self.token, self.clock(), crm_id, kept)
        report.done[item.operation] = report.done.get(item.operation, 0) + 1
        return True

    def _write(self, item: PushItem) -> tuple[str | None, dict | None]:
        """The call an item stands for: the CRM id of what it made, if anything, and the deal's fields the CRM
        kept (see `_update_deal`)."""
        payload, connector = item.payload, self.connector
        if item.operation in ("update_deal", "add_note", "create_task") and item.deal_crm_id is None:
            raise CrmRejected("the deal is no longer linked to the CRM")
        if item.operation == "update_deal":
            return None, self._update_deal(item)
        if item.operation == "add_note":
            return connector.add_note(item.deal_crm_id, note_body(payload), datetime.fromisoformat(payload["at"])), None
        if item.operation == "create_task":
            return self._create_task(item), None
        if item.task_crm_id is None:
            raise CrmRejected("its task was never created in the CRM")
        if item.operation == "complete_task":
            connector.complete_task(item.task_crm_id)
        elif item.operation == "move_task":
            connector.move_task(item.task_crm_id, datetime.fromisoformat(payload["due_at"]))
        else:
            raise CrmRejected(f"unknown operation {item.operation!r}")
        return None, None

    def _update_deal(self, item: PushItem) -> dict:
        """Writes the fields the CRM did not change since they were last pulled (or written); a field whose CRM
        value differs from that base was changed there meanwhile, and the CRM's value wins: it is not written and
        is answered, so the deal here takes it."""
        now = pushed_fields(self.connector.deal(item.deal_crm_id))
        base = item.base or {}
        kept = {field: now[field] for field, ours in item.payload.items()
                if field in base and now.get(field) != base[field] and now.get(field) != ours}
        written = {field: value for field, value in item.payload.items() if field not in kept}
        if written:
            self.connector.update_deal(item.deal_crm_id, self._deal_update(written))
        return kept

    def _create_task(self, item: PushItem) -> str:
        """A task for the follow-up; after an earlier attempt, the one that attempt made if it got through."""
        if item.task_crm_id is not None:
            return item.task_crm_id
        if item.attempts > 1 and (found := self.connector.find_task(item.marker, item.deal_crm_id)):
            return found
        payload = item.payload
        return self.connector.create_task(TaskDraft(
            owner_id=payload.get("owner"), subject=payload["subject"], due_at=datetime.fromisoformat(payload["due_at"]),
            deal_id=item.deal_crm_id, body=item.marker))

    def _deal_update(self, payload: dict) -> DealUpdate:
        stage = payload.get("stage")
        return DealUpdate(
            stage=STAGE_LABELS.get(self.connector.name, {}).get(stage, stage) if stage else None,
            amount=Decimal(payload["amount"]) if payload.get("amount") is not None else None,
            probability=payload.get("probability"),
            close_date=date.fromisoformat(payload["decision_date"]) if payload.get("decision_date") else None)
